import { checkMeterReadingValue, submitMeterReading } from '../readings/submit.ts';
import type { AccountMeters, MeterChoice, ReadingsDeps, SubmitReadingOutcome } from '../readings/types.ts';
import { accountsForPhone } from './phone-meters.ts';
import { matchKey, parseSms, type TypedReading } from './parse.ts';
import type { SmsOutcome, SmsReadingOutcome } from './types.ts';

/** How long a «ТАК» confirms a large consumption the reply asked about. */
export const CONFIRMATION_MS = 60 * 60 * 1000;

interface PendingReading {
  meterId: number;
  value: number;
}

/**
 * One SMS from a phone, by the same readings rules as the messengers (core/readings judges and stores every
 * value). `phone` is normalized ('380…'). Returns what happened; the channel words the reply.
 */
export async function handleSms(deps: ReadingsDeps, input: { phone: string; text: string }): Promise<SmsOutcome> {
  const parsed = parseSms(input.text);
  if (parsed.kind === 'stop') {
    await deps.db.hot(
      `INSERT INTO sms_stops (phone, stopped_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING`,
      [input.phone, deps.clock.now()],
    );
    return { kind: 'stopped' };
  }
  const accounts = await accountsForPhone(deps, input.phone);
  if (accounts.length === 0) return { kind: 'unknown-phone' };
  const meters = accounts.flatMap((account) => account.meters);
  if (parsed.kind === 'help') return { kind: 'help' };
  if (meters.length === 0) return { kind: 'no-meters' };
  if (parsed.kind === 'unreadable') return { kind: 'unreadable', serials: meters.map((m) => m.serial) };
  if (parsed.kind === 'confirm') return confirmPending(deps, input.phone, meters);

  const results: SmsReadingOutcome[] = [];
  const pending: PendingReading[] = [];
  for (const typed of parsed.readings) {
    const found = findMeter(accounts, typed);
    if (found.kind !== 'meter') {
      results.push(found);
      continue;
    }
    const meter = found.meter;
    const checked = checkMeterReadingValue(deps, meter, typed.value);
    if (checked.kind === 'needs-confirmation' && deps.settings.readings.photoRequiredAboveJump) {
      // «ТАК» could not take it either: such a reading needs a photo, which an SMS cannot carry.
      results.push(readingResult(meter, typed.value, { kind: 'photo-required' }));
      continue;
    }
    if (checked.kind === 'needs-confirmation') {
      pending.push({ meterId: meter.meterId, value: checked.value });
      results.push({ kind: 'needs-confirmation', meterSerial: meter.serial, value: checked.value, consumption: checked.consumption, days: checked.days });
      continue;
    }
    const outcome = await submitMeterReading(deps, meter, { value: typed.value, confirmed: false, channel: 'sms', subscriberId: null });
    results.push(readingResult(meter, typed.value, outcome));
  }
  if (pending.length > 0) {
    const now = deps.clock.now();
    await deps.db.hot(
      `INSERT INTO sms_confirmations (phone, pairs, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (phone) DO UPDATE SET pairs = EXCLUDED.pairs, expires_at = EXCLUDED.expires_at`,
      [input.phone, JSON.stringify(pending), new Date(now.getTime() + CONFIRMATION_MS)],
    );
  }
  return { kind: 'readings', results };
}

async function confirmPending(deps: ReadingsDeps, phone: string, meters: MeterChoice[]): Promise<SmsOutcome> {
  // Taken and removed in one statement: a «ТАК» handled twice confirms once.
  const [row] = await deps.db.hot<{ pairs: PendingReading[] }>(
    `DELETE FROM sms_confirmations WHERE phone = $1 AND expires_at > $2 RETURNING pairs`,
    [phone, deps.clock.now()],
  );
  if (!row) return { kind: 'nothing-to-confirm' };
  const results: SmsReadingOutcome[] = [];
  for (const pair of row.pairs) {
    // A meter no longer on the phone's accounts (billing moved it within the hour) is simply not confirmed.
    const meter = meters.find((m) => m.meterId === pair.meterId);
    if (!meter) continue;
    const outcome = await submitMeterReading(deps, meter, { value: pair.value, confirmed: true, channel: 'sms', subscriberId: null });
    results.push(readingResult(meter, String(pair.value), outcome));
  }
  return results.length === 0 ? { kind: 'nothing-to-confirm' } : { kind: 'readings', results };
}

function readingResult(meter: MeterChoice, typed: string, outcome: SubmitReadingOutcome): SmsReadingOutcome {
  const refused = (refusal: Extract<SmsReadingOutcome, { kind: 'refused' }>['refusal']): SmsReadingOutcome => ({
    kind: 'refused', meterSerial: meter.serial, value: typed, refusal,
  });
  switch (outcome.kind) {
    case 'accepted':
      return outcome;
    case 'needs-confirmation':
      // Only after a rival changed the last value between the check and the submission: ask again.
      return { kind: 'needs-confirmation', meterSerial: meter.serial, value: outcome.value, consumption: outcome.consumption, days: outcome.days };
    case 'lower':
      return refused({ kind: 'lower', lastValue: outcome.lastValue });
    case 'photo-too-big':
    case 'photo-unreadable':
      // An SMS passes no photo, so only 'photo-required' can come back; these two are its kin.
      return refused({ kind: 'photo-required' });
    case 'not-linked':
      // The meter was read for this phone a moment ago; gone since means billing removed it.
      return { kind: 'unknown-meter', target: meter.serial, serials: [] };
    default:
      return refused(outcome);
  }
}

type Found = { kind: 'meter'; meter: MeterChoice } | Extract<SmsReadingOutcome, { kind: 'ambiguous' | 'unknown-meter' }>;

/**
 * Which meter «target» names: none named means the phone's only meter; an account number means that account's
 * only meter; otherwise a serial, whole or by its end («001» for «ХВ-001»).
 */
function findMeter(accounts: AccountMeters[], typed: TypedReading): Found {
  const all = accounts.flatMap((account) => account.meters);
  const serials = (meters: MeterChoice[]) => meters.map((m) => m.serial);
  if (typed.target === null) {
    return all.length === 1 ? { kind: 'meter', meter: all[0]! } : { kind: 'ambiguous', target: null, serials: serials(all) };
  }
  const key = matchKey(typed.target);
  const account = accounts.find((a) => matchKey(a.number) === key);
  if (account && account.meters.length > 0) {
    return account.meters.length === 1
      ? { kind: 'meter', meter: account.meters[0]! }
      : { kind: 'ambiguous', target: typed.target, serials: serials(account.meters) };
  }
  const exact = all.filter((m) => matchKey(m.serial) === key);
  const candidates = exact.length > 0 ? exact : all.filter((m) => matchKey(m.serial).endsWith(key));
  if (candidates.length === 1) return { kind: 'meter', meter: candidates[0]! };
  if (candidates.length > 1) return { kind: 'ambiguous', target: typed.target, serials: serials(candidates) };
  return { kind: 'unknown-meter', target: typed.target, serials: serials(all) };
}
