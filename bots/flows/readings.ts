import { checkText, LETTER_ATTACHMENTS_MAX, writeLetter } from '../../core/letters/index.ts';
import { parseWholeNumber } from '../../core/parse.ts';
import { attachReadingPhoto, checkReadingOpen, checkReadingValue, meterChoices, readingOpenFor, submitReading } from '../../core/readings/index.ts';
import type {
  AccountMeters,
  CheckReadingOutcome,
  MeterChoice,
  PhotoRefusal,
  PhotoSource,
  ReadingClosed,
  ReadingReceipt,
  ReadingRefusal,
  SubmitReadingOutcome,
} from '../../core/readings/index.ts';
import type { Attachment, ReadingCorrection } from '../../models/models.ts';
import { common } from '../texts/common.ts';
import { letters } from '../texts/letters.ts';
import { readings } from '../texts/readings.ts';
import type { Chat, Choices } from './chat.ts';
import { askText, unexpectedAnswer } from './kit.ts';
import { choosePaged } from './paged-choice.ts';
import { composeLetter } from './write-letter.ts';
import type { Flow, FlowDeps } from './router.ts';

// Submitting a reading: account → meter (a page at a time) → whether the meter takes a reading today, before
// anything is typed → the value, checked by core at once (too many digits, lower than the last, a jump) →
// «Так, надіслати» → core stores it and gives the receipt. A value lower than the last one can go to staff as a
// correction letter, with a comment and photos.

/** A meter of the choice, with core's answer to "does it take a reading today?" as of when the list was read. */
type ListedMeter = MeterChoice & { closed: ReadingClosed | null };
type ListedAccount = Omit<AccountMeters, 'meters'> & { meters: ListedMeter[] };

const SEND = 'send';
const CHANGE = 'change';
const JUMP_YES = 'jump-yes';
const CORRECTION = 'fix';
const RETYPE = 'retype';
const LEAK_LETTER = 'leak-letter';

/** Why a meter takes no reading, in words. */
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

const end = (chat: Chat, text: string) => chat.say(text, { keyboard: 'menu' });

/** The account and meter the subscriber picks; `asked` when they had to (time passed since the list was read). */
async function pickMeter(chat: Chat, accounts: ListedAccount[]): Promise<{ account: ListedAccount; meter: ListedMeter; asked: boolean }> {
  let account = accounts[0]!;
  if (accounts.length > 1) {
    const id = await choosePaged(chat, () => readings.chooseAccount, accounts, (a) => ({ id: `a${a.accountId}`, label: readings.accountButton(a.number, a.address) }), {
      pageNote: readings.page,
    });
    account = accounts.find((a) => `a${a.accountId}` === id)!;
  }
  if (account.meters.length === 1) return { account, meter: account.meters[0]!, asked: accounts.length > 1 };
  const id = await choosePaged(chat, (onPage) => readings.chooseMeter(account.number, onPage), account.meters, (m) => ({ id: `m${m.meterId}`, label: readings.meterButton(m) }), {
    pageNote: readings.page,
  });
  return { account, meter: account.meters.find((m) => `m${m.meterId}` === id)!, asked: true };
}

/**
 * Waits at a step with buttons where a typed number means "this is the value instead" (the confirm step, the
 * jump question, the lower-value question): the same on every channel.
 */
async function decide(chat: Chat, text: string, choices: Choices): Promise<{ kind: 'choice'; id: string } | { kind: 'value'; typed: string }> {
  await chat.say(text, { choices });
  const ids = new Set(choices.flat().map((c) => c.id));
  for (;;) {
    const input = await chat.wait();
    if (input.kind === 'choice' && ids.has(input.id)) return { kind: 'choice', id: input.id };
    if (input.kind === 'text' && parseWholeNumber(input.text) !== null) return { kind: 'value', typed: input.text };
    await chat.say(unexpectedAnswer(input, 'choice', readings.typedNumberHint), { choices, again: true });
  }
}

/** The photo's bytes from its channel, or a source that has none (a channel not running here). */
function sourceOf(deps: FlowDeps, photo: Attachment): PhotoSource {
  return deps.photos?.sourceOf(photo) ?? (async () => ({ kind: 'unavailable' }));
}

function photoRefusalText(refusal: PhotoRefusal): string {
  return refusal.kind === 'photo-too-big' ? readings.photoTooBig(refusal.maxBytes) : readings.photoUnreadable;
}

/**
 * A confirmed jump that core takes only with a photo: the photo is asked for, and the reading is submitted with
 * it (stored together, or neither). A photo too big or unreadable is answered and another asked for.
 */
async function submitWithPhoto(chat: Chat, deps: FlowDeps, reading: { meterId: number; value: number }): Promise<SubmitReadingOutcome & { photoStored?: boolean }> {
  await chat.say(readings.photoRequired);
  for (;;) {
    const input = await chat.wait();
    if (input.kind !== 'photo') {
      await chat.say(unexpectedAnswer(input, 'text', readings.photoRequired));
      continue;
    }
    const outcome = await chat.step(() =>
      submitReading(deps.core, { subscriberId: chat.subscriberId, meterId: reading.meterId, value: reading.value, confirmed: true, channel: chat.channel, photo: sourceOf(deps, input.photo) }),
    );
    if (outcome.kind === 'photo-too-big' || outcome.kind === 'photo-unreadable') {
      await chat.say(photoRefusalText(outcome));
      continue;
    }
    return outcome.kind === 'accepted' ? { ...outcome, photoStored: true } : outcome;
  }
}

/**
 * The receipt, with a leak warning when core found one (and a letter to the utility at one button), and the offer
 * of a meter photo: the menu is back at once, and a photo sent now goes with the reading.
 */
async function afterReceipt(chat: Chat, deps: FlowDeps, account: ListedAccount, receipt: ReadingReceipt, photoStored = false): Promise<void> {
  const leak = receipt.leak;
  const choices: Choices = leak ? [[{ id: LEAK_LETTER, label: readings.leakLetterButton }]] : [];
  const options = { keyboard: 'menu' as const, ...(leak ? { choices } : {}) };
  const text = [readings.accepted(receipt), ...(leak ? [readings.leak(leak)] : []), ...(photoStored ? [] : [readings.photoOffer])].join('\n\n');
  if (photoStored && !leak) return end(chat, text);
  await chat.say(text, options);
  for (;;) {
    const input = await chat.wait();
    if (input.kind === 'choice' && input.id === LEAK_LETTER && leak) {
      const letter = { meterSerial: receipt.meterSerial, value: receipt.value, localDate: receipt.localDate, leak };
      return composeLetter(chat, deps, {
        category: 'service-request',
        account: { accountId: account.accountId, number: account.number, address: account.address },
        text: readings.leakLetterText(letter),
      });
    }
    if (input.kind !== 'photo' || photoStored) {
      await chat.say(unexpectedAnswer(input, 'choice', photoStored ? readings.photoAlreadyAdded(receipt.readingId) : readings.photoOfferHint), { ...options, again: true });
      continue;
    }
    const attached = await chat.step(() =>
      attachReadingPhoto(deps.core, { readingId: receipt.readingId, subscriberId: chat.subscriberId, channel: chat.channel, source: sourceOf(deps, input.photo) }),
    );
    switch (attached.kind) {
      case 'attached':
      case 'already-attached': {
        const said = attached.kind === 'attached' ? readings.photoAdded(receipt.readingId) : readings.photoAlreadyAdded(receipt.readingId);
        if (!leak) return end(chat, said);
        photoStored = true;
        await chat.say(said, options);
        continue;
      }
      case 'not-found':
        return end(chat, readings.photoNotAvailable);
      default:
        await chat.say(photoRefusalText(attached), options);
    }
  }
}

const waitValue = (chat: Chat, prompt: string | null) => askText(chat, prompt, { hint: readings.invalidValue });

export const readingsFlow: Flow<null> = {
  id: 'readings',
  async run(chat, deps) {
    const { core } = deps;
    const subscriberId = chat.subscriberId;
    // Each meter's "open today?" is read with the list: it decides, after a refusal, whether another can be read.
    const all = await chat.step(async (): Promise<ListedAccount[]> =>
      (await meterChoices(core, subscriberId)).map((a) => ({
        ...a,
        meters: a.meters.map((m) => {
          const open = readingOpenFor(core, m);
          return { ...m, closed: open.kind === 'open' ? null : open };
        }),
      })),
    );
    if (all.length === 0) return end(chat, readings.noAccounts);
    const accounts = all.filter((a) => a.meters.length > 0);
    if (accounts.length === 0) return end(chat, readings.noMeters);

    // A meter that takes no reading is explained before anything is typed; the next step is the same on every
    // channel: the choice again when another meter takes a reading today, otherwise the menu.
    const tried = new Set<number>();
    let chosen: { account: ListedAccount; meter: MeterChoice };
    for (;;) {
      const picked = await pickMeter(chat, accounts);
      const open = await chat.step(async () =>
        picked.asked ? checkReadingOpen(core, { subscriberId, meterId: picked.meter.meterId }) : readingOpenFor(core, picked.meter),
      );
      if (open.kind === 'open') {
        chosen = { account: picked.account, meter: open.meter };
        break;
      }
      tried.add(picked.meter.meterId);
      const another = accounts.some((a) => a.meters.some((m) => m.closed === null && !tried.has(m.meterId)));
      if (open.kind === 'not-linked' || !another) return end(chat, closedText(open));
      await chat.say(closedText(open));
    }
    const { account, meter } = chosen;

    let typed = await waitValue(chat, readings.askValue(meter));
    let judged: CheckReadingOutcome | ReadingRefusal = await chat.step(() => checkReadingValue(core, { subscriberId, meterId: meter.meterId, value: typed }));
    for (;;) {
      switch (judged.kind) {
        case 'invalid-value':
        case 'over-capacity':
          typed = await waitValue(chat, judged.kind === 'invalid-value' ? readings.invalidValue : readings.overCapacity(judged.maxValue));
          break;
        case 'lower': {
          const next = await lowerValue(chat, deps, { accountId: account.accountId, value: judged.correction.requestedValue, correction: judged.correction });
          if (next === null) return;
          typed = next;
          break;
        }
        case 'same-day':
        case 'outside-window':
        case 'verification-overdue':
        case 'not-linked':
          return end(chat, closedText(judged));
        case 'photo-required':
        case 'photo-too-big':
        case 'photo-unreadable':
          // Only a submission with a photo answers these, and submitWithPhoto deals with them itself.
          return end(chat, common.error);
        case 'acceptable':
        case 'needs-confirmation': {
          const jump = judged.kind === 'needs-confirmation';
          const value = judged.value;
          const decision = jump
            ? await decide(chat, readings.jump(judged as Extract<ReadingRefusal, { kind: 'needs-confirmation' }>), [
                [{ id: JUMP_YES, label: readings.jumpYesButton }],
                [{ id: CHANGE, label: readings.changeButton }],
              ])
            : await decide(chat, readings.confirmValue(meter.serial, String(value)), [
                [
                  { id: SEND, label: readings.sendButton },
                  { id: CHANGE, label: readings.changeButton },
                ],
              ]);
          if (decision.kind === 'value') {
            typed = decision.typed;
            break;
          }
          if (decision.id === CHANGE) {
            typed = await waitValue(chat, readings.askAgain);
            break;
          }
          let outcome: SubmitReadingOutcome & { photoStored?: boolean } = await chat.step(() => submitReading(core, { subscriberId, meterId: meter.meterId, value, confirmed: jump, channel: chat.channel }));
          if (outcome.kind === 'photo-required') outcome = await submitWithPhoto(chat, deps, { meterId: meter.meterId, value });
          if (outcome.kind === 'accepted') return afterReceipt(chat, deps, account, outcome.receipt, outcome.photoStored);
          // The meter's state moved between the check and the press: answered like any other refusal.
          judged = outcome;
          continue;
        }
      }
      judged = await chat.step(() => checkReadingValue(core, { subscriberId, meterId: meter.meterId, value: typed }));
    }
  },
};

/**
 * A value lower than the last known one: another value (returned, as typed), or a correction letter to staff
 * with an optional comment and photos (then the flow is over: null).
 */
async function lowerValue(
  chat: Chat,
  deps: FlowDeps,
  refused: { accountId: number; value: number; correction: ReadingCorrection },
): Promise<string | null> {
  const { correction } = refused;
  const decision = await decide(chat, readings.lower(refused.value, correction.lastValue), [
    [{ id: CORRECTION, label: readings.correctionLetterButton }],
    [{ id: RETYPE, label: readings.retypeButton }],
  ]);
  if (decision.kind === 'value') return decision.typed;
  if (decision.id === RETYPE) return waitValue(chat, readings.askAgain);

  const base = readings.correctionLetterText(correction.meterSerial, correction.lastValue, correction.requestedValue);
  const letterText = (comments: readonly string[]) => (comments.length === 0 ? base : readings.correctionWithComment(base, comments.join('\n')));
  const send = [[{ id: SEND, label: readings.correctionSendButton }]];
  const comments: string[] = [];
  const photos: Attachment[] = [];
  await chat.say(readings.correctionAsk, { choices: send });
  for (;;) {
    const input = await chat.wait();
    if (input.kind === 'choice' && input.id === SEND) break;
    const words = input.kind === 'text' ? input.text : input.kind === 'photo' ? input.caption : null;
    if (input.kind !== 'photo' && words === null) {
      await chat.say(unexpectedAnswer(input, 'choice', readings.correctionAsk), { choices: send, again: true });
      continue;
    }
    if (input.kind === 'photo') {
      if (photos.length >= LETTER_ATTACHMENTS_MAX) {
        await chat.say(readings.correctionPhotosFull(LETTER_ATTACHMENTS_MAX), { choices: send });
        continue;
      }
      photos.push(input.photo);
    }
    if (words !== null && words.trim() !== '') {
      // Core's rule decides whether the letter with this comment still fits.
      const checked = checkText(letterText([...comments, words.trim()]), photos, { emptyAllowedWithAttachments: false });
      if (!checked.ok && checked.refusal.kind === 'too-long') {
        await chat.say(readings.correctionTooLong(checked.refusal.max, checked.refusal.length), { choices: send });
        continue;
      }
      comments.push(words.trim());
    }
    await chat.say(readings.correctionAdded(photos.length, LETTER_ATTACHMENTS_MAX), { choices: send });
  }

  const written = await chat.step((key) =>
    writeLetter(deps.core, {
      subscriberId: chat.subscriberId,
      accountId: refused.accountId,
      category: 'reading-correction',
      text: letterText(comments),
      attachments: photos,
      correction,
      idempotencyKey: key,
    }),
  );
  switch (written.kind) {
    case 'stored':
      await end(chat, written.alreadyStored ? letters.alreadyStored(written.number) : letters.stored(written.number));
      return null;
    case 'not-linked':
      await end(chat, readings.letterFailed);
      return null;
    default:
      // Checked above with the same rule: only a change of the rules between the check and the press gets here.
      deps.logger.error({ outcome: written.kind }, 'correction letter refused');
      await end(chat, common.error);
      return null;
  }
}
