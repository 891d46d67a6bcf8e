import { checkReadingOpen, meterChoices, readingOpenFor, submitReading } from '../../../core/readings/index.ts';
import type { AccountMeters, MeterChoice, ReadingClosed, SubmitReadingOutcome } from '../../../core/readings/index.ts';
import { writeLetter } from '../../../core/letters/index.ts';
import { parseWholeNumber } from '../../../core/parse.ts';
import { letters } from '../../texts/letters.ts';
import { readings } from '../../texts/readings.ts';
import { cb } from '../callback-data.ts';
import type { Flow, FlowContext, TelegramDeps } from '../context.ts';
import {
  addAccountKeyboard,
  readingAccountsKeyboard,
  readingConfirmKeyboard,
  readingJumpKeyboard,
  readingLowerKeyboard,
  readingMetersKeyboard,
} from '../keyboards/readings.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import { waitForButton, waitForText } from './flow-input.ts';

export const SUBMIT_READING = 'submit-reading';

const OWN_BUTTON = /^rd:/;

/** Why a meter takes no reading, in words; the flow ends there. */
export function closedText(closed: ReadingClosed): string {
  switch (closed.kind) {
    case 'same-day':
      return readings.sameDay(closed.retryOn);
    case 'outside-window':
      return readings.outsideWindow(closed.opensOn);
    case 'verification-overdue':
      return readings.verificationOverdue(closed.due);
    case 'not-linked':
      return readings.notLinked;
  }
}

/** The meter to read; `asked` when the subscriber had to pick it (so what was read before may be out of date). */
async function chooseMeter(
  conversation: Flow,
  ctx: FlowContext,
  choices: AccountMeters[],
): Promise<{ account: AccountMeters; meter: MeterChoice; asked: boolean }> {
  const withMeters = choices.filter((a) => a.meters.length > 0);
  let account = withMeters[0]!;
  if (withMeters.length > 1) {
    await ctx.reply(readings.chooseAccount, { reply_markup: readingAccountsKeyboard(withMeters) });
    const pressed = await waitForButton(conversation, {
      ownButton: OWN_BUTTON,
      accepts: (data) => withMeters.some((a) => data === cb.readingAccount(a.accountId)),
      hint: readings.chooseAccount,
    });
    account = withMeters.find((a) => pressed.callbackQuery.data === cb.readingAccount(a.accountId))!;
  }
  if (account.meters.length === 1) return { account, meter: account.meters[0]!, asked: withMeters.length > 1 };
  await ctx.reply(readings.chooseMeter(account.number, account.meters), { reply_markup: readingMetersKeyboard(account.meters) });
  const pressed = await waitForButton(conversation, {
    ownButton: OWN_BUTTON,
    accepts: (data) => account.meters.some((m) => data === cb.readingMeter(m.meterId)),
  });
  return { account, meter: account.meters.find((m) => pressed.callbackQuery.data === cb.readingMeter(m.meterId))!, asked: true };
}

/**
 * Account → meter → (closed meters explained before anything is typed) → value → confirm → core's answer.
 * The function is replayed from the top on every update: core calls go through `external`, whose results
 * (plain objects) are stored with the flow, so a second bot instance continues it as well.
 */
export function submitReadingConversation(deps: TelegramDeps) {
  return async function submitReadingFlow(conversation: Flow, ctx: FlowContext): Promise<void> {
    const { core } = deps;
    const subscriberId = await conversation.external((outside) => outside.subscriber!.id);
    const choices = await conversation.external(() => meterChoices(core, subscriberId));
    if (choices.length === 0) {
      await ctx.reply(readings.noAccounts, { reply_markup: addAccountKeyboard() });
      return;
    }
    if (choices.every((a) => a.meters.length === 0)) {
      await ctx.reply(readings.noMeters, { reply_markup: mainMenuKeyboard() });
      return;
    }
    const { account, meter: chosen, asked } = await chooseMeter(conversation, ctx, choices);

    // Through `external` either way: the answer depends on today's date, and a replay must take the same path.
    const open = await conversation.external(() =>
      asked ? checkReadingOpen(core, { subscriberId, meterId: chosen.meterId }) : readingOpenFor(core, chosen),
    );
    if (open.kind !== 'open') {
      await ctx.reply(closedText(open), { reply_markup: mainMenuKeyboard() });
      return;
    }
    const meter = open.meter;
    await ctx.reply(readings.askValue(meter), { reply_markup: { remove_keyboard: true } });

    askValue: for (;;) {
      const typed = await waitForText(conversation, { ownButton: OWN_BUTTON, hint: readings.invalidValue });
      const value = parseWholeNumber(typed.message.text);
      if (value === null) {
        await typed.reply(readings.invalidValue);
        continue;
      }
      await typed.reply(readings.confirmValue(meter.serial, String(value)), { reply_markup: readingConfirmKeyboard() });
      const decision = await waitForButton(conversation, {
        ownButton: OWN_BUTTON,
        accepts: (data) => data === cb.readingSend || data === cb.readingChange,
      });
      if (decision.callbackQuery.data === cb.readingChange) {
        await decision.reply(readings.askAgain);
        continue;
      }

      let confirmed = false;
      for (;;) {
        const isConfirmed = confirmed;
        const outcome: SubmitReadingOutcome = await conversation.external(() =>
          submitReading(core, { subscriberId, meterId: meter.meterId, value, confirmed: isConfirmed, channel: 'telegram' }),
        );
        switch (outcome.kind) {
          case 'accepted':
            await ctx.reply(readings.accepted(outcome.receipt), { reply_markup: mainMenuKeyboard() });
            return;
          case 'invalid-value':
            await ctx.reply(readings.invalidValue);
            continue askValue;
          case 'over-capacity':
            await ctx.reply(readings.overCapacity(outcome.maxValue));
            continue askValue;
          case 'needs-confirmation': {
            await ctx.reply(readings.jump(outcome), { reply_markup: readingJumpKeyboard() });
            const answer = await waitForButton(conversation, {
              ownButton: OWN_BUTTON,
              accepts: (data) => data === cb.readingJumpYes || data === cb.readingChange,
            });
            if (answer.callbackQuery.data === cb.readingChange) {
              await answer.reply(readings.askAgain);
              continue askValue;
            }
            confirmed = true;
            continue;
          }
          case 'lower': {
            await ctx.reply(readings.lower(value, outcome.lastValue), { reply_markup: readingLowerKeyboard() });
            const answer = await waitForButton(conversation, {
              ownButton: OWN_BUTTON,
              accepts: (data) => data === cb.readingCorrectionLetter || data === cb.readingChange,
            });
            if (answer.callbackQuery.data === cb.readingChange) {
              await answer.reply(readings.askAgain);
              continue askValue;
            }
            const correction = outcome.correction;
            const written = await conversation.external(() =>
              writeLetter(core, {
                subscriberId,
                accountId: account.accountId,
                category: 'reading-correction',
                text: readings.correctionLetterText(correction.meterSerial, correction.lastValue, correction.requestedValue),
                attachments: [],
                correction,
              }),
            );
            await ctx.reply(written.kind === 'stored' ? letters.stored(written.number) : readings.letterFailed, {
              reply_markup: mainMenuKeyboard(),
            });
            return;
          }
          default:
            await ctx.reply(closedText(outcome), { reply_markup: mainMenuKeyboard() });
            return;
        }
      }
    }
  };
}
