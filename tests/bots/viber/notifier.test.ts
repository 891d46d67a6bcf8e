import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import type { TestDatabase } from '../../support/database.ts';
import type { FakeViber } from '../../support/fake-viber/index.ts';
import { TINY_JPEG } from '../../support/fake-telegram/index.ts';
import { closeViberWorld, startViberWorld, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { startedMessageCounts } from '../../../bots/viber/billable-sender.ts';
import { ViberApiError, ViberTransportError, createViberClient } from '../../../bots/viber/client.ts';
import { menu, menuLayout } from '../../../bots/texts/menu.ts';
import { toy } from './support/toy-cabinet.ts';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  ({ db, viber, instance } = await startViberWorld({ authToken: 'viber-test-token-3', clock, remindersEnabled: false }));
});
afterAll(() => closeViberWorld({ db, viber, instance }));

const recipient = (id: string) => ({ channel: 'viber' as const, channelUserId: id });
const subscriberOf = (id: string) => db.models.Subscriber.findOne({ where: { channel: 'viber', channelUserId: id } });

/** The subscriber writes at the clock's current time, which opens their free 24-hour window. */
async function writes(id: string) {
  await viber.user({ id, name: 'Оля' }).sendText('Привіт');
  await instance.bot.idle();
}

describe('the Viber notifier', () => {
  it('tells the reminders job whether Viber reminders are on', () => {
    expect(instance.bot.notifier.channel).toBe('viber');
    expect(instance.bot.notifier.acceptsReminders).toBe(false);
  });

  it('delivers text with its buttons and returns the message tokens', async () => {
    await writes('notify==');
    const result = await instance.bot.notifier.send(recipient('notify=='), {
      text: 'Час передати показники',
      actions: [
        { label: 'Передати зараз', action: 'readings:start' },
        { label: 'Не нагадувати', action: 'reminders:off' },
      ],
    });
    expect(result.kind).toBe('delivered');
    const last = viber.sent('notify==').at(-1)!;
    expect(result).toEqual({ kind: 'delivered', messageIds: [last.messageToken] });
    expect(last.text).toBe('Час передати показники');
    // The actions first, then the main menu (a Viber keyboard replaces the one at the bottom), none twice.
    const shown = last.keyboard!.Buttons.map((b) => [b.Text, b.ActionBody, b.Silent ?? false]);
    expect(shown.slice(0, 2)).toEqual([
      ['Передати зараз', menu.readings, false],
      ['Не нагадувати', 'reminders:off', true],
    ]);
    expect(shown.slice(2).map(([, body]) => body)).toEqual(menuLayout.flat().map((item) => menu[item]).filter((label) => label !== menu.readings));
  });

  it('a message longer than Viber takes goes in parts, whole characters, the keyboard under the last', async () => {
    await writes('long-answer==');
    const answer = `${'Відповідь 👩‍🔧 '.repeat(700)}кінець`;
    const result = await instance.bot.notifier.send(recipient('long-answer=='), {
      text: answer,
      actions: [{ label: 'Мої листи', action: 'letters:list' }],
    });
    expect(result.kind).toBe('delivered');
    const ids = (result as { messageIds: string[] }).messageIds;
    expect(ids.length).toBeGreaterThan(1);
    const parts = viber.sent('long-answer==').slice(-ids.length);
    for (const part of parts) {
      expect(part.text!.length).toBeLessThanOrEqual(7000);
      expect(part.text!.isWellFormed()).toBe(true);
    }
    expect(parts.map((p) => p.text).join(' ').replace(/\s+/g, ' ')).toBe(answer.replace(/\s+/g, ' ').trim());
    expect(parts.at(-1)!.keyboard).toBeDefined();
    expect(parts.slice(0, -1).every((p) => p.keyboard === undefined)).toBe(true);
  });

  it('hands a press of a reminder’s «Не нагадувати» to the cabinet as the reminders:off action', async () => {
    await writes('reminders-off==');
    await db.models.Subscriber.update({ consentedAt: clock.now() }, { where: { channelUserId: 'reminders-off==' } });
    await instance.bot.notifier.send(recipient('reminders-off=='), { text: 'Нагадування', actions: [{ label: 'Не нагадувати', action: 'reminders:off' }] });
    await viber.user({ id: 'reminders-off==' }).pressButton('reminders:off');
    await instance.bot.idle();
    expect(viber.sent('reminders-off==').at(-1)!.text).toBe(toy.action('reminders:off'));
  });

  it('reports status 6 (not subscribed) as unreachable and marks the subscriber', async () => {
    await writes('gone==');
    viber.markUnsubscribed('gone==');
    const result = await instance.bot.notifier.send(recipient('gone=='), { text: 'Відповідь на ваш лист' });
    expect(result).toEqual({ kind: 'unreachable', reason: 'not-subscribed' });
    expect((await subscriberOf('gone=='))!.blockedAt).not.toBeNull();
  });

  it('retries "too many requests" and HTTP 5xx, then delivers once', async () => {
    await writes('busy==');
    const before = viber.sent('busy==').length;
    viber.failNext({ status: 12 }, { method: 'send_message' });
    viber.failNext({ http: 503 }, { method: 'send_message' });
    const result = await instance.bot.notifier.send(recipient('busy=='), { text: 'Повідомлення' });
    expect(result.kind).toBe('delivered');
    expect(viber.sent('busy==').slice(before).map((m) => m.text)).toEqual(['Повідомлення']);
    expect(viber.calls.filter((c) => c.method === 'send_message' && c.body.receiver === 'busy==').map((c) => c.answered)).toEqual(
      expect.arrayContaining([{ status: 12 }, { http: 503 }, { status: 0 }]),
    );
  });

  it('throws (so the outbox tries later) when the retries run out', async () => {
    await writes('busy-long==');
    viber.failNext({ status: 12 }, { method: 'send_message', times: 3 });
    await expect(instance.bot.notifier.send(recipient('busy-long=='), { text: 'Повідомлення' })).rejects.toMatchObject({ status: 12 });
    viber.failNext({ http: 500 }, { method: 'send_message', times: 3 });
    await expect(instance.bot.notifier.send(recipient('busy-long=='), { text: 'Повідомлення' })).rejects.toBeInstanceOf(ViberTransportError);
  });
});

describe('billable messages', () => {
  it('counts a started message as free inside the 24-hour window and as billable outside it', async () => {
    clock.set('2026-11-26T08:00:00Z');
    await writes('window==');
    const day = '2026-11-26';
    const before = await startedMessageCounts({ db }, day);

    clock.set('2026-11-27T07:59:00Z'); // 23 h 59 min after the subscriber wrote
    await instance.bot.notifier.send(recipient('window=='), { text: 'У вікні' });
    const inside = await startedMessageCounts({ db }, '2026-11-27');
    expect(inside).toEqual({ billable: 0, free: 1 });

    clock.set('2026-11-27T08:00:00Z'); // 24 h: the window has closed
    await instance.bot.notifier.send(recipient('window=='), { text: 'Поза вікном', photos: [{ kind: 'photo', ref: viber.addMedia(TINY_JPEG), channel: 'viber' }] });
    expect(await startedMessageCounts({ db }, '2026-11-27')).toEqual({ billable: 2, free: 1 });
    expect(await startedMessageCounts({ db }, day)).toEqual(before);
  });

  it('counts by the Kyiv day, and answers to the subscriber are not counted', async () => {
    clock.set('2026-11-28T22:30:00Z'); // already 29 November in Kyiv
    await writes('kyiv-day==');
    expect(await startedMessageCounts({ db }, '2026-11-29')).toEqual({ billable: 0, free: 0 });
    await instance.bot.notifier.send(recipient('kyiv-day=='), { text: 'Нагадування' });
    expect(await startedMessageCounts({ db }, '2026-11-29')).toEqual({ billable: 0, free: 1 });
    expect(await startedMessageCounts({ db }, '2026-11-28')).toEqual({ billable: 0, free: 0 });
  });
});

describe('the client', () => {
  it('reads account info and user details, and reports Viber’s own errors with their status', async () => {
    const client = createViberClient({ authToken: viber.authToken, apiUrl: viber.apiUrl, sender: { name: 'Водоканал' } });
    expect(await client.getAccountInfo()).toMatchObject({ id: 'pa:fake', webhook: instance.webhookUrl });
    viber.user({ id: 'details==', name: 'Тарас' });
    expect(await client.getUserDetails('details==')).toMatchObject({ id: 'details==', name: 'Тарас' });
    const wrongToken = createViberClient({ authToken: 'wrong', apiUrl: viber.apiUrl, sender: { name: 'x' }, maxAttempts: 1 });
    const error = await wrongToken.getAccountInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ViberApiError);
    expect(error).toMatchObject({ status: 2, unreachable: false });
  });

  it('keeps every digit of a 64-bit message token', async () => {
    await writes('token==');
    const client = createViberClient({ authToken: viber.authToken, apiUrl: viber.apiUrl, sender: { name: 'Водоканал' } });
    const { messageToken } = await client.sendMessage('token==', { type: 'text', text: 'x' });
    expect(messageToken).toBe(viber.sent('token==').at(-1)!.messageToken);
    expect(BigInt(messageToken) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
