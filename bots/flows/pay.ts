import { listLinkedAccounts } from '../../core/accounts/index.ts';
import { parseAmountKop } from '../../core/parse.ts';
import { createOrder, paymentOffer, type PaymentsDeps } from '../../core/payments/index.ts';
import { payments as texts } from '../texts/payments.ts';
import type { Chat, Choices } from './chat.ts';
import { askText, choose } from './kit.ts';
import type { Flow } from './router.ts';

// «Оплатити»: the account (asked only when there are several, or given by the button that started the flow) →
// the amount (the debt, or one typed from 1 грн to PAYMENT_MAX_UAH; with no debt, an advance) → core stores the
// order (the step's key makes a replayed press find the same order) → the checkout bots/payments chooses for the
// channel: LiqPay's link, or the channel's own invoice. The payment's outcome arrives later through the
// provider's callback (or Telegram's payment update), not in this flow.

const DEBT = 'debt';
const OTHER = 'other';

const end = (chat: Chat, text: string) => chat.say(text, { keyboard: 'menu' });

async function typedAmount(chat: Chat, minKop: number, maxKop: number): Promise<number> {
  let prompt: string | null = texts.askAmount(minKop, maxKop);
  for (;;) {
    const typed = parseAmountKop(await askText(chat, prompt, { hint: texts.amountHint }));
    prompt = null;
    if (typed === null || typed <= 0) await chat.say(texts.amountHint);
    else if (typed < minKop) await chat.say(texts.amountTooSmall(minKop));
    else if (typed > maxKop) await chat.say(texts.amountTooLarge(maxKop));
    else return typed;
  }
}

export const payFlow: Flow<{ accountId?: number } | null> = {
  id: 'pay',
  async run(chat, deps, args) {
    const port = deps.payments;
    if (!port) return end(chat, texts.unavailable);
    const paymentsDeps: PaymentsDeps = { ...deps.core, payments: port.rules };

    let accountId = args?.accountId;
    if (accountId === undefined) {
      const accounts = await chat.step(async () =>
        (await listLinkedAccounts(deps.core, chat.subscriberId)).map((a) => ({ accountId: a.accountId, number: a.number, address: a.address })),
      );
      if (accounts.length === 0) return end(chat, texts.noAccounts);
      if (accounts.length === 1) accountId = accounts[0]!.accountId;
      else {
        const id = await choose(chat, texts.chooseAccount, accounts.map((a) => [{ id: `a${a.accountId}`, label: texts.accountButton(a.number, a.address) }]));
        accountId = Number(id.slice(1));
      }
    }
    const chosen = accountId;
    const offer = await chat.step(() => paymentOffer(paymentsDeps, { subscriberId: chat.subscriberId, accountId: chosen }));
    if (offer.kind === 'not-linked') return end(chat, texts.notLinked);

    const choices: Choices =
      offer.debtKop >= offer.minKop
        ? [[{ id: DEBT, label: texts.payDebt(offer.debtKop) }], [{ id: OTHER, label: texts.otherAmount }]]
        : [[{ id: OTHER, label: texts.otherAmount }]];
    const heading = offer.debtKop > 0 ? texts.offerDebt(offer.accountNumber, offer.debtKop) : texts.offerNoDebt(offer.accountNumber);
    const picked = await choose(chat, heading, choices);
    const amountKop = picked === DEBT ? offer.debtKop : await typedAmount(chat, offer.minKop, offer.maxKop);

    // Which provider takes the money on this channel is the payments port's to say (config, the same on a replay).
    const provider = port.providerFor?.(chat.channel) ?? 'liqpay';
    const created = await chat.step((key) =>
      createOrder(paymentsDeps, { subscriberId: chat.subscriberId, accountId: chosen, amountKop, provider, idempotencyKey: key }),
    );
    switch (created.kind) {
      case 'not-linked':
        return end(chat, texts.notLinked);
      case 'amount-too-small':
        return end(chat, texts.amountTooSmall(created.minKop));
      case 'amount-too-large':
        return end(chat, texts.amountTooLarge(created.maxKop));
      case 'created': {
        const { order } = created;
        const checkout = port.checkoutFor?.(order) ?? { link: { label: texts.linkButton, url: port.linkFor(order) } };
        const text = checkout.invoice ? texts.invoice(order.amountKop, order.accountNumber, order.id) : texts.link(order.amountKop, order.accountNumber, order.id);
        await chat.say(text, { ...checkout, keyboard: 'menu' });
      }
    }
  },
};
