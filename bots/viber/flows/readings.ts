import { writeLetter } from '../../../core/letters/index.ts';
import { parseWholeNumber } from '../../../core/parse.ts';
import { checkReadingOpen, meterChoices, submitReading } from '../../../core/readings/index.ts';
import type { AccountMeters, MeterChoice, ReadingClosed, SubmitReadingOutcome } from '../../../core/readings/index.ts';
import type { ReadingCorrection } from '../../../models/models.ts';
import { common } from '../../texts/common.ts';
import { letters } from '../../texts/letters.ts';
import { readings } from '../../texts/readings.ts';
import type { FlowState } from '../state-store.ts';
import { chosen, dataOf, keyboard, pressed, stateOf, unexpected } from './flow-kit.ts';
import { textOf, type FlowHandler, type Turn } from './types.ts';

// Submitting a reading: the account (skipped when there is one), the meter (skipped when there is one) with
// its last reading, whether it takes a reading today, the value, a confirmation, the receipt. Every refusal
// core gives is explained; a value lower than the last one can go to staff as a correction letter in one press.

export const READINGS = 'readings';

interface AccountOption {
  accountId: number;
  number: string;
  address: string;
}

/** A meter as kept in the flow state: enough to name it and say what was last known, without asking core again. */
type MeterShown = Pick<MeterChoice, 'meterId' | 'serial' | 'service' | 'place' | 'lastValue' | 'lastValueDate' | 'submittedToday'>;

interface ReadingsData {
  /** At 'account'. */
  accounts: AccountOption[];
  /** At 'meter', and kept after a refusal so another meter can be picked. */
  accountNumber: string;
  meters: MeterShown[];
  /** From 'value' on. */
  meter: MeterShown;
  value: number;
  /** At 'lower': what core handed back for the correction letter. */
  correction: ReadingCorrection;
}

const at = (step: string, data: Partial<ReadingsData>) => stateOf(READINGS, step, data);

const shown = (m: MeterChoice): MeterShown => ({
  meterId: m.meterId,
  serial: m.serial,
  service: m.service,
  place: m.place,
  lastValue: m.lastValue,
  lastValueDate: m.lastValueDate,
  submittedToday: m.submittedToday,
});

const accountLabel = (a: AccountOption) => readings.accountButton(a.number, a.address);
const accountsKeyboard = (accounts: AccountOption[]) => keyboard(accounts.map((a) => [accountLabel(a)]));
const metersKeyboard = (meters: MeterShown[]) => keyboard(meters.map((m) => [readings.meterButton(m)]));
const valueKeyboard = () => keyboard([]);
const confirmKeyboard = () => keyboard([[readings.sendButton, readings.changeButton]]);
const jumpKeyboard = () => keyboard([[readings.jumpYesButton], [readings.changeButton]]);
const lowerKeyboard = () => keyboard([[readings.correctionLetterButton], [readings.retypeButton]]);

/** Labels of this flow's fixed buttons: pressed after the flow ended, they are answered as stale. */
export const readingsButtons = [
  readings.sendButton,
  readings.changeButton,
  readings.jumpYesButton,
  readings.correctionLetterButton,
  readings.retypeButton,
];

export function closedText(outcome: ReadingClosed): string {
  switch (outcome.kind) {
    case 'same-day':
      return readings.sameDay(outcome.retryOn);
    case 'outside-window':
      return readings.outsideWindow(outcome.opensOn);
    case 'verification-overdue':
      return readings.verificationOverdue(outcome.due);
    case 'not-linked':
      return readings.notLinked;
  }
}

export async function startReadings(turn: Turn): Promise<FlowState | null> {
  const all = await meterChoices(turn.core, turn.subscriber.id);
  if (all.length === 0) return turn.showMenu(readings.noAccounts);
  const withMeters = all.filter((a) => a.meters.length > 0);
  if (withMeters.length === 0) return turn.showMenu(readings.noMeters);
  if (withMeters.length === 1) return showMeters(turn, withMeters[0]!);
  const accounts = withMeters.map(({ accountId, number, address }) => ({ accountId, number, address }));
  await turn.say(readings.chooseAccount, accountsKeyboard(accounts));
  return at('account', { accounts });
}

async function showMeters(turn: Turn, account: AccountMeters): Promise<FlowState | null> {
  const meters = account.meters.map(shown);
  if (meters.length === 1) return openMeter(turn, meters[0]!, null);
  await turn.say(readings.chooseMeter(account.number, meters), metersKeyboard(meters));
  return at('meter', { accountNumber: account.number, meters });
}

/**
 * Asks core whether the meter takes a reading before anyone types one. A closed meter among several leaves
 * the subscriber at the meter choice, so the other meters can still be read today.
 */
async function openMeter(turn: Turn, meter: MeterShown, choice: FlowState | null): Promise<FlowState | null> {
  const open = await checkReadingOpen(turn.core, { subscriberId: turn.subscriber.id, meterId: meter.meterId });
  if (open.kind === 'open') {
    const fresh = shown(open.meter);
    await turn.say(readings.askValue(fresh), valueKeyboard());
    return at('value', { meter: fresh });
  }
  const meters = choice ? dataOf<ReadingsData>(choice).meters : undefined;
  if (choice && meters && meters.length > 1 && open.kind !== 'not-linked') {
    await turn.say(closedText(open), metersKeyboard(meters));
    return choice;
  }
  return turn.showMenu(closedText(open));
}

async function askAgain(turn: Turn, meter: MeterShown): Promise<FlowState> {
  await turn.say(readings.askAgain, valueKeyboard());
  return at('value', { meter });
}

/** A typed value: checked for form here (the same reader core uses), for the rules when it is sent. */
async function takeValue(turn: Turn, meter: MeterShown, text: string): Promise<FlowState> {
  const value = parseWholeNumber(text);
  if (value === null) {
    await turn.say(readings.invalidValue, valueKeyboard());
    return at('value', { meter });
  }
  await turn.say(readings.confirmValue(meter.serial, String(value)), confirmKeyboard());
  return at('confirm', { meter, value });
}

async function submit(turn: Turn, meter: MeterShown, value: number, confirmed: boolean): Promise<FlowState | null> {
  const outcome: SubmitReadingOutcome = await submitReading(turn.core, {
    subscriberId: turn.subscriber.id,
    meterId: meter.meterId,
    value,
    confirmed,
    channel: 'viber',
  });
  switch (outcome.kind) {
    case 'accepted':
      return turn.showMenu(readings.accepted(outcome.receipt));
    case 'same-day':
    case 'outside-window':
    case 'verification-overdue':
    case 'not-linked':
      return turn.showMenu(closedText(outcome));
    case 'invalid-value':
      await turn.say(readings.invalidValue, valueKeyboard());
      return at('value', { meter });
    case 'over-capacity':
      await turn.say(readings.overCapacity(outcome.maxValue), valueKeyboard());
      return at('value', { meter });
    case 'lower':
      await turn.say(readings.lower(value, outcome.lastValue), lowerKeyboard());
      return at('lower', { meter, value, correction: outcome.correction });
    case 'needs-confirmation':
      await turn.say(
        readings.jump({ value, consumption: outcome.consumption, days: outcome.days, perDay: outcome.perDay }),
        jumpKeyboard(),
      );
      return at('jump', { meter, value });
  }
}

async function sendCorrectionLetter(turn: Turn, correction: ReadingCorrection): Promise<FlowState | null> {
  const outcome = await writeLetter(turn.core, {
    subscriberId: turn.subscriber.id,
    category: 'reading-correction',
    text: readings.correctionLetterText(correction.meterSerial, correction.lastValue, correction.requestedValue),
    attachments: [],
    correction,
  });
  if (outcome.kind === 'stored') return turn.showMenu(letters.stored(outcome.number));
  if (outcome.kind === 'not-linked') return turn.showMenu(readings.letterFailed);
  turn.logger.error({ outcome: outcome.kind }, 'viber correction letter refused');
  return turn.showMenu(common.error);
}

export const readingsFlow: FlowHandler = async (turn, state, input) => {
  const text = textOf(input);
  const data = dataOf<ReadingsData>(state);
  const { meter, value } = data;

  switch (state.step) {
    case 'account': {
      const account = chosen(text, data.accounts, accountLabel);
      if (!account) return unexpected(turn, state, input, accountsKeyboard(data.accounts ?? []));
      // Asked afresh: a reading may have come in (or an account gone) since the list was shown.
      const current = (await meterChoices(turn.core, turn.subscriber.id)).find((a) => a.accountId === account.accountId);
      if (!current || current.meters.length === 0) return turn.showMenu(readings.notLinked);
      return showMeters(turn, current);
    }
    case 'meter': {
      const picked = chosen(text, data.meters, readings.meterButton);
      if (!picked) return unexpected(turn, state, input, metersKeyboard(data.meters ?? []));
      return openMeter(turn, picked, state);
    }
    case 'value':
      if (!meter) break;
      if (text === null) return unexpected(turn, state, input, valueKeyboard());
      return takeValue(turn, meter, text);
    case 'confirm':
    case 'jump':
    case 'lower': {
      if (!meter || value === undefined) break;
      const confirmStep = state.step === 'confirm';
      if (confirmStep && pressed(text, readings.sendButton)) return submit(turn, meter, value, false);
      if (state.step === 'jump' && pressed(text, readings.jumpYesButton)) return submit(turn, meter, value, true);
      if (state.step === 'lower' && pressed(text, readings.correctionLetterButton) && data.correction) {
        return sendCorrectionLetter(turn, data.correction);
      }
      if (pressed(text, readings.changeButton) || pressed(text, readings.retypeButton)) return askAgain(turn, meter);
      // Typing another number instead of pressing "change" means the same.
      if (text !== null && parseWholeNumber(text) !== null) return takeValue(turn, meter, text);
      const again = confirmStep ? confirmKeyboard() : state.step === 'jump' ? jumpKeyboard() : lowerKeyboard();
      return unexpected(turn, state, input, again);
    }
  }
  return turn.showMenu(common.staleButton);
};
