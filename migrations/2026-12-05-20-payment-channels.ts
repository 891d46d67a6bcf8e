import type { Migration } from './migrator.ts';

// The channels' own ways to pay (issue 14): an order may be paid by Telegram Payments or by Viber's payment
// message besides LiqPay's link. A Telegram payment carries two ids: the provider's (the bank's transaction,
// shown on the receipt and exported for billing, kept as provider_payment_id) and Telegram's own charge id
// (what Telegram's support asks for about a refund), kept beside it.
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_provider_check;
    ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_provider_check CHECK (provider IN ('liqpay', 'telegram', 'viber'));
    ALTER TABLE payment_transactions ADD COLUMN channel_charge_id text;
    ALTER TABLE payment_reports ADD COLUMN channel_charge_id text;
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`
    ALTER TABLE payment_reports DROP COLUMN channel_charge_id;
    ALTER TABLE payment_transactions DROP COLUMN channel_charge_id;
    ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_provider_check;
    ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_provider_check CHECK (provider IN ('liqpay'));
  `);
};
