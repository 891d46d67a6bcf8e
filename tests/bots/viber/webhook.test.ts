import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { FixedClock } from '../../../core/clock.ts';
import type { TestDatabase } from '../../support/database.ts';
import type { FakeViber } from '../../support/fake-viber/index.ts';
import { closeViberWorld, startViberWorld, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { WEBHOOK_EVENTS } from '../../../bots/viber/bot.ts';
import { toy } from './support/toy-cabinet.ts';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  ({ db, viber, instance } = await startViberWorld({ authToken: 'viber-test-token-1', clock }));
});
afterAll(() => closeViberWorld({ db, viber, instance }));

async function subscriberCount(channelUserId: string): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM subscribers WHERE channel = 'viber' AND channel_user_id = :channelUserId`,
    { replacements: { channelUserId }, type: QueryTypes.SELECT },
  );
  return row!.n;
}

function messageCallback(userId: string, token: string, text: string) {
  return `{"event":"message","timestamp":1764061200000,"message_token":${token},"sender":{"id":"${userId}","name":"Ігор"},"message":{"type":"text","text":"${text}"}}`;
}

describe('registering the webhook', () => {
  it('calls set_webhook with the events the bot handles, and Viber’s signed check call was answered 200', async () => {
    const setWebhook = viber.calls.filter((c) => c.method === 'set_webhook');
    expect(setWebhook).toHaveLength(1);
    expect(setWebhook[0]!.body).toMatchObject({ url: instance.webhookUrl, event_types: WEBHOOK_EVENTS });
    expect(setWebhook[0]!.answered).toEqual({ status: 0 });
    expect(viber.webhookUrl).toBe(instance.webhookUrl);
  });
});

describe('the signature', () => {
  it('refuses a callback without a signature with 403 at once, and handles nothing', async () => {
    const answer = await viber.postRaw(messageCallback('no-sig-user', '5491000000000000001', 'Привіт'), { signature: null });
    expect(answer.status).toBe(403);
    await instance.bot.idle();
    expect(viber.sent('no-sig-user')).toEqual([]);
    expect(await subscriberCount('no-sig-user')).toBe(0);
  });

  it('refuses a wrongly signed callback with 403, and handles nothing', async () => {
    const body = messageCallback('bad-sig-user', '5491000000000000002', 'Привіт');
    const signedWithAnotherKey = (await import('node:crypto')).createHmac('sha256', 'not-the-token').update(body).digest('hex');
    for (const signature of [signedWithAnotherKey, 'abc', signedWithAnotherKey.slice(0, 63) + 'x', '']) {
      const answer = await viber.postRaw(body, { signature });
      expect(answer.status).toBe(403);
    }
    await instance.bot.idle();
    expect(viber.sent('bad-sig-user')).toEqual([]);
    expect(await subscriberCount('bad-sig-user')).toBe(0);
  });

  it('refuses a body changed after signing', async () => {
    const signed = messageCallback('tamper-user', '5491000000000000003', 'Привіт');
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', viber.authToken).update(signed).digest('hex');
    const answer = await viber.postRaw(signed.replace('Привіт', 'Бувай'), { signature });
    expect(answer.status).toBe(403);
  });

  it('accepts a correctly signed callback with 200 and handles it', async () => {
    const answer = await viber.postRaw(messageCallback('good-sig-user', '5491000000000000004', 'Привіт'), {});
    expect(answer.status).toBe(200);
    const reply = await viber.waitForSent('good-sig-user');
    expect(reply.text).toBe(toy.consentAsk);
    expect(await subscriberCount('good-sig-user')).toBe(1);
  });
});

describe('what the webhook accepts', () => {
  it('answers 200 to an event it does not know, and ignores it', async () => {
    // client_status is known now (payment messages' status, bots/viber/payments.ts): an event Viber may add later stands in.
    const answer = await viber.postRaw({ event: 'some_future_event', timestamp: 1, user_id: 'x' }, {});
    expect(answer.status).toBe(200);
  });

  it('answers 400 to a signed body that is not a Viber callback', async () => {
    expect((await viber.postRaw('{"event":"message","sender":{}}', {})).status).toBe(400);
    expect((await viber.postRaw('not json at all', {})).status).toBe(400);
  });

  it('handles the same message token once, keeping all its digits', async () => {
    const user = viber.user({ id: 'dup-user==', name: 'Петро' });
    const first = await user.sendText('Привіт');
    await viber.waitForSent(user.id, () => true, { since: first.since });
    await instance.bot.idle();
    const again = await user.resend(first.token);
    expect(again.status).toBe(200);
    await instance.bot.idle();
    expect(viber.sent(user.id)).toHaveLength(1);

    const tokens = await db.sequelize.query<{ message_token: string }>(
      `SELECT message_token FROM viber_inbox WHERE message_token = :token`,
      { replacements: { token: first.token }, type: QueryTypes.SELECT },
    );
    expect(tokens.map((t) => t.message_token)).toEqual([first.token]);
    // A token one apart is another message, not the same one rounded.
    const neighbour = (BigInt(first.token) + 1n).toString();
    expect(await db.sequelize.query(`SELECT 1 FROM viber_inbox WHERE message_token = :neighbour`, {
      replacements: { neighbour },
      type: QueryTypes.SELECT,
    })).toHaveLength(0);
  });

  it('answers conversation_started with the welcome message in the HTTP response', async () => {
    const user = viber.user({ id: 'welcome-user==', name: 'Марія' });
    const posted = await user.conversationStarted();
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ type: 'text', sender: { name: 'Водоканал' } });
    const welcome = viber.sent(user.id)[0]!;
    expect(welcome.via).toBe('welcome');
    // Viber's profile name would be the nominative («Вітаємо, Марія!»): the welcome greets without it.
    expect(welcome.text).toMatch(/^Вітаємо! /);
    expect(welcome.text).not.toContain('Марія');
    expect(welcome.keyboard?.Buttons.map((b) => b.ActionBody)).toEqual(['Почати']);
    await instance.bot.idle();
    // Nothing goes through the API to someone who has not subscribed yet.
    expect(viber.calls.filter((c) => c.method === 'send_message' && c.body.receiver === user.id)).toHaveLength(0);
  });
});
