import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneOffers, proveOwnership } from '../../core/accounts/index.ts';
import {
  deferPhone,
  eraseSubscriber,
  keepUnverifiedPhone,
  subscriberProfile,
  findSubscriber,
  getSubscriber,
  giveConsent,
  markBlocked,
  setPhone,
  setReminders,
  touchSubscriber,
  UnknownSubscriberError,
} from '../../core/subscribers.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { aLink, aMeter, anAccount, aSubscriber } from '../support/builders.ts';
import { depsAt } from './accounts/helpers.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-11-25T10:00:00Z';

describe('touchSubscriber', () => {
  it('creates a subscriber on first contact, without consent', async () => {
    const deps = depsAt(db, NOW);
    const view = await touchSubscriber(deps, { channel: 'telegram', channelUserId: '9001', name: 'Оксана' });
    expect(view).toEqual({
      id: expect.any(Number), channel: 'telegram', channelUserId: '9001', name: 'Оксана', phone: null,
      consented: false, remindersEnabled: true, blocked: false,
    });
    const row = await db.models.Subscriber.findByPk(view.id);
    expect(row?.lastInboundAt?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('updates the name and last message time, and clears a block', async () => {
    const deps = depsAt(db, NOW);
    const first = await touchSubscriber(deps, { channel: 'viber', channelUserId: 'vb-1', name: 'Петро' });
    await markBlocked(deps, first.id);
    deps.clock.advance(60_000);
    const again = await touchSubscriber(deps, { channel: 'viber', channelUserId: 'vb-1', name: 'Петро Іванович' });
    expect(again).toMatchObject({ id: first.id, name: 'Петро Іванович', blocked: false });
    const row = await db.models.Subscriber.findByPk(first.id);
    expect(row?.lastInboundAt?.toISOString()).toBe('2026-11-25T10:01:00.000Z');
    expect((await touchSubscriber(deps, { channel: 'viber', channelUserId: 'vb-1', name: ' ' })).name).toBe('Петро Іванович');
  });

  it('keeps one row when two first messages arrive at once', async () => {
    const deps = depsAt(db, NOW);
    const views = await Promise.all(
      Array.from({ length: 4 }, () => touchSubscriber(deps, { channel: 'telegram', channelUserId: '9002', name: 'Ірина' })),
    );
    expect(new Set(views.map((v) => v.id)).size).toBe(1);
    expect(await db.models.Subscriber.count({ where: { channel: 'telegram', channelUserId: '9002' } })).toBe(1);
  });

  it('tells the same user id on another channel apart', async () => {
    const deps = depsAt(db, NOW);
    const telegram = await touchSubscriber(deps, { channel: 'telegram', channelUserId: 'same', name: 'А' });
    const viber = await touchSubscriber(deps, { channel: 'viber', channelUserId: 'same', name: 'Б' });
    expect(viber.id).not.toBe(telegram.id);
    expect(await findSubscriber(deps, 'viber', 'same')).toEqual(viber);
    expect(await getSubscriber(deps, telegram.id)).toEqual(telegram);
    expect(await findSubscriber(deps, 'telegram', 'nobody')).toBeNull();
    expect(await getSubscriber(deps, 999_999)).toBeNull();
  });
});

describe('settings of a subscriber', () => {
  it('records consent, keeping the first time', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db, { consented: false });
    expect((await giveConsent(deps, subscriber.id)).consented).toBe(true);
    deps.clock.advance(3_600_000);
    await giveConsent(deps, subscriber.id);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.consentedAt?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('saves a phone in one form and refuses what is not a phone', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    expect(await setPhone(deps, subscriber.id, '12345')).toEqual({ kind: 'invalid-phone' });
    expect(await setPhone(deps, subscriber.id, '0671234567')).toEqual({ kind: 'saved', phone: '380671234567', offers: [] });
    expect((await getSubscriber(deps, subscriber.id))?.phone).toBe('380671234567');
  });

  it('turns reminders off and on', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    expect((await setReminders(deps, subscriber.id, false)).remindersEnabled).toBe(false);
    expect((await setReminders(deps, subscriber.id, true)).remindersEnabled).toBe(true);
  });

  it('marks a blocked subscriber by id or by channel user id', async () => {
    const deps = depsAt(db, NOW);
    const [a, b] = [await aSubscriber(db), await aSubscriber(db, { channel: 'viber' })];
    expect(await markBlocked(deps, a.id)).toBe(true);
    expect(await markBlocked(deps, { channel: 'viber', channelUserId: b.channelUserId })).toBe(true);
    expect(await markBlocked(deps, { channel: 'telegram', channelUserId: b.channelUserId })).toBe(false);
    expect((await getSubscriber(deps, a.id))?.blocked).toBe(true);
    expect((await getSubscriber(deps, b.id))?.blocked).toBe(true);
  });

  it('throws on an unknown subscriber id: a bug in the caller', async () => {
    const deps = depsAt(db, NOW);
    await expect(setReminders(deps, 999_999, false)).rejects.toBeInstanceOf(UnknownSubscriberError);
  });
});

describe('eraseSubscriber', () => {
  it('unlinks everything and forgets the person, keeping the utility’s records and the brute-force history', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db, { name: 'Марія', phone: '380661112233', remindersEnabled: false });
    const [home, dacha] = [await anAccount(db, { surname: 'Бондар' }), await anAccount(db)];
    await aLink(db, subscriber, home);
    await aLink(db, subscriber, dacha);
    const meter = await aMeter(db, home);
    const reading = await db.models.Reading.create({
      meterId: meter.id, value: 130, localDate: '2026-11-20', subscriberId: subscriber.id, channel: 'telegram',
    });
    const letter = await db.models.Letter.create({
      subscriberId: subscriber.id, accountId: home.id, channel: 'telegram', category: 'question', text: 'Коли повірка?',
    });
    // A stranger links the home account: the notice to Марія is pending when she asks to be forgotten.
    const stranger = await aSubscriber(db);
    await proveOwnership(deps, { subscriberId: stranger.id, accountNumber: home.number, method: 'surname', answer: 'Бон' });
    for (let i = 0; i < 3; i++) {
      await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: '99000001', method: 'surname', answer: 'Бон' });
    }

    const noticesTo = async (id: number) =>
      (await db.models.OutboxMessage.findAll({ where: { kind: 'account-linked' } })).filter((n) => n.payload.subscriberId === id);
    expect(await noticesTo(subscriber.id)).toHaveLength(1);

    expect(await eraseSubscriber(deps, subscriber.id)).toEqual({ kind: 'erased', unlinkedAccounts: 2 });

    expect(await getSubscriber(deps, subscriber.id)).toMatchObject({ name: '', phone: null, consented: false, remindersEnabled: true });
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);
    expect(await db.models.Link.count({ where: { subscriberId: stranger.id } })).toBe(1);
    expect((await db.models.Reading.findByPk(reading.id))?.subscriberId).toBe(subscriber.id);
    expect((await db.models.Letter.findByPk(letter.id))?.text).toBe('Коли повірка?');
    expect(await noticesTo(subscriber.id)).toEqual([]);
    // Erasing is no way around a lock.
    expect(
      await proveOwnership(deps, { subscriberId: subscriber.id, accountNumber: '99000001', method: 'surname', answer: 'Бон' }),
    ).toMatchObject({ kind: 'locked', limit: 'pair' });

    const back = await touchSubscriber(deps, { channel: subscriber.channel, channelUserId: subscriber.channelUserId, name: 'Марія' });
    expect(back).toMatchObject({ id: subscriber.id, consented: false });
  });
});

describe('the phone and its evidence', () => {
  it('keeps an unverified contact apart: it never offers or links an account', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db, { channel: 'viber' });
    await anAccount(db, { phone: '380671110001' });
    expect(await keepUnverifiedPhone(deps, subscriber.id, '+38 (067) 111-00-01')).toEqual({ kind: 'kept', phone: '380671110001' });
    expect(await keepUnverifiedPhone(deps, subscriber.id, '12')).toEqual({ kind: 'invalid-phone' });
    expect(await subscriberProfile(deps, subscriber.id)).toMatchObject({ phone: null, phoneUnverified: '380671110001', phoneDeferred: false });
    expect(await phoneOffers(deps, subscriber.id)).toEqual([]);
  });

  it('lets a verified phone supersede an unverified one, and offers by it', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db);
    const account = await anAccount(db, { phone: '380671110002' });
    await keepUnverifiedPhone(deps, subscriber.id, '380501234567');
    const saved = await setPhone(deps, subscriber.id, '380671110002');
    expect(saved).toMatchObject({ kind: 'saved', offers: [{ accountId: account.id }] });
    expect(await subscriberProfile(deps, subscriber.id)).toMatchObject({ phone: '380671110002', phoneUnverified: null });
  });

  it('remembers «later», and erasing forgets it with both phones', async () => {
    const deps = depsAt(db, NOW);
    const subscriber = await aSubscriber(db, { name: 'Андрій' });
    await deferPhone(deps, subscriber.id);
    await keepUnverifiedPhone(deps, subscriber.id, '380501234567');
    expect(await subscriberProfile(deps, subscriber.id)).toEqual({
      id: subscriber.id, channel: 'telegram', name: 'Андрій', consented: true, remindersEnabled: true,
      phone: null, phoneUnverified: '380501234567', phoneDeferred: true,
    });
    await eraseSubscriber(deps, subscriber.id);
    expect(await subscriberProfile(deps, subscriber.id)).toMatchObject({ phoneUnverified: null, phoneDeferred: false, consented: false });
  });
});
