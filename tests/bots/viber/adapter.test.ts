import { Writable } from 'node:stream';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import { createLogger } from '../../../bots/logger.ts';
import { common } from '../../../bots/texts/common.ts';
import { menu, menuLabels } from '../../../bots/texts/menu.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';
import { messagesFor, VIBER_BUTTON_TEXT_MAX, VIBER_KEYBOARD_BUTTONS_MAX, VIBER_TEXT_MAX } from '../../../bots/viber/render.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeViber, type FakeViber, type SentMessage } from '../../support/fake-viber/index.ts';
import { startViberBotInstance, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { aSubscriber } from '../../support/builders.ts';
import { createToyTable, toy } from './support/toy-cabinet.ts';

// The Viber adapter of the shared cabinet, against toy flows: how callbacks become router events, how what a flow
// says becomes Viber messages and keyboards within Viber's limits, and what a failure does.

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
const logLines: string[] = [];
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  await createToyTable(db);
  viber = await startFakeViber({ authToken: 'viber-test-token-adapter' });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  instance = await startViberBotInstance({ db, clock, viber, logger: createLogger('info', stream) });
});
afterAll(async () => {
  await instance?.close();
  await viber?.close();
  await db?.destroy();
});

const buttons = (m: SentMessage) => (m.keyboard?.Buttons ?? []).map((b) => b.ActionBody);
const last = (id: string) => viber.sent(id).at(-1)!;

/** A subscriber who has consented already, talking to the bot. */
async function consented(id: string) {
  await aSubscriber(db, { channel: 'viber', channelUserId: id, name: 'Оксана' });
  return viber.user({ id, name: 'Оксана' });
}

async function settle() {
  await instance.bot.idle();
}

async function inboxRow(token: string) {
  const [row] = await db.sequelize.query<{ outcome: string | null; done: boolean; attempts: number }>(
    `SELECT outcome, done_at IS NOT NULL AS done, attempts FROM viber_inbox WHERE message_token = :token`,
    { replacements: { token }, type: QueryTypes.SELECT },
  );
  return row;
}

describe('a subscriber new to the bot', () => {
  it('is given onboarding first; the consent button, pressed, is the choice (its label is its action body)', async () => {
    const user = viber.user({ id: 'new==', name: 'Марія' });
    await user.sendText('Добрий день');
    await settle();
    expect(last(user.id).text).toBe(toy.consentAsk);
    expect(buttons(last(user.id))).toEqual([toy.consentYes, common.cancelButton]);
    await user.pressButton(toy.consentYes);
    await settle();
    expect(last(user.id).text).toBe(`${toy.consented} -`);
    expect(buttons(last(user.id))).toEqual(menuLabels);
  });
});

describe('choices and text', () => {
  it('shows a flow’s choices as large buttons in its rows, with «Скасувати», and takes a press or the label typed', async () => {
    const user = await consented('choice==');
    await user.sendText(menu.readings);
    await settle();
    const asked = last(user.id);
    expect(asked.text).toBe(toy.pick);
    expect(asked.keyboard!.Buttons.map((b) => [b.ActionBody, b.Columns, b.TextSize, b.Silent ?? false])).toEqual([
      ['Варіант А', 3, 'large', false],
      ['Варіант Б', 3, 'large', false],
      ['Варіант В', 6, 'large', false],
      [common.cancelButton, 6, 'large', false],
    ]);
    await user.pressButton('Варіант Б');
    await settle();
    expect(last(user.id).text).toBe(toy.picked('b'));

    await user.sendText(menu.readings);
    await settle();
    await user.sendText('  варіант   в ');
    await settle();
    expect(last(user.id).text).toBe(toy.picked('c'));
  });

  it('hands typed text to a flow that waits for it', async () => {
    const user = await consented('text==');
    await user.sendText(menu.accounts);
    await settle();
    expect(last(user.id).text).toBe(toy.askValue);
    expect(buttons(last(user.id))).toEqual([common.cancelButton]);
    await user.sendText('12345');
    await settle();
    expect(last(user.id).text).toBe(toy.echoed('12345'));
  });

  it('leaves a flow on «Скасувати» and on the words people type for it', async () => {
    const user = await consented('cancel==');
    await user.sendText(menu.accounts);
    await settle();
    await user.pressButton(common.cancelButton);
    await settle();
    expect(last(user.id).text).toBe(common.cancelled);
    expect(buttons(last(user.id))).toEqual(menuLabels);
    await user.sendText(menu.accounts);
    await settle();
    await user.sendText('Відміна');
    await settle();
    expect(last(user.id).text).toBe(common.cancelled);
  });
});

describe('starting', () => {
  it('takes «Почати» and the start words as /start', async () => {
    const user = await consented('start==');
    await user.sendText('почати');
    await settle();
    expect(last(user.id).text).toBe(toy.started(null));
  });

  it('carries a deep link’s code from conversation_started to the start flow, for a subscriber', async () => {
    const user = await consented('link-sub==');
    await viber.postRaw(
      { event: 'conversation_started', timestamp: Date.now(), message_token: '5491999000000000001', type: 'open', context: 'LINK42', user: { id: user.id, name: 'Оксана' }, subscribed: true },
      {},
    );
    await settle();
    expect(last(user.id).text).toBe(toy.started('LINK42'));
  });

  it('puts the code on the welcome’s «Почати» (silent) for someone not subscribed yet; pressing it starts with it', async () => {
    const user = await consented('link-new==');
    const posted = await viber.postRaw(
      { event: 'conversation_started', timestamp: Date.now(), message_token: '5491999000000000002', type: 'open', context: 'CODE7', user: { id: user.id, name: 'Оксана' }, subscribed: false },
      {},
    );
    const welcome = JSON.parse(posted.body) as { keyboard: { Buttons: Array<{ ActionBody: string; Text: string; Silent?: boolean }> } };
    expect(welcome.keyboard.Buttons).toMatchObject([{ ActionBody: 'start:CODE7', Text: viberTexts.startButton, Silent: true }]);
    await user.sendText('start:CODE7');
    await settle();
    expect(last(user.id).text).toBe(toy.started('CODE7'));
  });

  it('greets a subscribed callback as a start', async () => {
    const user = await consented('subscribed==');
    await user.subscribe();
    await settle();
    expect(last(user.id).text).toBe(toy.started(null));
  });
});

describe('what else a subscriber sends', () => {
  it('takes any contact card as unverified, a picture as a photo with its caption, a sticker as other', async () => {
    const user = await consented('media==');
    await user.sendText(menu.settings);
    await settle();
    // A card from the address book, not the share-phone button: the same message to the bot.
    await viber.postRaw(
      {
        event: 'message',
        timestamp: Date.now(),
        message_token: '5491999000000000010',
        sender: { id: user.id, name: 'Оксана' },
        message: { type: 'contact', contact: { name: 'Сусід', phone_number: '+380671234567' } },
      },
      {},
    );
    await settle();
    expect(last(user.id).text).toBe(toy.contact('+380671234567', false));
    const url = viber.addMedia(Buffer.from([0xff, 0xd8, 0xff]));
    await user.sendPicture(url, ' лічильник ');
    await settle();
    expect(last(user.id).text).toBe(toy.photo(url, 'лічильник'));
    await user.sendSticker();
    await settle();
    expect(last(user.id).text).toBe(toy.echo(1, 'other'));
  });

  it('hands the notifier’s technical action bodies to the cabinet as actions', async () => {
    const user = await consented('actions==');
    await user.sendText('menu');
    await settle();
    expect(last(user.id).text).toBe(toy.action('menu'));
  });
});

describe('Viber’s limits', () => {
  it('pages a keyboard longer than Viber takes, with «Ще…», and the flow still takes any of its choices', async () => {
    const user = await consented('many==');
    await user.sendText(menu.letters);
    await settle();
    const first = last(user.id);
    expect(first.keyboard!.Buttons.length).toBeLessThanOrEqual(VIBER_KEYBOARD_BUTTONS_MAX);
    const more = first.keyboard!.Buttons.at(-2)!;
    expect(more).toMatchObject({ Text: viberTexts.moreButton, Silent: true });
    expect(buttons(first)).toContain('Рахунок 1');
    expect(buttons(first)).not.toContain('Рахунок 30');
    await user.pressButton(more.ActionBody);
    await settle();
    const second = last(user.id);
    expect(second.text).toBe(viberTexts.morePage);
    expect(buttons(second)).toContain('Рахунок 30');
    await user.pressButton('Рахунок 30');
    await settle();
    expect(last(user.id).text).toBe(toy.picked('n30'));
  });

  it('splits a text longer than 7,000 characters, at a grapheme, the keyboard on the last part', async () => {
    const user = await consented('long==');
    await user.sendText(menu.help);
    await settle();
    const parts = viber.sent(user.id).slice(-2);
    expect(parts.every((p) => p.text!.length <= VIBER_TEXT_MAX && p.text!.isWellFormed())).toBe(true);
    expect(parts[0]!.keyboard).toBeUndefined();
    expect(buttons(parts[1]!)).toEqual(menuLabels);
    expect(parts.map((p) => p.text).join('')).toContain('кінець 👍🏽');
  });

  it('shortens a long label on the button and keeps it whole in the action body; the share-phone keyboard asks for API 3', () => {
    const label = `${'Дуже довга назва '.repeat(30)}<b>`;
    const [message] = messagesFor('Оберіть', { choices: [[{ id: 'x', label }]], keyboard: 'contact' }, 1);
    const kb = message!.keyboard!.Buttons;
    expect(kb.map((b) => b.ActionType)).toEqual(['share-phone', 'reply', 'reply']);
    expect(kb[1]!.Text!.length).toBeLessThanOrEqual(VIBER_BUTTON_TEXT_MAX);
    expect(kb[1]!.ActionBody).toBe(label);
    expect(message!.min_api_version).toBe(3);
  });
});

describe('a failure', () => {
  it('is answered with the error line, logged without what was typed, and the callback marked done', async () => {
    const user = await consented('throws==');
    await user.sendText(menu.letter);
    await settle();
    const posted = await user.sendText('typed-secret-0671234567');
    await settle();
    expect(last(user.id).text).toBe(common.error);
    expect(await inboxRow(posted.token)).toMatchObject({ done: true, outcome: 'answered-error' });
    const log = logLines.join('');
    expect(log).toContain('viber callback handling failed');
    expect(log).not.toContain('typed-secret');
    expect(log).not.toContain('0671234567');
    expect(log).not.toContain(viber.authToken);
  });

  it('when Viber is down, is kept and handled once it is back: nothing lost', async () => {
    const user = await consented('outage==');
    await user.sendText(menu.accounts);
    await settle();
    // Every send fails for a while: the answer and the error line both, so the callback waits for a retry.
    viber.failNext({ http: 503 }, { method: 'send_message', times: 6 });
    const posted = await user.sendText('after-outage');
    await settle();
    expect(await inboxRow(posted.token)).toMatchObject({ done: false, attempts: 1 });
    await viber.waitForSent(user.id, (m) => m.text === toy.echoed('after-outage'), { timeoutMs: 10_000 });
    await settle();
    expect(await inboxRow(posted.token)).toMatchObject({ done: true, outcome: 'handled' });
    expect(viber.sent(user.id).filter((m) => m.text === toy.echoed('after-outage'))).toHaveLength(1);
  });
});

describe('the inbox', () => {
  it('keeps a callback Viber delivers twice at once only once, and answers it once', async () => {
    const user = await consented('twice==');
    const raw = `{"event":"message","timestamp":1764061200000,"message_token":5491999000000000100,"sender":{"id":"${user.id}","name":"Оксана"},"message":{"type":"text","text":"почати"}}`;
    const answers = await Promise.all([viber.postRaw(raw, {}), viber.postRaw(raw, {})]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await settle();
    expect(viber.sent(user.id).map((m) => m.text)).toEqual([toy.started(null)]);
  });

  it('marks a subscriber who unsubscribed, so nothing more is started for them', async () => {
    const user = await consented('gone==');
    await user.unsubscribe();
    await settle();
    const row = await db.models.Subscriber.findOne({ where: { channel: 'viber', channelUserId: user.id } });
    expect(row!.blockedAt).not.toBeNull();
  });

  it('forgets a flow left alone past its time-out: the next message is answered as if there were none', async () => {
    const user = await consented('abandoned==');
    await user.sendText(menu.accounts);
    await settle();
    expect(last(user.id).text).toBe(toy.askValue);
    clock.advance(2 * 3_600_000);
    await user.sendText('12345');
    await settle();
    expect(last(user.id).text).toBe(common.unknownText);
  });

  it('answers «Ще…» of a message whose flow is over as a stale button', async () => {
    const user = await consented('stale-more==');
    await user.sendText(menu.letters);
    await settle();
    const more = last(user.id).keyboard!.Buttons.at(-2)!.ActionBody;
    await user.pressButton(common.cancelButton);
    await settle();
    await user.sendText(more);
    await settle();
    expect(last(user.id).text).toBe(common.staleButton);
  });
});

describe('a callback that cannot be kept', () => {
  it('is answered 500, so Viber delivers it again; the redelivery is handled', async () => {
    const user = await consented('unkept==');
    await db.sequelize.query('ALTER TABLE viber_inbox RENAME TO viber_inbox_away');
    let posted;
    try {
      posted = await user.sendText('почати');
    } finally {
      await db.sequelize.query('ALTER TABLE viber_inbox_away RENAME TO viber_inbox');
    }
    expect(posted.status).toBe(500);
    await settle();
    expect(viber.sent(user.id)).toEqual([]);
    expect((await user.resend(posted.token)).status).toBe(200);
    await settle();
    expect(viber.sent(user.id).map((m) => m.text)).toEqual([toy.started(null)]);
  });
});
