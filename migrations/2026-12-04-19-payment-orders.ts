import type { Migration } from './migrator.ts';

// An order is stored before any link or invoice is shown, so every callback finds what it pays for. The payment
// itself is a row of its own keyed by (order, provider's id): however many callbacks arrive, the key admits one,
// and the unique order_id admits one payment per order. Every report that arrived is kept in payment_reports,
// credited or not (a mismatched amount stays there for staff).
export const up: Migration = async ({ context: sql }) => {
  await sql.query(`
    CREATE TABLE payment_orders (
      id              text PRIMARY KEY,
      account_id      integer NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
      subscriber_id   integer REFERENCES subscribers(id) ON DELETE SET NULL,
      channel         text NOT NULL CHECK (channel IN ('telegram', 'viber')),
      provider        text NOT NULL CHECK (provider IN ('liqpay')),
      amount_kop      integer NOT NULL CHECK (amount_kop > 0),
      currency        text NOT NULL DEFAULT 'UAH' CHECK (currency = 'UAH'),
      status          text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'pending', 'paid', 'failed', 'reversed')),
      idempotency_key text UNIQUE,
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL,
      checked_at      timestamptz,
      -- Billing's payments row this order was matched to (its natural key with account_id and amount_kop).
      billing_paid_on date
    );
    CREATE INDEX payment_orders_open_idx ON payment_orders (created_at) WHERE status IN ('created', 'pending');
    CREATE INDEX payment_orders_account_idx ON payment_orders (account_id, created_at);
    -- One billing row confirms one order, never two.
    CREATE UNIQUE INDEX payment_orders_billing_row ON payment_orders (account_id, billing_paid_on, amount_kop)
      WHERE billing_paid_on IS NOT NULL;

    CREATE TABLE payment_transactions (
      order_id            text NOT NULL REFERENCES payment_orders(id) ON DELETE RESTRICT,
      provider_payment_id text NOT NULL,
      amount_kop          integer NOT NULL CHECK (amount_kop > 0),
      paid_at             timestamptz NOT NULL,
      reversed_at         timestamptz,
      PRIMARY KEY (order_id, provider_payment_id),
      UNIQUE (order_id)
    );
    CREATE INDEX payment_transactions_paid_idx ON payment_transactions (paid_at);

    CREATE TABLE payment_reports (
      id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      order_id            text NOT NULL REFERENCES payment_orders(id) ON DELETE CASCADE,
      source              text NOT NULL CHECK (source IN ('callback', 'status-api')),
      provider_status     text NOT NULL,
      provider_payment_id text,
      amount_kop          integer,
      currency            text,
      outcome             text NOT NULL CHECK (outcome IN ('applied', 'unchanged', 'mismatch')),
      received_at         timestamptz NOT NULL
    );
    CREATE INDEX payment_reports_order_idx ON payment_reports (order_id, received_at);

    -- Callbacks refused for a bad signature, counted per clock hour (nothing of them is kept: they are forged).
    CREATE TABLE payment_forged_callbacks (
      bucket timestamptz PRIMARY KEY,
      count  integer NOT NULL
    );
  `);
};

export const down: Migration = async ({ context: sql }) => {
  await sql.query(`DROP TABLE payment_forged_callbacks; DROP TABLE payment_reports; DROP TABLE payment_transactions; DROP TABLE payment_orders;`);
};
