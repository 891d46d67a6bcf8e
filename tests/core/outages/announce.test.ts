import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import {
  announceOutage,
  closeOutage,
  emergencyForAccount,
  outageInForceForAccount,
  outagesAtSubscriberAddresses,
  plannedOutageNoticesOn,
  previewOutage,
  setPlannedOutageNotices,
  updateOutage,
} from '../../../core/outages/index.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { aDraft, anAccountAt, aSubscriberOf, changeRows, clearOutageData } from '../../support/outages-builders.ts';

let db: TestDatabase;
const clock = new FixedClock(new Date('2026-12-05T08:00:00Z'));
const deps = () => ({ db, clock, settings: defaultCoreSettings });

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

describe('preview', () => {
  it('counts the subscribers reached by channel, once each, and names streets with no account', async () => {
    const a12 = await anAccountAt(db, 'вул. Соборна, 12, кв. 1');
    const a12b = await anAccountAt(db, 'вул. Соборна, 12, кв. 2');
    const a30 = await anAccountAt(db, 'Соборна 30');
    const a26 = await anAccountAt(db, 'вул. Соборна, 26');
    const other = await anAccountAt(db, 'вул. Садова, 3');
    await aSubscriberOf(db, [a12, a12b], 'telegram');
    await aSubscriberOf(db, [a30], 'viber');
    await aSubscriberOf(db, [a26], 'telegram');
    await aSubscriberOf(db, [other], 'telegram');
    const blocked = await aSubscriberOf(db, [a12], 'telegram');
    await db.models.Subscriber.update({ blockedAt: new Date('2026-12-01T00:00:00Z') }, { where: { id: blocked.id } });

    const outcome = await previewOutage(deps(), aDraft({ targets: [{ street: 'Соборна', houses: [{ from: 1, to: 25 }, { house: '30' }] }, { street: 'Неіснуюча', houses: null }] }));
    expect(outcome).toEqual({
      kind: 'reach',
      reach: {
        accounts: 3,
        subscribers: { telegram: 1, viber: 1, total: 2 },
        billableViber: 1,
        optedOut: 0,
        streetsNotFound: ['Неіснуюча'],
      },
    });
  });

  it('matches old street names through the aliases', async () => {
    const account = await anAccountAt(db, 'вул. Леніна, 5');
    await aSubscriberOf(db, [account]);
    await db.sequelize.query(`INSERT INTO street_aliases (alias_norm, street_norm, alias, street) VALUES ('леніна', 'соборна', 'Леніна', 'Соборна')`);
    const outcome = await previewOutage(deps(), aDraft());
    expect(outcome.kind === 'reach' && outcome.reach.subscribers.total).toBe(1);
  });

  it('counts out, for planned works, those who turned their notices off', async () => {
    const account = await anAccountAt(db, 'вул. Соборна, 5');
    const off = await aSubscriberOf(db, [account]);
    await aSubscriberOf(db, [account]);
    await setPlannedOutageNotices(deps(), off.id, false);
    expect(await plannedOutageNoticesOn(deps(), off.id)).toBe(false);
    const planned = await previewOutage(deps(), aDraft({ kind: 'planned', startsAt: '2026-12-06T07:00:00Z', endsAt: '2026-12-06T15:00:00Z' }));
    expect(planned.kind === 'reach' && [planned.reach.subscribers.total, planned.reach.optedOut]).toEqual([1, 1]);
    const emergency = await previewOutage(deps(), aDraft());
    expect(emergency.kind === 'reach' && [emergency.reach.subscribers.total, emergency.reach.optedOut]).toEqual([2, 0]);
  });

  it('lists every problem of a draft', async () => {
    expect(await previewOutage(deps(), aDraft({ targets: [], affects: [], startsAt: '2026-12-05T10:00:00Z', endsAt: '2026-12-05T09:00:00Z', text: 'х'.repeat(1001) }))).toEqual({
      kind: 'invalid',
      problems: [{ kind: 'no-targets' }, { kind: 'ends-before-start' }, { kind: 'no-affects' }, { kind: 'text-too-long', max: 1000 }],
    });
    expect(await previewOutage(deps(), aDraft({ startsAt: '2026-12-04T08:00:00Z', endsAt: '2026-12-05T07:00:00Z' }))).toEqual({ kind: 'invalid', problems: [{ kind: 'already-over' }] });
    expect(await previewOutage(deps(), aDraft({ startsAt: 'вчора' }))).toEqual({ kind: 'invalid', problems: [{ kind: 'bad-time', field: 'startsAt' }] });
  });
});

describe('announce, update, close', () => {
  it('announces once per idempotency key', async () => {
    await aSubscriberOf(db, [await anAccountAt(db, 'вул. Соборна, 5')]);
    const first = await announceOutage(deps(), aDraft(), { idempotencyKey: 'staff:1', by: 'Петро' });
    const again = await announceOutage(deps(), aDraft({ text: 'інше' }), { idempotencyKey: 'staff:1', by: 'Петро' });
    expect(first.kind).toBe('announced');
    if (first.kind !== 'announced') return;
    expect(first.reach.subscribers.total).toBe(1);
    expect(again).toEqual({ kind: 'already-announced', outage: first.outage });
    const [{ n }] = (await db.sequelize.query('SELECT count(*)::int AS n FROM outages'))[0] as [{ n: number }];
    expect(n).toBe(1);
  });

  it('owes an emergency notice at once, and planned works the evening before and at the start', async () => {
    const emergency = await announceOutage(deps(), aDraft(), { idempotencyKey: 'e', by: 'staff' });
    if (emergency.kind !== 'announced') throw new Error(emergency.kind);
    expect(await changeRows(db, emergency.outage.id)).toEqual([{ change: 'start', status: 'pending', due_at: clock.now() }]);

    // Works on the 7th at 09:00 Kyiv: told on the 6th at 18:00 Kyiv (16:00 UTC), and at 09:00 on the 7th.
    const planned = await announceOutage(deps(), aDraft({ kind: 'planned', startsAt: '2026-12-07T07:00:00Z', endsAt: '2026-12-07T15:00:00Z' }), { idempotencyKey: 'p', by: 'staff' });
    if (planned.kind !== 'announced') throw new Error(planned.kind);
    expect(await changeRows(db, planned.outage.id)).toEqual([
      { change: 'before', status: 'pending', due_at: new Date('2026-12-06T16:00:00Z') },
      { change: 'start', status: 'pending', due_at: new Date('2026-12-07T07:00:00Z') },
    ]);

    // Announced after that evening: told at once (the delivery waits out quiet hours).
    clock.set('2026-12-06T19:00:00Z');
    const late = await announceOutage(deps(), aDraft({ kind: 'planned', startsAt: '2026-12-07T07:00:00Z', endsAt: '2026-12-07T15:00:00Z' }), { idempotencyKey: 'late', by: 'staff' });
    if (late.kind !== 'announced') throw new Error(late.kind);
    expect((await changeRows(db, late.outage.id)).map((c) => [c.change, c.due_at.toISOString()])).toEqual([
      ['before', '2026-12-06T19:00:00.000Z'],
      ['start', '2026-12-07T07:00:00.000Z'],
    ]);
  });

  it('updates the end time, refuses a bad one, and says when nothing changed', async () => {
    const announced = await announceOutage(deps(), aDraft(), { idempotencyKey: 'e', by: 'staff' });
    if (announced.kind !== 'announced') throw new Error(announced.kind);
    const id = announced.outage.id;
    expect((await updateOutage(deps(), id, { endsAt: '2026-12-05T07:00:00Z' })).kind).toBe('invalid');
    const updated = await updateOutage(deps(), id, { endsAt: '2026-12-05T18:00:00Z', text: 'Ремонт триває.' });
    expect(updated.kind === 'updated' && [updated.outage.endsAt, updated.outage.text, updated.outage.revision]).toEqual(['2026-12-05T18:00:00.000Z', 'Ремонт триває.', 1]);
    expect((await updateOutage(deps(), id, { endsAt: '2026-12-05T18:00:00Z' })).kind).toBe('unchanged');
    expect(await updateOutage(deps(), 999_999, { endsAt: null })).toEqual({ kind: 'not-found' });
  });

  it('closes once; notices not sent yet are dropped', async () => {
    const announced = await announceOutage(deps(), aDraft({ kind: 'planned', startsAt: '2026-12-07T07:00:00Z', endsAt: '2026-12-07T15:00:00Z' }), { idempotencyKey: 'p', by: 'staff' });
    if (announced.kind !== 'announced') throw new Error(announced.kind);
    const closed = await closeOutage(deps(), announced.outage.id);
    expect(closed.kind === 'closed' && closed.outage.status).toBe('closed');
    expect((await closeOutage(deps(), announced.outage.id)).kind).toBe('already-closed');
    // Nobody was told of it yet: nobody is told it is over.
    expect((await changeRows(db, announced.outage.id)).map((c) => [c.change, c.status])).toEqual([
      ['before', 'dropped'],
      ['start', 'dropped'],
    ]);
    expect((await updateOutage(deps(), announced.outage.id, { endsAt: null })).kind).toBe('closed');
  });
});

describe('look-ups', () => {
  it('shows current and next outages at the subscriber’s addresses, with the accounts there', async () => {
    const home = await anAccountAt(db, 'вул. Соборна, 12, кв. 1');
    const dacha = await anAccountAt(db, 'вул. Садова, 3');
    const elsewhere = await anAccountAt(db, 'вул. Паркова, 1');
    const subscriber = await aSubscriberOf(db, [home, dacha, elsewhere]);
    const none = await aSubscriberOf(db, [elsewhere]);
    const now = await announceOutage(deps(), aDraft({ startsAt: '2026-12-05T07:00:00Z' }), { idempotencyKey: 'now', by: 's' });
    const later = await announceOutage(deps(), aDraft({ kind: 'planned', targets: [{ street: 'Садова', houses: null }, { street: 'Соборна', houses: [{ house: '12' }] }], startsAt: '2026-12-08T07:00:00Z', endsAt: '2026-12-08T15:00:00Z' }), { idempotencyKey: 'later', by: 's' });
    const over = await announceOutage(deps(), aDraft({ startsAt: '2026-12-05T06:00:00Z', endsAt: '2026-12-05T09:00:00Z' }), { idempotencyKey: 'over', by: 's' });
    if (now.kind !== 'announced' || later.kind !== 'announced' || over.kind !== 'announced') throw new Error('announce');
    clock.set('2026-12-05T10:00:00Z');

    const seen = await outagesAtSubscriberAddresses(deps(), subscriber.id, clock.now());
    expect(seen.current.map((c) => [c.outage.id, c.accounts.map((a) => a.number)])).toEqual([[now.outage.id, [home.number]]]);
    expect(seen.next.map((c) => [c.outage.id, c.accounts.map((a) => a.number).sort()])).toEqual([[later.outage.id, [home.number, dacha.number].sort()]]);
    expect(await outagesAtSubscriberAddresses(deps(), none.id, clock.now())).toEqual({ current: [], next: [] });

    expect((await outageInForceForAccount(deps(), home.id, clock.now()))?.id).toBe(now.outage.id);
    expect(await outageInForceForAccount(deps(), dacha.id, clock.now())).toBeNull();
    expect((await emergencyForAccount(deps(), home.id, clock.now()))?.id).toBe(now.outage.id);
    expect(await emergencyForAccount(deps(), dacha.id, clock.now())).toBeNull();
    await closeOutage(deps(), now.outage.id);
    expect(await emergencyForAccount(deps(), home.id, clock.now())).toBeNull();
  });
});
