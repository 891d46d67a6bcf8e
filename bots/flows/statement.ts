import { statementPeriods } from '../../core/statements/index.ts';
import { findStatementDocument, STATEMENT_KEEP_MS, statementDocument } from '../statements/document.ts';
import { accounts } from '../texts/accounts.ts';
import { menuTexts } from '../texts/menu.ts';
import { statements } from '../texts/statements.ts';
import type { Chat, Choice } from './chat.ts';
import { choose } from './kit.ts';
import type { FlowDeps } from './router.ts';

// «Рахунок за місяць» on an account's view: the month (the last billed one first, or another of the last 12;
// asked only when there is a choice), then the statement as a PDF document through the chat port's media.
// Drawing takes a moment (more for the first one after a start): «Готую рахунок…» is said first when there is
// no stored copy, so the subscriber sees an answer at once.

const PER_ROW = 3;

export async function statementSteps(chat: Chat, deps: FlowDeps, account: { accountId: number; number: string }): Promise<void> {
  const request = { subscriberId: chat.subscriberId, accountId: account.accountId };
  const periods = await chat.step(() => statementPeriods(deps.core, request));
  if (periods.kind === 'not-linked') {
    await chat.say(accounts.notLinked, { keyboard: 'menu' });
    return;
  }
  const [latest, ...earlier] = periods.periods;
  if (latest === undefined) {
    await chat.say(statements.noCharges, { keyboard: 'menu' });
    return;
  }
  let period = latest;
  if (earlier.length > 0) {
    const rows: Choice[][] = [[{ id: `p:${latest}`, label: statements.lastPeriodButton(latest) }]];
    for (let i = 0; i < earlier.length; i += PER_ROW) {
      rows.push(earlier.slice(i, i + PER_ROW).map((p) => ({ id: `p:${p}`, label: statements.periodButton(p) })));
    }
    rows.push([{ id: 'menu', label: accounts.toMenu }]);
    const picked = await choose(chat, statements.choosePeriod(account.number), rows);
    if (picked === 'menu') {
      await chat.say(menuTexts.shown, { keyboard: 'menu' });
      return;
    }
    period = picked.slice(2);
  }
  const keepMs = deps.media?.keepMs ?? STATEMENT_KEEP_MS;
  const found = await chat.step(() => findStatementDocument(deps.core, { ...request, period }, keepMs));
  let document = found.kind === 'to-draw' ? null : found;
  if (document === null) {
    await chat.say(statements.preparing);
    document = await chat.step(() => statementDocument(deps.core, { ...request, period }, keepMs));
  }
  if (document.kind === 'not-linked') {
    await chat.say(accounts.notLinked, { keyboard: 'menu' });
    return;
  }
  if (document.kind === 'no-charges') {
    await chat.say(statements.noCharges, { keyboard: 'menu' });
    return;
  }
  await chat.say(statements.ready(document.number, document.period, document.toPayKop), {
    keyboard: 'menu',
    media: { kind: 'document', mediaId: document.mediaId, filename: document.filename },
  });
}
