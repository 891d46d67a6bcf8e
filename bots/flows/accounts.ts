import { accountView, listLinkedAccounts, unlinkAccount, type AccountSummary, type AccountViewOutcome } from '../../core/accounts/index.ts';
import { otherChannels } from '../../core/identity.ts';
import { outageInForceForAccount } from '../../core/outages/index.ts';
import { fitText } from '../../core/text.ts';
import { accounts } from '../texts/accounts.ts';
import { chartTexts } from '../texts/chart.ts';
import { linking } from '../texts/linking.ts';
import { outageCabinet } from '../texts/outages.ts';
import { menuTexts } from '../texts/menu.ts';
import { statements } from '../texts/statements.ts';
import type { Chat, Choice } from './chat.ts';
import { showConsumptionChart } from './consumption-chart.ts';
import { choose } from './kit.ts';
import { MESSAGE_MAX, PAGE_SIZE } from './message-size.ts';
import { payFlow } from './pay.ts';
import { paymentOffered, type Flow, type FlowDeps } from './router.ts';
import { statementSteps } from './statement.ts';

// «Мої рахунки»: the linked accounts (a page of buttons at a time), one account in full (the holder, each
// meter's next verification with a past one marked, charges, payments with those paid online and not yet
// booked by billing, readings), «Оплатити» when payment is offered, its consumption chart and its monthly
// statement as a PDF (statement.ts), unlinking after a confirmation, which says what stays in the subscriber's
// chat on another channel.

type View = Extract<AccountViewOutcome, { kind: 'view' }>;

/** `notice`: a line above the card that matters now (an outage in force at the account's address). */
export function accountDetailsText(view: View, notice: string | null = null): string {
  const section = (header: string, lines: string[]) => `${header}\n${lines.length > 0 ? lines.join('\n') : accounts.emptyHistory}`;
  return fitText(
    [
      ...(notice ? [notice] : []),
      accounts.card(view.account, view.overdueMeterIds),
      section(accounts.chargesHeader, view.charges.map(accounts.charge)),
      section(accounts.paymentsHeader, [...view.onlinePayments.map(accounts.onlinePayment), ...view.payments.map(accounts.payment)]),
      section(accounts.readingsHeader, view.readings.map(accounts.reading)),
    ].join('\n\n'),
    MESSAGE_MAX,
  );
}

/** The list a page at a time; returns the account pressed, or null for «Головне меню». */
async function pickAccount(chat: Chat, list: readonly AccountSummary[], before: string): Promise<number | null> {
  let from = 0;
  for (;;) {
    const page = list.slice(from, from + PAGE_SIZE);
    const rows: Choice[][] = page.map((a) => [{ id: `a:${a.accountId}`, label: accounts.accountButton(a.number, a.address) }]);
    const last: Choice[] = [];
    if (list.length > PAGE_SIZE) last.push({ id: 'more', label: accounts.moreButton });
    last.push({ id: 'menu', label: accounts.toMenu });
    const text = [before, accounts.listHeader(list.length, from, from + page.length), ...page.map(accounts.listLine)].filter(Boolean).join('\n\n');
    const picked = await choose(chat, fitText(text, MESSAGE_MAX), [...rows, last]);
    before = '';
    if (picked === 'menu') return null;
    if (picked === 'more') {
      from = from + PAGE_SIZE >= list.length ? 0 : from + PAGE_SIZE;
      continue;
    }
    return Number(picked.slice(2));
  }
}

async function accountsSteps(chat: Chat, deps: FlowDeps): Promise<void> {
  let before = '';
  for (;;) {
    const list = await chat.step(() => listLinkedAccounts(deps.core, chat.subscriberId));
    if (list.length === 0) {
      await chat.say([before, accounts.none].filter(Boolean).join('\n\n'), { keyboard: 'menu' });
      return;
    }
    const accountId = await pickAccount(chat, list, before);
    before = '';
    if (accountId === null) {
      await chat.say(menuTexts.shown, { keyboard: 'menu' });
      return;
    }
    const view = await chat.step(() => accountView(deps.core, { subscriberId: chat.subscriberId, accountId }));
    if (view.kind === 'not-linked') {
      before = accounts.notLinked;
      continue;
    }
    const outage = await chat.step(() => outageInForceForAccount(deps.core, accountId, deps.core.clock.now()));
    const notice = outage ? outageCabinet.inForceOnAccount(outage, deps.core.settings.timeZone) : null;
    const back: Choice[] = [{ id: 'list', label: accounts.backToList }, { id: 'menu', label: accounts.toMenu }];
    let next = await choose(chat, accountDetailsText(view, notice), [
      ...(paymentOffered(deps) ? [[{ id: 'pay', label: accounts.payButton }]] : []),
      [{ id: 'chart', label: chartTexts.button }],
      [{ id: 'statement', label: statements.button }],
      [{ id: 'unlink', label: accounts.unlinkButton }],
      back,
    ]);
    if (next === 'chart') {
      const after = await showConsumptionChart(chat, deps, accountId, [back]);
      if (after === null) return;
      next = after;
    }
    if (next === 'list') continue;
    // «Оплатити» under the account: the pay flow for this account, its choice of account skipped.
    if (next === 'pay') return payFlow.run(chat, deps, { accountId });
    if (next === 'statement') {
      await statementSteps(chat, deps, view.account);
      return;
    }
    if (next === 'menu') {
      await chat.say(menuTexts.shown, { keyboard: 'menu' });
      return;
    }
    const { number, address } = view.account;
    const confirmed = await choose(chat, accounts.confirmUnlink(number, address), [
      [{ id: 'yes', label: accounts.confirmUnlinkButton }, { id: 'no', label: accounts.keepButton }],
    ]);
    if (confirmed === 'no') {
      await chat.say(accounts.kept, { keyboard: 'menu' });
      return;
    }
    const outcome = await chat.step(() => unlinkAccount(deps.core, { subscriberId: chat.subscriberId, accountId }));
    if (outcome.kind === 'not-linked') {
      await chat.say(accounts.notLinked, { keyboard: 'menu' });
      return;
    }
    const elsewhere = await chat.step(async () =>
      (await otherChannels(deps.core, chat.subscriberId)).filter((o) => o.accounts.some((a) => a.accountId === accountId)).map((o) => o.channel),
    );
    const stays = elsewhere.length > 0 ? `\n\n${accounts.stillOnOtherChannel(elsewhere.map((c) => linking.channelNames[c]))}` : '';
    await chat.say(`${accounts.unlinked(number)}${stays}`, { keyboard: 'menu' });
    return;
  }
}

export const accountsFlow: Flow<null> = {
  id: 'accounts',
  run: (chat, deps) => accountsSteps(chat, deps),
};
