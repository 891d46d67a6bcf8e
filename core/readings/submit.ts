import { addDays, daysBetween, localDate, type LocalDate } from '../calendar.ts';
import { parseWholeNumber } from '../parse.ts';
import type { Transaction } from 'sequelize';
import { leakWarningFor } from './leak.ts';
import { fetchMeterPhoto, isPhotoRefusal, storeReadingPhoto } from './photos.ts';
import { linkedMeters } from './linked-meters.ts';
import { isWindowOpen, nextOpenDay } from './window.ts';
import type {
  AccountMeters,
  CheckReadingOutcome,
  MeterChoice,
  ReadingClosed,
  ReadingOpenOutcome,
  ReadingRefusal,
  ReadingsDeps,
  SubmitReadingInput,
  SubmitReadingOutcome,
} from './types.ts';

export async function meterChoices(deps: ReadingsDeps, subscriberId: number): Promise<AccountMeters[]> {
  return linkedMeters(deps, subscriberId);
}

/** The rules that do not depend on the value, in the order a subscriber is best told about them. */
function closedReason(deps: ReadingsDeps, meter: MeterChoice, today: LocalDate): ReadingClosed | null {
  const rules = deps.settings.readings;
  if (rules.refuseAfterVerificationDue && meter.verificationDue !== null && meter.verificationDue < today) {
    return { kind: 'verification-overdue', due: meter.verificationDue };
  }
  if (meter.submittedToday) return { kind: 'same-day', retryOn: nextOpenDay(rules.window, addDays(today, 1)) };
  if (!isWindowOpen(rules.window, today)) return { kind: 'outside-window', opensOn: nextOpenDay(rules.window, today) };
  return null;
}

function today(deps: ReadingsDeps): LocalDate {
  return localDate(deps.clock.now(), deps.settings.timeZone);
}

/** Run before asking for the value, so nobody types a reading that is refused whatever it is. */
export async function checkReadingOpen(
  deps: ReadingsDeps,
  input: { subscriberId: number; meterId: number },
): Promise<ReadingOpenOutcome> {
  const [account] = await linkedMeters(deps, input.subscriberId, { meterId: input.meterId });
  const meter = account?.meters[0];
  if (!meter) return { kind: 'not-linked' };
  return readingOpenFor(deps, meter);
}

/**
 * checkReadingOpen for a meter meterChoices has just read (nothing waited in between, e.g. the subscriber's
 * only meter), without reading it again; submitReading checks everything once more anyway.
 */
export function readingOpenFor(deps: ReadingsDeps, meter: MeterChoice): ReadingOpenOutcome {
  return closedReason(deps, meter, today(deps)) ?? { kind: 'open', meter };
}

function readValue(value: string | number): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  return parseWholeNumber(value);
}

/**
 * Every rule a reading must pass before it is stored, in the order a subscriber is best told about them; one
 * place for both the check before «Так, надіслати» (checkReadingValue) and the submission itself.
 */
function judgeReading(
  deps: ReadingsDeps,
  meter: MeterChoice,
  typed: string | number,
  confirmed: boolean,
  day: LocalDate,
  withPhoto = false,
): ReadingRefusal | { kind: 'ok'; value: number; consumption: number; previousValue: number } {
  const closed = closedReason(deps, meter, day);
  if (closed) return closed;
  const value = readValue(typed);
  if (value === null) return { kind: 'invalid-value' };
  const maxValue = 10 ** meter.digits - 1;
  if (value > maxValue) return { kind: 'over-capacity', maxValue };
  const previousValue = meter.lastValue;
  if (value < previousValue) {
    return {
      kind: 'lower',
      lastValue: previousValue,
      correction: { meterId: meter.meterId, meterSerial: meter.serial, lastValue: previousValue, requestedValue: value },
    };
  }
  const consumption = value - previousValue;
  if (meter.lastValueDate !== null) {
    const days = Math.max(1, daysBetween(meter.lastValueDate, day));
    const perDay = consumption / days;
    if (perDay > deps.settings.readings.jumpConfirmM3PerDay) {
      if (!confirmed) return { kind: 'needs-confirmation', value, consumption, days, perDay: Math.round(perDay * 100) / 100 };
      if (deps.settings.readings.photoRequiredAboveJump && !withPhoto) return { kind: 'photo-required' };
    }
  }
  return { kind: 'ok', value, consumption, previousValue };
}

/**
 * What submitReading would answer for this value now, without storing anything: the flow asks it before
 * «Так, надіслати», so a value that is refused whatever the subscriber confirms is answered at once. A large
 * consumption comes back as 'needs-confirmation' (the confirmation is then the only question asked).
 */
export async function checkReadingValue(
  deps: ReadingsDeps,
  input: { subscriberId: number; meterId: number; value: string | number },
): Promise<CheckReadingOutcome> {
  const [account] = await linkedMeters(deps, input.subscriberId, { meterId: input.meterId });
  const meter = account?.meters[0];
  if (!meter) return { kind: 'not-linked' };
  return checkMeterReadingValue(deps, meter, input.value);
}

/** checkReadingValue for a meter the caller has just read and may submit for (the SMS channel: by phone). */
export function checkMeterReadingValue(deps: ReadingsDeps, meter: MeterChoice, value: string | number): CheckReadingOutcome {
  const judged = judgeReading(deps, meter, value, false, today(deps));
  if (judged.kind !== 'ok') return judged;
  return { kind: 'acceptable', value: judged.value, consumption: judged.consumption, previousValue: judged.previousValue };
}

export async function submitReading(deps: ReadingsDeps, input: SubmitReadingInput): Promise<SubmitReadingOutcome> {
  // No transaction and no lock: the checks read, then one INSERT writes, and the partial unique index on
  // (meter, day) is what lets only one submission a day through. A rival submission that commits between our
  // read and our insert is turned away by the index ('same-day', below); had it committed before our read,
  // 'same-day' is the first check — the answer a lock would give. A staff correction or a billing import landing
  // in that same instant counts as coming after this reading, as it would a moment later.
  const [account] = await linkedMeters(deps, input.subscriberId, { meterId: input.meterId });
  const meter = account?.meters[0];
  if (!meter) return { kind: 'not-linked' };
  return submitMeterReading(deps, meter, input);
}

/**
 * submitReading for a meter the caller has just read and may submit for: the SMS channel, which submits for the
 * accounts of a phone (subscriberId null) rather than a subscriber's links. Same rules, same insert.
 */
export async function submitMeterReading(
  deps: ReadingsDeps,
  meter: MeterChoice,
  input: Omit<SubmitReadingInput, 'subscriberId' | 'meterId'> & { subscriberId: number | null },
): Promise<SubmitReadingOutcome> {
  const { db, clock, settings } = deps;
  const now = clock.now();
  const day = localDate(now, settings.timeZone);
  const judged = judgeReading(deps, meter, input.value, input.confirmed, day, input.photo !== undefined);
  if (judged.kind !== 'ok') return judged;
  const { value, consumption, previousValue } = judged;

  // The photo is fetched before anything is written, so a reading that needs one is never stored without it.
  const photo = input.photo ? await fetchMeterPhoto(deps, input.photo) : null;
  if (photo && isPhotoRefusal(photo)) return photo;
  const insert = (transaction?: Transaction) =>
    // The loser of a race inserts nothing (no error) and is told to come back tomorrow.
    db.hot<{ id: number }>(
      `INSERT INTO readings (meter_id, value, local_date, submitted_at, subscriber_id, channel, kind)
       VALUES ($1, $2, $3, $4, $5, $6, 'subscriber')
       ON CONFLICT (meter_id, local_date) WHERE kind = 'subscriber' DO NOTHING
       RETURNING id`,
      [meter.meterId, value, day, now, input.subscriberId, input.channel],
      transaction ? { transaction } : {},
    );
  const inserted =
    photo === null || input.channel === 'sms'
      ? await insert()
      : await db.sequelize.transaction(async (transaction) => {
          const rows = await insert(transaction);
          if (rows[0]) await storeReadingPhoto(deps, { readingId: rows[0].id, subscriberId: input.subscriberId, channel: input.channel as 'telegram' | 'viber', photo }, transaction);
          return rows;
        });
  const row = inserted[0];
  if (!row) return { kind: 'same-day', retryOn: nextOpenDay(settings.readings.window, addDays(day, 1)) };
  const leak = await leakWarningFor(deps, {
    readingId: row.id,
    meterId: meter.meterId,
    value,
    localDate: day,
    previousValue,
    previousDate: meter.lastValueDate,
  });
  return {
    kind: 'accepted',
    receipt: {
      readingId: row.id,
      meterSerial: meter.serial,
      value,
      localDate: day,
      period: day.slice(0, 7),
      consumption,
      previousValue,
      leak,
    },
  };
}
