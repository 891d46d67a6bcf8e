import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import type { ReadingRules } from '../../../core/settings.ts';
import { readingsFlow } from '../../../bots/flows/readings.ts';
import { resumeFlow, type ChatOutput } from '../../../bots/flows/runner.ts';
import { createLogger } from '../../../bots/logger.ts';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { flowDriver, type Said } from '../../support/flow-driver.ts';
import { aLinkedMeter, aReading, coreDeps } from '../../support/readings-builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

// Billing knows 120 m³ on 2026-10-25 (the builder's default); Kyiv is UTC+2 in November.
const clock = new FixedClock(new Date('2026-11-25T10:00:00Z'));
const logger = createLogger('silent');
const play = (subscriberId: number, rules: Partial<ReadingRules> = {}) =>
  flowDriver(readingsFlow, { core: coreDeps(db, clock, rules), logger }, { subscriberId, now: () => clock.now().getTime() });
const ids = (said: Said) => (said.options.choices ?? []).flat().map((c) => c.id);
const labels = (said: Said) => (said.options.choices ?? []).flat().map((c) => c.label);
const last = (said: Said[]) => said[said.length - 1]!;

describe('submitting a reading', () => {
  it('asks the value of the only meter at once, confirms it, and gives a receipt in m³', async () => {
    const { subscriber, meter } = await aLinkedMeter(db);
    const flow = play(subscriber.id);
    await flow.start();
    expect(flow.take().map((s) => s.text)).toEqual([readings.askValue({ ...meter.get(), lastValue: 120, lastValueDate: '2026-10-25' })]);
    await flow.type('125');
    const [confirm] = flow.take();
    expect(confirm!.text).toBe(readings.confirmValue(meter.serial, '125'));
    expect(labels(confirm!)).toEqual([readings.sendButton, readings.changeButton]);
    await flow.press('send');
    const [receipt] = flow.take();
    expect(receipt!.text).toContain('Показник: 125 м³ (попередній: 120 м³)');
    expect(receipt!.text).toContain('Споживання: 5 м³');
    expect(receipt!.options.keyboard).toBe('menu');
    // The menu is back, and the flow still takes a photo of the meter for this reading.
    expect(receipt!.text).toContain(readings.photoOffer);
    expect(flow.state).not.toBeNull();
    expect(await db.models.Reading.findAll({ where: { meterId: meter.id }, raw: true })).toMatchObject([{ value: 125, channel: 'telegram' }]);
  });

  it('answers too many digits and a value below the last one before «Так, надіслати», and takes a number typed at the confirm step as the new value', async () => {
    const { subscriber, meter } = await aLinkedMeter(db, { meter: { digits: 4 } });
    const flow = play(subscriber.id);
    await flow.start();
    flow.take();
    await flow.type('10000');
    expect(flow.take().map((s) => [s.text, ids(s)])).toEqual([[readings.overCapacity(9999), []]]);
    await flow.type('100');
    const [lower] = flow.take();
    expect(lower!.text).toBe(readings.lower(100, 120));
    expect(ids(lower!)).toEqual(['fix', 'retype']);
    await flow.type('130');
    expect(flow.take().map((s) => s.text)).toEqual([readings.confirmValue(meter.serial, '130')]);
    // Typed, not pressed: the number is the value now.
    await flow.type('131');
    expect(flow.take().map((s) => s.text)).toEqual([readings.confirmValue(meter.serial, '131')]);
    await flow.type('Так, надіслати');
    expect(last(flow.take()).text).toContain('Показник: 131 м³');
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
  });

  it('asks about a large consumption once, instead of the plain confirmation', async () => {
    const { subscriber, meter } = await aLinkedMeter(db);
    const flow = play(subscriber.id);
    await flow.start();
    await flow.type('220');
    const [jump] = flow.take().slice(-1);
    expect(jump!.text).toBe(readings.jump({ value: 220, consumption: 100, days: 31, perDay: 3.23 }));
    expect(ids(jump!)).toEqual(['jump-yes', 'change']);
    await flow.press('jump-yes');
    expect(last(flow.take()).text).toContain('Показник: 220 м³');
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
  });

  it('explains a meter past its verification before anything is typed, and ends at the menu', async () => {
    const { subscriber } = await aLinkedMeter(db, { meter: { verificationDue: '2026-11-01' } });
    const flow = play(subscriber.id);
    await flow.start();
    expect(flow.take().map((s) => [s.text, s.options.keyboard])).toEqual([[readings.verificationOverdue('2026-11-01'), 'menu']]);
    expect(flow.state).toBeNull();
  });

  it('explains a closed window with its next opening day, before anything is typed', async () => {
    const { subscriber } = await aLinkedMeter(db);
    const flow = play(subscriber.id, { window: { fromDay: 1, toDay: 20 } });
    await flow.start();
    expect(flow.take().map((s) => [s.text, s.options.keyboard])).toEqual([[readings.outsideWindow('2026-12-01'), 'menu']]);
  });

  it('after a meter read today, offers the others again when one still takes a reading', async () => {
    const account = await anAccount(db);
    const read = await aMeter(db, account, { serial: 'A-1' });
    const other = await aMeter(db, account, { serial: 'B-2' });
    const subscriber = await aSubscriber(db);
    await aLink(db, subscriber, account);
    await aReading(db, read, { value: 125, localDate: '2026-11-25', subscriber });
    const flow = play(subscriber.id);
    await flow.start();
    const [list] = flow.take();
    expect(list!.text).toContain('(сьогодні вже передано)');
    expect(ids(list!)).toEqual([`m${read.id}`, `m${other.id}`]);
    await flow.press(`m${read.id}`);
    const [refusal, again] = flow.take();
    expect(refusal!.text).toBe(readings.sameDay('2026-11-26'));
    expect(ids(again!)).toEqual([`m${read.id}`, `m${other.id}`]);
    await flow.press(`m${other.id}`);
    expect(flow.take()[0]!.text).toContain('№ B-2');
    // The same meter again, when nothing else takes a reading: explained, and the menu.
    await flow.type('130');
    await flow.press('send');
    const again2 = play(subscriber.id);
    await again2.start();
    await again2.press(`m${read.id}`);
    expect(again2.take().slice(-1).map((s) => [s.text, s.options.keyboard])).toEqual([[readings.sameDay('2026-11-26'), 'menu']]);
  });

  it('shows a long list of meters a page at a time', async () => {
    const account = await anAccount(db);
    const meters = [];
    for (let i = 0; i < 10; i++) meters.push(await aMeter(db, account, { serial: `P-${String(i).padStart(2, '0')}` }));
    const subscriber = await aSubscriber(db);
    await aLink(db, subscriber, account);
    const flow = play(subscriber.id);
    await flow.start();
    const [first] = flow.take();
    expect(ids(first!)).toEqual([...meters.slice(0, 8).map((m) => `m${m.id}`), 'more']);
    expect(first!.text).toContain('(сторінка 1 з 2)');
    await flow.press('more');
    const [second] = flow.take();
    expect(ids(second!)).toEqual([...meters.slice(8).map((m) => `m${m.id}`), 'more']);
    await flow.press(`m${meters[9]!.id}`);
    expect(flow.take()[0]!.text).toContain('№ P-09');
  });

  it('sends a lower value to staff as a correction letter with a comment and a photo', async () => {
    const { subscriber, meter, account } = await aLinkedMeter(db);
    const flow = play(subscriber.id);
    await flow.start();
    await flow.type('90');
    await flow.press('fix');
    expect(flow.take().slice(-1).map((s) => [s.text, ids(s)])).toEqual([[readings.correctionAsk, ['send']]]);
    await flow.type('Лічильник замінили 10.11');
    await flow.send({ kind: 'photo', photo: { kind: 'photo', ref: 'file-1', channel: 'telegram' }, caption: null });
    await flow.send({ kind: 'other' });
    expect(last(flow.take()).text).toBe(common.notUnderstoodMedia);
    await flow.press('send');
    const letter = await db.models.Letter.findOne({ where: { subscriberId: subscriber.id }, raw: true });
    expect(letter).toMatchObject({
      category: 'reading-correction',
      accountId: account.id,
      text: readings.correctionWithComment(readings.correctionLetterText(meter.serial, 120, 90), 'Лічильник замінили 10.11'),
      attachments: [{ kind: 'photo', ref: 'file-1', channel: 'telegram' }],
      correction: { meterId: meter.id, meterSerial: meter.serial, lastValue: 120, requestedValue: 90 },
    });
    expect(last(flow.take())).toMatchObject({ text: letters.stored(letter!.id), options: { keyboard: 'menu' } });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(0);
  });

  it('stores one reading when the same «Так, надіслати» is handled twice from one stored state', async () => {
    const { subscriber, meter } = await aLinkedMeter(db);
    const flow = play(subscriber.id);
    await flow.start();
    await flow.type('125');
    const atConfirm = flow.state!;
    const said: string[] = [];
    const out: ChatOutput = { channel: 'viber', subscriberId: subscriber.id, send: async (text) => void said.push(text) };
    const press = { kind: 'press' as const, prompt: atConfirm.prompt, id: 'send' };
    const deps = { core: coreDeps(db, clock), logger };
    await resumeFlow(readingsFlow, deps, out, atConfirm, press, { now: clock.now().getTime() });
    await resumeFlow(readingsFlow, deps, out, atConfirm, press, { now: clock.now().getTime() });
    expect(await db.models.Reading.count({ where: { meterId: meter.id } })).toBe(1);
    expect(said[0]).toContain('Показник: 125 м³');
    // The (meter, day) constraint finds it done; the second answer says so.
    expect(said[1]).toBe(readings.sameDay('2026-11-26'));
  });

  it('without accounts, says how to add one', async () => {
    const subscriber = await aSubscriber(db);
    const flow = play(subscriber.id);
    await flow.start();
    expect(flow.take().map((s) => [s.text, s.options.keyboard])).toEqual([[readings.noAccounts, 'menu']]);
  });
});
