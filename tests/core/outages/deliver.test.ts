import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../../models/models.ts';
import { FixedClock } from '../../../core/clock.ts';
import { announceOutage, closeOutage, deliverDueOutageNotices, setPlannedOutageNotices, updateOutage } from '../../../core/outages/index.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aDraft, anAccountAt, aSubscriberOf, changeRows, clearOutageData, noticeRows, outageDeliveryDeps, RecordingOutageSender } from '../../support/outages-builders.ts';

let db: TestDatabase;
// 10:00 in Kyiv.
const clock = new FixedClock(new Date('2026-12-05T08:00:00Z'));
const core = () => ({ db, clock, settings: defaultCoreSettings });

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 4 });
});
afterAll(async () => {
  await db.destroy();
});
beforeEach(async () => {
  await clearOutageData(db);
  clock.set('2026-12-05T08:00:00Z');
});

async function announced(...args: Parameters<typeof aDraft>) {
  const outcome = await announceOutage(core(), aDraft(...args), { idempotencyKey: `k${Math.random()}`, by: 'staff' });
  if (outcome.kind !== 'announced') throw new Error(outcome.kind);
  return outcome.outage;
}

describe('an emergency', () => {
  it('reaches at once every affected subscriber and only them, one message naming all their accounts there', async () => {
    const flats = [];
    for (let i = 1; i <= 3; i++) flats.push(await anAccountAt(db, `вул. Соборна, 12, кв. ${i}`));
    const many = await aSubscriberOf(db, flats, 'telegram');
    const viber = await aSubscriberOf(db, [await anAccountAt(db, 'Соборна 25')], 'viber');
    const outside = await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 26')]);
    const otherStreet = await aSubscriberOf(db, [await anAccountAt(db, 'вул. Садова, 12')]);
    const several = [];
    for (let i = 0; i < 7; i++) several.push(await aSubscriberOf(db, [await anAccountAt(db, `вул. Соборна, ${i + 1}а`)]));
    const outage = await announced({ endsAt: '2026-12-06T06:00:00Z' });
    // 22:00 in Kyiv, in the quiet hours: an emergency goes anyway.
    clock.set('2026-12-05T20:00:00Z');

    const sender = new RecordingOutageSender();
    const counts = await deliverDueOutageNotices(outageDeliveryDeps(db, clock, sender));
    const expected = [many.id, viber.id, ...several.map((s) => s.id)].sort((a, b) => a - b);
    expect(sender.got('start')).toEqual(expected);
    expect(sender.got('start')).not.toContain(outside.id);
    expect(sender.got('start')).not.toContain(otherStreet.id);
    expect(sender.delivered.find((n) => n.subscriberId === many.id)!.accounts.map((a) => a.number)).toEqual(flats.map((f) => f.number).sort());
    expect(counts).toMatchObject({ changes: 1, sent: expected.length, failed: 0, alreadyDone: 0 });
    expect((await changeRows(db, outage.id)).map((c) => c.status)).toEqual(['done']);

    // A second pass (or another instance) sends nothing again.
    const again = new RecordingOutageSender();
    await deliverDueOutageNotices(outageDeliveryDeps(db, clock, again));
    expect(again.delivered).toEqual([]);
  });

  it('tells of an update and of the restoration those it concerns, each once', async () => {
    const told = await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 3')]);
    const nobodysYet = await anAccountAt(db, 'вул. Соборна, 4');
    const outage = await announced();
    const sender = new RecordingOutageSender();
    const deps = outageDeliveryDeps(db, clock, sender);
    await deliverDueOutageNotices(deps);
    // Linked after the start notice went out: still told of the update and the restoration.
    const late = await aSubscriberOf(db, [nobodysYet]);

    clock.advance(60_000);
    await updateOutage(core(), outage.id, { endsAt: '2026-12-05T18:00:00Z' });
    await updateOutage(core(), outage.id, { endsAt: '2026-12-05T19:00:00Z' });
    await deliverDueOutageNotices(deps);
    expect(sender.got('update-1')).toEqual([]);
    expect(sender.got('update-2')).toEqual([told.id, late.id].sort((a, b) => a - b));
    expect(sender.delivered.find((n) => n.change === 'update-2')!.outage.endsAt).toBe('2026-12-05T19:00:00.000Z');

    await closeOutage(core(), outage.id);
    await deliverDueOutageNotices(deps);
    await deliverDueOutageNotices(deps);
    expect(sender.got('restored')).toEqual([told.id, late.id].sort((a, b) => a - b));
    expect(sender.delivered).toHaveLength(1 + 2 + 2);
  });

  it('retries a failed send in a later pass, and takes over a dead sender’s claim after the lease', async () => {
    const subscribers: Subscriber[] = [];
    for (let i = 1; i <= 4; i++) subscribers.push(await aSubscriberOf(db, [await anAccountAt(db, `вул. Соборна, ${i}`)]));
    const outage = await announced();
    const flaky = new RecordingOutageSender((notice) => {
      if (notice.subscriberId === subscribers[0]!.id) throw new Error('ECONNRESET');
      return { kind: 'sent', rateLimitedWaits: 0 };
    });
    await deliverDueOutageNotices(outageDeliveryDeps(db, clock, flaky));
    expect(flaky.got('start')).toHaveLength(3);
    // A claim held by a sender that died: the row is there, claimed, never settled.
    await db.sequelize.query(`UPDATE outage_notices SET status = 'claimed', sent_at = NULL WHERE subscriber_id = :id`, { replacements: { id: subscribers[1]!.id } });
    expect((await changeRows(db, outage.id))[0]!.status).toBe('pending');

    clock.advance(61_000);
    const healthy = new RecordingOutageSender();
    await deliverDueOutageNotices(outageDeliveryDeps(db, clock, healthy));
    expect(healthy.got('start')).toEqual([subscribers[0]!.id]);
    clock.advance(10 * 60_000);
    await deliverDueOutageNotices(outageDeliveryDeps(db, clock, healthy));
    expect(healthy.got('start')).toEqual([subscribers[0]!.id, subscribers[1]!.id]);
    expect((await noticeRows(db, outage.id)).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect((await changeRows(db, outage.id))[0]!.status).toBe('done');
  });

  it('two passes at once send each notice once', async () => {
    for (let i = 1; i <= 20; i++) await aSubscriberOf(db, [await anAccountAt(db, `вул. Соборна, ${i}`)]);
    await announced();
    const slow = () => new RecordingOutageSender(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { kind: 'sent', rateLimitedWaits: 0 };
    });
    const [a, b] = [slow(), slow()];
    await Promise.all([deliverDueOutageNotices(outageDeliveryDeps(db, clock, a)), deliverDueOutageNotices(outageDeliveryDeps(db, clock, b))]);
    const all = [...a.got('start'), ...b.got('start')];
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
  });
});

describe('planned works', () => {
  it('are told the evening before and at the start, outside quiet hours, without those who turned them off', async () => {
    const on = await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 3')], 'viber');
    const off = await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 4')]);
    await setPlannedOutageNotices(core(), off.id, false);
    // Starts on the 7th at 08:00 Kyiv (in the quiet hours, which end at 09:00).
    const outage = await announced({ kind: 'planned', startsAt: '2026-12-07T06:00:00Z', endsAt: '2026-12-07T15:00:00Z' });
    const sender = new RecordingOutageSender();
    const deps = outageDeliveryDeps(db, clock, sender);

    await deliverDueOutageNotices(deps);
    expect(sender.delivered).toEqual([]);
    clock.set('2026-12-06T16:00:00Z'); // 18:00 Kyiv
    await deliverDueOutageNotices(deps);
    expect(sender.got('before')).toEqual([on.id]);
    clock.set('2026-12-07T06:00:00Z'); // 08:00 Kyiv: started, but quiet
    await deliverDueOutageNotices(deps);
    expect(sender.got('start')).toEqual([]);
    clock.set('2026-12-07T07:00:00Z'); // 09:00 Kyiv
    await deliverDueOutageNotices(deps);
    expect(sender.got('start')).toEqual([on.id]);
    expect((await changeRows(db, outage.id)).map((c) => [c.change, c.status])).toEqual([
      ['before', 'done'],
      ['start', 'done'],
    ]);
  });

  it('drop the evening-before notice once the works have started', async () => {
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 3')]);
    // Announced at 20:30 Kyiv for 09:30: the evening notice waits out the quiet hours and is then too late.
    clock.set('2026-12-05T18:30:00Z');
    const outage = await announced({ kind: 'planned', startsAt: '2026-12-06T07:30:00Z', endsAt: '2026-12-06T15:00:00Z' });
    const sender = new RecordingOutageSender();
    clock.set('2026-12-05T19:30:00Z'); // 21:30 Kyiv
    await deliverDueOutageNotices(outageDeliveryDeps(db, clock, sender));
    clock.set('2026-12-06T07:40:00Z');
    await deliverDueOutageNotices(outageDeliveryDeps(db, clock, sender));
    expect(sender.delivered.map((n) => n.change)).toEqual(['start']);
    expect((await changeRows(db, outage.id)).map((c) => [c.change, c.status])).toEqual([
      ['before', 'dropped'],
      ['start', 'done'],
    ]);
  });
});
