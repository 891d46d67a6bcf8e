import { accountView, listLinkedAccounts, unlinkAccount, type AccountViewOutcome } from '../../../core/accounts/index.ts';
import { accounts } from '../../texts/accounts.ts';
import { common } from '../../texts/common.ts';
import type { FlowState } from '../state-store.ts';
import { chosen, dataOf, fitText, keyboard, pressed, stateOf, unexpected } from './flow-kit.ts';
import { textOf, type FlowHandler, type Turn } from './types.ts';

// "My accounts": every linked account with address, balance and meters; one opened with its charges,
// payments and readings; unlinking after a confirmation.

export const ACCOUNTS = 'accounts';

interface AccountOption {
  accountId: number;
  number: string;
}

interface AccountsData {
  /** The list as shown, to tell which "open" button was pressed. */
  accounts: AccountOption[];
  /** At 'account' and 'unlink'. */
  accountId: number;
  number: string;
  address: string;
}

const at = (step: string, data: Partial<AccountsData>) => stateOf(ACCOUNTS, step, data);

const openLabel = (a: AccountOption) => accounts.openButton(a.number);
const listKeyboard = (list: AccountOption[]) => keyboard(list.map((a) => [openLabel(a)]), common.back);
const accountKeyboard = () => keyboard([[accounts.unlinkButton]], common.back);
const unlinkKeyboard = () => keyboard([[accounts.confirmUnlinkButton, accounts.keepButton]]);

export const accountsButtons = [accounts.unlinkButton, accounts.confirmUnlinkButton, accounts.keepButton];

export function accountDetailsText(view: Extract<AccountViewOutcome, { kind: 'view' }>): string {
  const section = (header: string, lines: string[]) => `${header}\n${lines.length > 0 ? lines.join('\n') : accounts.emptyHistory}`;
  return fitText(
    [
      accounts.summary(view.account),
      section(accounts.chargesHeader, view.charges.map(accounts.charge)),
      section(accounts.paymentsHeader, view.payments.map(accounts.payment)),
      section(accounts.readingsHeader, view.readings.map(accounts.reading)),
    ].join('\n\n'),
  );
}

export async function startAccounts(turn: Turn, before = ''): Promise<FlowState | null> {
  const linked = await listLinkedAccounts(turn.core, turn.subscriber.id);
  if (linked.length === 0) return turn.showMenu(`${before}${accounts.none}`);
  const list = linked.map(({ accountId, number }) => ({ accountId, number }));
  await turn.say(fitText(`${before}${[accounts.header, ...linked.map((a) => accounts.summary(a))].join('\n\n')}`), listKeyboard(list));
  return at('list', { accounts: list });
}

async function openAccount(turn: Turn, state: FlowState, accountId: number): Promise<FlowState | null> {
  const view = await accountView(turn.core, { subscriberId: turn.subscriber.id, accountId });
  if (view.kind === 'not-linked') return startAccounts(turn, `${accounts.notLinked}\n\n`);
  await turn.say(accountDetailsText(view), accountKeyboard());
  const { number, address } = view.account;
  return at('account', { ...dataOf<AccountsData>(state), accountId, number, address });
}

export const accountsFlow: FlowHandler = async (turn, state, input) => {
  const text = textOf(input);
  const data = dataOf<AccountsData>(state);

  if (state.step === 'list') {
    if (pressed(text, common.back)) return turn.showMenu();
    const account = chosen(text, data.accounts, openLabel);
    if (!account) return unexpected(turn, state, input, listKeyboard(data.accounts ?? []));
    return openAccount(turn, state, account.accountId);
  }

  const { accountId, number, address } = data;
  if (accountId === undefined || !number || address === undefined) return turn.showMenu(common.staleButton);

  if (state.step === 'account') {
    if (pressed(text, common.back)) return startAccounts(turn);
    // Another account's "open" button from the list above still works.
    const other = chosen(text, data.accounts, openLabel);
    if (other) return openAccount(turn, state, other.accountId);
    if (!pressed(text, accounts.unlinkButton)) return unexpected(turn, state, input, accountKeyboard());
    await turn.say(accounts.confirmUnlink(number, address), unlinkKeyboard());
    return at('unlink', data);
  }

  if (state.step === 'unlink') {
    if (pressed(text, accounts.keepButton)) return turn.showMenu(accounts.kept);
    if (!pressed(text, accounts.confirmUnlinkButton)) return unexpected(turn, state, input, unlinkKeyboard());
    const outcome = await unlinkAccount(turn.core, { subscriberId: turn.subscriber.id, accountId });
    return turn.showMenu(outcome.kind === 'unlinked' ? accounts.unlinked(number) : accounts.notLinked);
  }
  return turn.showMenu(common.staleButton);
};
