import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { checkReadingOpen, meterChoices, readingOpenFor, submitReading } from '../../../core/readings/index.ts';
import type { ReadingRules } from '../../../core/settings.ts';
import { aMeter, anAccount, aSubscriber, aLink } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aLinkedMeter, aReading, coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

// Billing knows 120 m³ on 2026-10-25 (the builder's default); Kyiv is UTC+2 in November.
const at = (iso: string) => new FixedClock(new Date(iso));
const deps = (clock: FixedClock, rules: Partial<ReadingRules> = {}) => coreDeps(db, clock, rules);
const submit = (
  clock: FixedClock,
  who: { subscriber: { id: number }; meter: { id: number } },
  value: string | number,
  options: { confirmed?: boolean; rules?: Partial<ReadingRules> } = {},
) =>
  submitReading(deps(clock, options.rules), {
    subscriberId: who.subscriber.id,
    meterId: who.meter.id,
    value,
    confirmed: options.confirmed ?? false,
    channel: 'telegram',
  });

async function readingsOf(meterId: number) {
  return db.models.Reading.findAll({ where: { meterId }, order: [['id', 'ASC']], raw: true });
}

describe('an accepted reading', () => {
  it('is stored with the local day and answered with a full receipt', async () => {
    const linked = await aLinkedMeter(db);
    const clock = at('2026-11-25T10:00:00Z');
    const outcome = await submit(clock, linked, ' 1 25 ');
    expect(outcome.kind).toBe('accepted');
    if (outcome.kind !== 'accepted') return;
    const [row] = await readingsOf(linked.meter.id);
    expect(outcome.receipt).toEqual({
      readingId: row!.id,
      meterSerial: linked.meter.serial,
      value: 125,
      localDate: '2026-11-25',
      period: '2026-11',
      consumption: 5,
      previousValue: 120,
      leak: null,
    });
    expect(row).toMatchObject({
      value: 125,
      localDate: '2026-11-25',
      subscriberId: linked.subscriber.id,
      channel: 'telegram',
      kind: 'subscriber',
    });
    expect(new Date(row!.submittedAt).toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('may equal the last value: zero consumption', async () => {
    const linked = await aLinkedMeter(db);
    const outcome = await submit(at('2026-11-25T10:00:00Z'), linked, 120);
    expect(outcome).toMatchObject({ kind: 'accepted', receipt: { value: 120, consumption: 0, previousValue: 120 } });
  });
});

describe('once a day', () => {
  it('refuses a second reading the same day, until tomorrow, and the next day supersedes', async () => {
    const linked = await aLinkedMeter(db);
    const clock = at('2026-11-25T08:00:00Z');
    expect((await submit(clock, linked, 125)).kind).toBe('accepted');
    clock.set('2026-11-25T20:00:00Z');
    expect(await submit(clock, linked, 126)).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
    expect(await readingsOf(linked.meter.id)).toHaveLength(1);

    clock.set('2026-11-26T09:00:00Z');
    const next = await submit(clock, linked, 127);
    expect(next).toMatchObject({ kind: 'accepted', receipt: { localDate: '2026-11-26', previousValue: 125, consumption: 2 } });
    const [account] = await meterChoices(deps(clock), linked.subscriber.id);
    expect(account!.meters[0]).toMatchObject({ lastValue: 127, lastValueDate: '2026-11-26', submittedToday: true });
  });

  it("takes Kyiv's day: 23:30 UTC is already tomorrow", async () => {
    const linked = await aLinkedMeter(db);
    const clock = at('2026-11-25T10:00:00Z');
    expect(await submit(clock, linked, 125)).toMatchObject({ kind: 'accepted', receipt: { localDate: '2026-11-25' } });
    clock.set('2026-11-25T21:30:00Z'); // 23:30 in Kyiv: still the 25th
    expect(await submit(clock, linked, 126)).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
    clock.set('2026-11-25T23:30:00Z'); // 01:30 on the 26th in Kyiv
    expect(await submit(clock, linked, 126)).toMatchObject({ kind: 'accepted', receipt: { localDate: '2026-11-26' } });
    clock.set('2026-11-26T12:00:00Z');
    expect(await submit(clock, linked, 127)).toEqual({ kind: 'same-day', retryOn: '2026-11-27' });
  });

  it('does not count a staff correction made that day', async () => {
    const linked = await aLinkedMeter(db);
    await aReading(db, linked.meter, { value: 122, localDate: '2026-11-25', kind: 'staff-correction', submittedAt: new Date('2026-11-25T07:00:00Z') });
    expect(await submit(at('2026-11-25T10:00:00Z'), linked, 123)).toMatchObject({ kind: 'accepted', receipt: { previousValue: 122 } });
  });
});

describe('values that cannot be right', () => {
  it('refuses a value below billing’s last one, handing back the correction letter data', async () => {
    const linked = await aLinkedMeter(db);
    const outcome = await submit(at('2026-11-25T10:00:00Z'), linked, '119');
    expect(outcome).toEqual({
      kind: 'lower',
      lastValue: 120,
      correction: { meterId: linked.meter.id, meterSerial: linked.meter.serial, lastValue: 120, requestedValue: 119 },
    });
    expect(await readingsOf(linked.meter.id)).toHaveLength(0);
  });

  it('refuses a value below the last accepted reading even when billing knows less', async () => {
    const linked = await aLinkedMeter(db);
    await aReading(db, linked.meter, { value: 130, localDate: '2026-11-20', subscriber: linked.subscriber });
    expect(await submit(at('2026-11-25T10:00:00Z'), linked, 125)).toMatchObject({ kind: 'lower', lastValue: 130 });
  });

  it('prefers billing when billing is newer than the last accepted reading', async () => {
    const linked = await aLinkedMeter(db, { meter: { lastReading: 140, lastReadingDate: '2026-11-22' } });
    await aReading(db, linked.meter, { value: 130, localDate: '2026-11-20' });
    expect(await submit(at('2026-11-25T10:00:00Z'), linked, 135)).toMatchObject({ kind: 'lower', lastValue: 140 });
  });

  it("refuses more than the meter's digits can show", async () => {
    const linked = await aLinkedMeter(db, { meter: { digits: 3, lastReading: 900 } });
    const clock = at('2026-11-25T10:00:00Z');
    expect(await submit(clock, linked, '1000', { confirmed: true })).toEqual({ kind: 'over-capacity', maxValue: 999 });
    expect(await submit(clock, linked, '999', { confirmed: true })).toMatchObject({ kind: 'accepted', receipt: { value: 999 } });
  });

  it.each(['12,5', 'abc', '', '   ', '-3', '1e3', '12345678901'])('refuses the typed text %j', async (text) => {
    const linked = await aLinkedMeter(db);
    expect(await submit(at('2026-11-25T10:00:00Z'), linked, text)).toEqual({ kind: 'invalid-value' });
  });

  it.each([-1, 12.5, Number.NaN])('refuses the number %d', async (value) => {
    const linked = await aLinkedMeter(db);
    expect(await submit(at('2026-11-25T10:00:00Z'), linked, value)).toEqual({ kind: 'invalid-value' });
  });
});

describe('an implausible jump', () => {
  it('needs confirmation, then is accepted', async () => {
    // 31 days since billing's 120 on 2026-10-25; 100 m³ is 3.23 a day, over the default 3.
    const linked = await aLinkedMeter(db);
    const clock = at('2026-11-25T10:00:00Z');
    expect(await submit(clock, linked, 220)).toEqual({ kind: 'needs-confirmation', value: 220, consumption: 100, days: 31, perDay: 3.23 });
    expect(await readingsOf(linked.meter.id)).toHaveLength(0);
    expect(await submit(clock, linked, 220, { confirmed: true })).toMatchObject({ kind: 'accepted', receipt: { consumption: 100 } });
  });

  it('lets an average at the limit through, and counts the same day as one day', async () => {
    const linked = await aLinkedMeter(db);
    expect((await submit(at('2026-11-25T10:00:00Z'), linked, 213)).kind).toBe('accepted'); // 93 / 31 = 3.0
    const sameDay = await aLinkedMeter(db, { meter: { lastReadingDate: '2026-11-25' } });
    expect(await submit(at('2026-11-25T10:00:00Z'), sameDay, 124)).toEqual({
      kind: 'needs-confirmation',
      value: 124,
      consumption: 4,
      days: 1,
      perDay: 4,
    });
  });

  it('follows the configured limit', async () => {
    const linked = await aLinkedMeter(db);
    expect(await submit(at('2026-11-25T10:00:00Z'), linked, 200, { rules: { jumpConfirmM3PerDay: 2 } })).toMatchObject({
      kind: 'needs-confirmation',
      consumption: 80,
    });
  });
});

describe('verification', () => {
  it('refuses a meter past its verification date, and not on the date itself', async () => {
    const overdue = await aLinkedMeter(db, { meter: { verificationDue: '2026-11-24' } });
    const clock = at('2026-11-25T10:00:00Z');
    expect(await submit(clock, overdue, 125)).toEqual({ kind: 'verification-overdue', due: '2026-11-24' });
    expect(await checkReadingOpen(deps(clock), { subscriberId: overdue.subscriber.id, meterId: overdue.meter.id })).toEqual({
      kind: 'verification-overdue',
      due: '2026-11-24',
    });
    const dueToday = await aLinkedMeter(db, { meter: { verificationDue: '2026-11-25' } });
    expect((await submit(clock, dueToday, 125)).kind).toBe('accepted');
  });

  it('takes the reading when the setting is off', async () => {
    const overdue = await aLinkedMeter(db, { meter: { verificationDue: '2026-11-24' } });
    const outcome = await submit(at('2026-11-25T10:00:00Z'), overdue, 125, { rules: { refuseAfterVerificationDue: false } });
    expect(outcome.kind).toBe('accepted');
  });
});

describe('the reading window', () => {
  it('names next month when the window has passed', async () => {
    const linked = await aLinkedMeter(db);
    const window = { fromDay: 1, toDay: 5 };
    const clock = at('2026-11-25T10:00:00Z');
    expect(await submit(clock, linked, 125, { rules: { window } })).toEqual({ kind: 'outside-window', opensOn: '2026-12-01' });
    clock.set('2026-12-31T22:30:00Z'); // already 1 January in Kyiv
    expect(await submit(clock, linked, 125, { rules: { window } })).toMatchObject({
      kind: 'accepted',
      receipt: { localDate: '2027-01-01', period: '2027-01' },
    });
  });

  it('skips a February too short for a 29-31 window, except in a leap year', async () => {
    const linked = await aLinkedMeter(db);
    const window = { fromDay: 29, toDay: 31 };
    expect(await submit(at('2027-02-10T10:00:00Z'), linked, 125, { rules: { window } })).toEqual({
      kind: 'outside-window',
      opensOn: '2027-03-29',
    });
    expect(await submit(at('2028-02-10T10:00:00Z'), linked, 125, { rules: { window } })).toEqual({
      kind: 'outside-window',
      opensOn: '2028-02-29',
    });
  });

  it("tells the same-day refusal on the window's last day when it opens again", async () => {
    const linked = await aLinkedMeter(db);
    const rules = { window: { fromDay: 1, toDay: 5 } };
    const clock = at('2026-12-05T10:00:00Z');
    expect((await submit(clock, linked, 125, { rules, confirmed: true })).kind).toBe('accepted');
    expect(await submit(clock, linked, 126, { rules })).toEqual({ kind: 'same-day', retryOn: '2027-01-01' });
  });
});

describe('whose meter', () => {
  it('refuses a meter on an account the subscriber has not linked, or no meter at all', async () => {
    const mine = await aLinkedMeter(db);
    const theirs = await aLinkedMeter(db);
    const clock = at('2026-11-25T10:00:00Z');
    const foreign = { subscriber: mine.subscriber, meter: theirs.meter };
    expect(await submit(clock, foreign, 125)).toEqual({ kind: 'not-linked' });
    expect(await checkReadingOpen(deps(clock), { subscriberId: mine.subscriber.id, meterId: theirs.meter.id })).toEqual({
      kind: 'not-linked',
    });
    expect(await submit(clock, { subscriber: mine.subscriber, meter: { id: 999_999 } }, 125)).toEqual({ kind: 'not-linked' });
    expect(await readingsOf(theirs.meter.id)).toHaveLength(0);
  });
});

describe('choosing a meter', () => {
  it('lists linked accounts with their meters, last values and whether today is done', async () => {
    const subscriber = await aSubscriber(db);
    const first = await anAccount(db, { number: '700001', address: 'вул. Соборна, 1' });
    const second = await anAccount(db, { number: '700002', address: 'вул. Широка, 2' });
    const empty = await anAccount(db, { number: '700003' });
    const kitchen = await aMeter(db, first, { serial: 'A-1', place: 'кухня', lastReading: 50, lastReadingDate: '2026-10-20' });
    const bath = await aMeter(db, first, { serial: 'A-2', place: 'ванна', verificationDue: null, lastReadingDate: null, lastReading: 0 });
    const hot = await aMeter(db, second, { serial: 'B-1', service: 'гаряча вода', verificationDue: '2027-05-01' });
    for (const account of [first, second, empty]) await aLink(db, subscriber, account);
    const stranger = await anAccount(db);
    await aMeter(db, stranger);

    const clock = at('2026-11-25T10:00:00Z');
    expect((await submit(clock, { subscriber, meter: kitchen }, 55)).kind).toBe('accepted');
    const open = await checkReadingOpen(deps(clock), { subscriberId: subscriber.id, meterId: hot.id });
    expect(open).toEqual({
      kind: 'open',
      meter: {
        meterId: hot.id,
        serial: 'B-1',
        service: 'гаряча вода',
        place: 'кухня',
        digits: 5,
        lastValue: 120,
        lastValueDate: '2026-10-25',
        verificationDue: '2027-05-01',
        submittedToday: false,
      },
    });
    expect(await checkReadingOpen(deps(clock), { subscriberId: subscriber.id, meterId: kitchen.id })).toEqual({
      kind: 'same-day',
      retryOn: '2026-11-26',
    });

    const choices = await meterChoices(deps(clock), subscriber.id);
    expect(choices.map((a) => [a.number, a.address, a.meters.map((m) => m.serial)])).toEqual([
      ['700001', 'вул. Соборна, 1', ['A-1', 'A-2']],
      ['700002', 'вул. Широка, 2', ['B-1']],
      ['700003', empty.address, []],
    ]);
    expect(choices[0]!.meters).toEqual([
      expect.objectContaining({ meterId: kitchen.id, lastValue: 55, lastValueDate: '2026-11-25', submittedToday: true }),
      expect.objectContaining({ meterId: bath.id, lastValue: 0, lastValueDate: null, verificationDue: null, submittedToday: false }),
    ]);
    expect(choices[0]!.accountId).toBe(first.id);

    // A choice just read answers as checkReadingOpen does, without reading again.
    const [kitchenChoice, bathChoice] = choices[0]!.meters;
    expect(readingOpenFor(deps(clock), kitchenChoice!)).toEqual({ kind: 'same-day', retryOn: '2026-11-26' });
    expect(readingOpenFor(deps(clock), bathChoice!)).toEqual({ kind: 'open', meter: bathChoice });
    expect(readingOpenFor(deps(at('2030-01-01T10:00:00Z')), choices[1]!.meters[0]!)).toEqual({ kind: 'verification-overdue', due: '2027-05-01' });
  });
});
