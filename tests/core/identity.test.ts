import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_LINK_CODE_TTL_MS,
  inspectChannelLinkCode,
  isChannelLinkCode,
  issueChannelLinkCode,
  otherChannels,
  redeemChannelLinkCode,
} from '../../core/identity.ts';
import { eraseSubscriber } from '../../core/subscribers.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { aLink, anAccount, aSubscriber } from '../support/builders.ts';
import { depsAt } from './accounts/helpers.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-12-04T10:00:00Z';

async function pair() {
  const telegram = await aSubscriber(db, { channel: 'telegram' });
  const viber = await aSubscriber(db, { channel: 'viber' });
  const first = await anAccount(db);
  const second = await anAccount(db);
  await aLink(db, telegram, first);
  await aLink(db, telegram, second);
  return { telegram, viber, first, second };
}

describe('one-time channel-link codes', () => {
  it('issues a code that fits a Telegram start payload, and keeps only its hash', async () => {
    const deps = depsAt(db, NOW);
    const { telegram } = await pair();
    const issued = await issueChannelLinkCode(deps, telegram.id);
    if (issued.kind !== 'issued') throw new Error('expected a code');
    expect(issued.code).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(isChannelLinkCode(issued.code)).toBe(true);
    expect(issued.expiresAt).toBe(new Date(Date.parse(NOW) + CHANNEL_LINK_CODE_TTL_MS).toISOString());
    const [rows] = await db.sequelize.query(`SELECT code_hash FROM channel_link_codes WHERE subscriber_id = ${telegram.id}`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(issued.code);
  });

  it('issues nothing to a subscriber with no account', async () => {
    const lonely = await aSubscriber(db);
    expect(await issueChannelLinkCode(depsAt(db, NOW), lonely.id)).toEqual({ kind: 'no-accounts' });
  });

  it('offers the accounts of the first chat, then links them all in one go, once', async () => {
    const deps = depsAt(db, NOW);
    const { telegram, viber, first, second } = await pair();
    const stranger = await aSubscriber(db, { channel: 'viber' });
    await aLink(db, stranger, first);
    const issued = await issueChannelLinkCode(deps, telegram.id);
    if (issued.kind !== 'issued') throw new Error('expected a code');

    expect(await inspectChannelLinkCode(deps, { subscriberId: viber.id, code: issued.code })).toEqual({
      kind: 'offer',
      fromChannel: 'telegram',
      accounts: [
        { accountId: first.id, number: first.number, address: first.address },
        { accountId: second.id, number: second.number, address: second.address },
      ],
    });

    const outcome = await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: issued.code });
    expect(outcome).toMatchObject({ kind: 'linked', fromChannel: 'telegram', alreadyLinked: [] });
    if (outcome.kind !== 'linked') throw new Error('expected linked');
    expect(outcome.linked.map((a) => a.number)).toEqual([first.number, second.number]);
    const links = await db.models.Link.findAll({ where: { subscriberId: viber.id }, order: [['accountId', 'ASC']] });
    expect(links.map((l) => l.method)).toEqual(['channel-link', 'channel-link']);
    // The stranger linked to `first` is told; the Telegram chat (the same person) is not.
    const notices = await db.models.OutboxMessage.findAll({ where: { kind: 'account-linked' } });
    const told = notices.map((n) => (n.payload as { subscriberId: number }).subscriberId);
    expect(told).toContain(stranger.id);
    expect(told).not.toContain(telegram.id);

    expect(await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: issued.code })).toEqual({ kind: 'used' });
    expect(await inspectChannelLinkCode(deps, { subscriberId: stranger.id, code: issued.code })).toEqual({ kind: 'used' });
  });

  it('lets exactly one of two concurrent presses use the code', async () => {
    const deps = depsAt(db, NOW);
    const { telegram } = await pair();
    const a = await aSubscriber(db, { channel: 'viber' });
    const b = await aSubscriber(db, { channel: 'viber' });
    const issued = await issueChannelLinkCode(deps, telegram.id);
    if (issued.kind !== 'issued') throw new Error('expected a code');
    const outcomes = await Promise.all([
      redeemChannelLinkCode(deps, { subscriberId: a.id, code: issued.code }),
      redeemChannelLinkCode(deps, { subscriberId: b.id, code: issued.code }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['linked', 'used']);
  });

  it('refuses an expired, unknown, retired or same-channel code', async () => {
    const deps = depsAt(db, NOW);
    const { telegram, viber } = await pair();
    const otherTelegram = await aSubscriber(db, { channel: 'telegram' });
    const old = await issueChannelLinkCode(deps, telegram.id);
    deps.clock.advance(1000);
    const fresh = await issueChannelLinkCode(deps, telegram.id);
    if (old.kind !== 'issued' || fresh.kind !== 'issued') throw new Error('expected codes');
    expect(await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: old.code })).toEqual({ kind: 'unknown' });
    expect(await inspectChannelLinkCode(deps, { subscriberId: otherTelegram.id, code: fresh.code })).toEqual({ kind: 'same-channel' });
    expect(await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: 'link_AAAAAAAAAAAAAAAAAAAA' })).toEqual({ kind: 'unknown' });
    expect(await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: 'not a code' })).toEqual({ kind: 'unknown' });
    deps.clock.advance(CHANNEL_LINK_CODE_TTL_MS);
    expect(await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: fresh.code })).toEqual({ kind: 'expired' });
    expect(await db.models.Link.count({ where: { subscriberId: viber.id } })).toBe(0);
  });

  it('tells each chat what the other holds, and forgets the pairing when one erases its data', async () => {
    const deps = depsAt(db, NOW);
    const { telegram, viber, first, second } = await pair();
    const issued = await issueChannelLinkCode(deps, telegram.id);
    if (issued.kind !== 'issued') throw new Error('expected a code');
    await redeemChannelLinkCode(deps, { subscriberId: viber.id, code: issued.code });
    expect(await otherChannels(deps, telegram.id)).toEqual([
      { channel: 'viber', subscriberId: viber.id, accounts: [{ accountId: first.id, number: first.number }, { accountId: second.id, number: second.number }] },
    ]);
    expect((await otherChannels(deps, viber.id)).map((o) => o.channel)).toEqual(['telegram']);

    await eraseSubscriber(deps, viber.id);
    expect(await otherChannels(deps, telegram.id)).toEqual([]);
    expect(await db.models.Link.count({ where: { subscriberId: telegram.id } })).toBe(2);
  });
});
