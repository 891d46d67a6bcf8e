import type { Channel } from '../../models/models.ts';
import type { Cabinet, FlowDeps } from '../../bots/flows/router.ts';
import type { OutgoingMessage } from '../../bots/notifier.ts';
import { cabinetOf } from '../../bots/flows/index.ts';
import { photoSources } from '../../bots/media/photo-sources.ts';
import { createLogger } from '../../bots/logger.ts';
import { common } from '../../bots/texts/common.ts';
import { keyboardLead } from '../../bots/telegram/chat-output.ts';
import { menu, menuLabels } from '../../bots/texts/menu.ts';
import { onboarding } from '../../bots/texts/onboarding.ts';
import { viberTexts } from '../../bots/viber/texts-viber.ts';
import { FixedClock } from '../../core/clock.ts';
import type { CoreDeps } from '../../core/deps.ts';
import { defaultCoreSettings, type CoreSettings } from '../../core/settings.ts';
import { TINY_JPEG, type FakeTelegram } from './fake-telegram/index.ts';
import { startFakeViber, type FakeViber, type SentMessage as ViberSent } from './fake-viber/index.ts';
import { startViberBotInstance, type RunningViberBot } from './fake-viber/bot-instance.ts';
import type { TestDatabase } from './database.ts';
import { startTelegramHarness, type TelegramHarness } from './telegram-harness.ts';

// One scripted subscriber over both real adapters, each running the real cabinet (cabinetOf) against its fake
// platform over HTTP and a test database, so one conversation is written once and played on both channels.
// Every step waits until the bot is idle (Telegram: the webhook delivery answered; Viber: the instance's inbox
// drained), then `said()` gives what the bot sent since the step began, as the subscriber sees it.

/** The bottom keyboard a message set: the main menu, only «Скасувати», or the share-my-phone one. */
export type BottomKeyboard = 'menu' | 'flow' | 'contact';

export interface Reply {
  text: string;
  /** The choices offered with this message, by label (Telegram: inline buttons or the contact keyboard's rows; Viber: the keyboard's flow buttons). */
  choices: string[];
  /** The bottom keyboard this message set; undefined when it left it as it was (a Telegram message with inline buttons). */
  keyboard: BottomKeyboard | undefined;
  /** The web page a button of this message opens (a payment's checkout), if it has one. */
  link?: string;
  /**
   * A picture or file the message carried, with the bytes the platform got (Telegram: the upload; Viber: what it
   * fetched from the bot's signed address). `photo`: shown inline (Telegram photo, Viber picture).
   */
  media?: { kind: 'photo' | 'document'; bytes: Buffer; filename?: string };
}

export interface ScriptedSubscriber {
  readonly channel: Channel;
  /** The subscriber's id on the channel (subscribers.channel_user_id). */
  readonly channelUserId: string;
  type(text: string): Promise<Reply[]>;
  /** Presses a button by its label: an inline button (Telegram) or a keyboard button (Viber) of what the bot sent last with it. */
  press(label: string): Promise<Reply[]>;
  /** Presses the button of a marked (older) message (Telegram: by its callback data, even when it is gone; Viber: its label typed, as an old keyboard sends it). */
  pressMarked(label: string, from: StaleMark): Promise<Reply[]>;
  /** Marks the latest message offering the choice `label`, to press that message's button later. */
  markButton(label: string): StaleMark;
  /** Own: the share-my-phone button; other: someone else's card (on Viber the two cannot be told apart). */
  shareContact(phone: string, whose: 'own' | 'other'): Promise<Reply[]>;
  /** A photo (a tiny JPEG unless `bytes` are given), with its caption when given. */
  sendPhoto(caption?: string, bytes?: Buffer): Promise<Reply[]>;
  sendSticker(): Promise<Reply[]>;
  start(payload?: string): Promise<Reply[]>;
  /** What the bot sent since the last step began. */
  said(): Reply[];
  /** Every text the bot sent in this chat, oldest first. */
  allTexts(): string[];
}

export interface StaleMark {
  /** Telegram: message id and callback data. Viber: the label. */
  ref: string;
}

export interface ChannelWorld {
  readonly channel: Channel;
  readonly clock: FixedClock;
  readonly core: CoreDeps;
  /** A person writing to the bot; `userId` must be unique in the test file. */
  person(userId: number, name?: string): ScriptedSubscriber;
  /** The channel_user_id a person of this user id gets. */
  channelUserId(userId: number): string;
  /** A message the app starts on its own (a reminder, a notice), with its action buttons, through the bot's notifier. */
  notify(person: ScriptedSubscriber, message: OutgoingMessage): Promise<Reply[]>;
  /** Stops the running bot instance (as a process does on shutdown) and starts a new one on the same database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ChannelOptions {
  db: TestDatabase;
  at?: string;
  settings?: Partial<CoreSettings>;
  /** How the cabinet is reached on each channel (settings' «Підключити …»); not given: not offered. */
  links?: FlowDeps['channels'];
  /** Online payment as the cabinet is given it; not given: «Оплатити» is not offered. */
  payments?: FlowDeps['payments'];
  /** The cabinet to run; the real one (cabinetOf) when not given. */
  cabinet?: (deps: FlowDeps) => Cabinet;
}

export interface ChannelKind {
  name: Channel;
  start(options: ChannelOptions): Promise<ChannelWorld>;
}

// Every item the main menu can hold (with «Оплатити» when payment is offered, menuLabels without it).
const MENU = new Set<string>(Object.values(menu));

const STEP_TIMEOUT_MS = 10_000;

/** What a scenario adds to the cabinet's deps: the links between channels, online payment. */
function extras(options: ChannelOptions): Partial<FlowDeps> {
  return { ...(options.links ? { channels: options.links } : {}), ...(options.payments ? { payments: options.payments } : {}) };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`channels: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// ---------------------------------------------------------------- Telegram

type TgMarkup = {
  inline_keyboard?: { text: string; callback_data?: string; url?: string }[][];
  keyboard?: ({ text: string; request_contact?: boolean } | string)[][];
  remove_keyboard?: true;
};

type TgSent = { text?: string; caption?: string; reply_markup?: unknown; photo?: { file_id: string }[]; document?: { file_id: string; file_name?: string } };

/** The reply with the bytes Telegram holds of its photo or document. */
function telegramReplyIn(tg: FakeTelegram, message: TgSent): Reply {
  const reply = telegramReply(message);
  const photo = message.photo?.at(-1);
  const fileId = photo?.file_id ?? message.document?.file_id;
  const bytes = fileId ? tg.fileBytes(fileId) : undefined;
  if (!bytes) return reply;
  return { ...reply, media: { kind: photo ? 'photo' : 'document', bytes, ...(message.document?.file_name ? { filename: message.document.file_name } : {}) } };
}

function telegramReply(message: TgSent): Reply {
  const markup = message.reply_markup as TgMarkup | undefined;
  const text = message.text ?? message.caption ?? '';
  if (markup?.inline_keyboard) {
    const buttons = markup.inline_keyboard.flat();
    const link = buttons.find((b) => b.url)?.url;
    return { text, choices: buttons.filter((b) => !b.url).map((b) => b.text), keyboard: undefined, ...(link ? { link } : {}) };
  }
  if (markup?.keyboard) {
    const buttons = markup.keyboard.flat().map((b) => (typeof b === 'string' ? { text: b } : b));
    if (buttons.some((b) => b.request_contact)) {
      return { text, choices: buttons.filter((b) => !b.request_contact && b.text !== common.cancelButton).map((b) => b.text), keyboard: 'contact' };
    }
    if (buttons.some((b) => MENU.has(b.text))) return { text, choices: [], keyboard: 'menu' };
    return { text, choices: buttons.filter((b) => b.text !== common.cancelButton).map((b) => b.text), keyboard: 'flow' };
  }
  return { text, choices: [], keyboard: undefined };
}

export const telegramChannel: ChannelKind = {
  name: 'telegram',
  async start(options) {
    const clock = new FixedClock(new Date(options.at ?? '2026-11-25T09:00:00Z'));
    const settings: CoreSettings = { ...defaultCoreSettings, ...options.settings };
    const h: TelegramHarness = await startTelegramHarness({ db: options.db, mode: 'webhook', clock, settings, cabinet: ({ telegram, ...deps }) => (options.cabinet ?? cabinetOf)({ ...deps, photos: photoSources({ telegram }), ...extras(options) }) });
    const tg: FakeTelegram = h.tg;

    const idle = () => until(() => tg.pendingUpdates().length === 0, 'the Telegram webhook deliveries');
    const chatOf = new Map<string, number>();

    return {
      channel: 'telegram',
      clock,
      core: h.core,
      channelUserId: (userId) => String(userId),
      person(userId, name = 'Оксана') {
        const user = tg.user({ id: userId, first_name: name });
        chatOf.set(String(userId), user.chatId);
        let mark = 0;
        const sent = () => tg.sent(user.chatId);
        const step = async (act: () => void): Promise<Reply[]> => {
          mark = sent().length;
          act();
          await idle();
          return said();
        };
        const said = () => asSaid(sent().slice(mark).map((m) => telegramReplyIn(tg, m)));
        const withInline = (label: string) => {
          const all = sent();
          for (let i = all.length - 1; i >= 0; i--) {
            const button = ((all[i]!.reply_markup as TgMarkup | undefined)?.inline_keyboard ?? []).flat().find((b) => b.text === label);
            if (button?.callback_data) return { message: all[i]!, data: button.callback_data };
          }
          return null;
        };
        return {
          channel: 'telegram',
          channelUserId: String(userId),
          type: (text) => step(() => user.sendText(text)),
          async press(label) {
            const inline = withInline(label);
            // A reply-keyboard button (the contact keyboard's choices, «Скасувати», the menu) sends its label as text.
            if (!inline) return step(() => user.sendText(label));
            return step(() => user.pressButton(inline.message, inline.data));
          },
          markButton(label) {
            const inline = withInline(label);
            if (!inline) throw new Error(`channels: no inline button "${label}" to mark`);
            return { ref: `${inline.message.message_id}|${inline.data}` };
          },
          pressMarked(_label, from) {
            const [id, data] = [Number(from.ref.split('|')[0]), from.ref.slice(from.ref.indexOf('|') + 1)];
            return step(() => user.pressButton(id, data, { force: true }));
          },
          shareContact: (phone, whose) => step(() => user.shareContact({ phone_number: phone, ...(whose === 'other' ? { user_id: userId + 1_000_000 } : {}) })),
          sendPhoto: (caption, bytes) => step(() => user.sendPhoto({ ...(caption === undefined ? {} : { caption }), ...(bytes ? { bytes } : {}) })),
          sendSticker: () => step(() => user.sendSticker()),
          start: (payload) => step(() => user.command(payload ? `/start ${payload}` : '/start')),
          said,
          allTexts: () => sent().map((m) => telegramReply(m).text),
        };
      },
      async notify(person, message) {
        const chatId = chatOf.get(person.channelUserId)!;
        const before = tg.sent(chatId).length;
        const result = await h.app.notifier.send({ channel: 'telegram', channelUserId: person.channelUserId }, message);
        if (result.kind !== 'delivered') throw new Error(`channels: the notice was not delivered (${result.kind})`);
        return tg.sent(chatId).slice(before).map(telegramReply);
      },
      async restart() {
        await h.restart();
      },
      async stop() {
        await h.stop();
      },
    };
  },
};

// ---------------------------------------------------------------- Viber

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The reply with the bytes Viber fetched of its picture or file. */
function viberReplyIn(viber: FakeViber, message: ViberSent): Reply {
  const reply = viberReply(message);
  const copy = message.copy ? viber.media(message.copy) : undefined;
  if (!copy) return reply;
  return { ...reply, media: { kind: message.type === 'picture' ? 'photo' : 'document', bytes: copy.bytes, ...(message.file_name ? { filename: message.file_name } : {}) } };
}

function viberReply(message: ViberSent): Reply {
  const text = message.text ?? '';
  const buttons = message.keyboard?.Buttons;
  if (!buttons) return { text, choices: [], keyboard: undefined };
  const shown = buttons.filter((b) => !b.Silent);
  const link = buttons.find((b) => b.ActionType === 'open-url')?.ActionBody;
  const contact = shown.some((b) => b.ActionType === 'share-phone');
  const flowButtons = shown.filter((b) => b.ActionType === 'reply');
  // The main menu comes last on a 'menu' keyboard; whatever comes before it are the flow's choices.
  let menuCount = 0;
  while (menuCount < flowButtons.length && MENU.has(unescape(flowButtons[flowButtons.length - 1 - menuCount]!.ActionBody))) menuCount++;
  const isMenu = menuCount >= menuLabels.length;
  const choices = flowButtons
    .slice(0, isMenu ? flowButtons.length - menuCount : flowButtons.length)
    .map((b) => b.ActionBody)
    .filter((body) => body !== common.cancelButton);
  return { text, choices, keyboard: contact ? 'contact' : isMenu ? 'menu' : 'flow', ...(link ? { link } : {}) };
}

export const viberChannel: ChannelKind = {
  name: 'viber',
  async start(options) {
    const clock = new FixedClock(new Date(options.at ?? '2026-11-25T09:00:00Z'));
    const settings: CoreSettings = { ...defaultCoreSettings, ...options.settings };
    const core: CoreDeps = { db: options.db, clock, settings };
    const viber: FakeViber = await startFakeViber({ authToken: 'scenario-viber-token' });
    const logger = createLogger('silent');
    const launch = () => startViberBotInstance({ db: options.db, clock, viber, logger, remindersEnabled: false, cabinet: (options.cabinet ?? cabinetOf)({ core, logger, photos: photoSources({ viber: true }), ...extras(options) }) });
    let instance: RunningViberBot = await launch();

    return {
      channel: 'viber',
      clock,
      core,
      channelUserId: (userId) => `vb-${userId}`,
      person(userId, name = 'Оксана') {
        const id = `vb-${userId}`;
        const user = viber.user({ id, name });
        let mark = 0;
        const sent = () => viber.sent(id);
        const said = () => sent().slice(mark).map((m) => viberReplyIn(viber, m));
        const step = async (act: () => Promise<unknown>): Promise<Reply[]> => {
          mark = sent().length;
          await act();
          await instance.bot.idle();
          return said();
        };
        const lastButton = (label: string) => viber.lastKeyboard(id).find((b) => b.ActionType === 'reply' && (b.ActionBody === label || unescape(b.Text ?? '') === label));
        return {
          channel: 'viber',
          channelUserId: id,
          type: (text) => step(() => user.sendText(text)),
          press(label) {
            const button = lastButton(label);
            if (!button) throw new Error(`channels: no button "${label}" on the last Viber keyboard (${viber.lastKeyboard(id).map((b) => b.ActionBody).join(', ')})`);
            return step(() => user.pressButton(button.ActionBody));
          },
          markButton(label) {
            const button = lastButton(label);
            if (!button) throw new Error(`channels: no button "${label}" to mark`);
            return { ref: button.ActionBody };
          },
          // Viber has no callback data: an old keyboard's button arrives as its label typed.
          pressMarked: (_label, from) => step(() => user.sendText(from.ref)),
          // A Viber contact message is the same whoever's card it is.
          shareContact: (phone) => step(() => user.sharePhone(phone)),
          sendPhoto: (caption, bytes) => step(() => user.sendPicture(viber.addMedia(bytes ?? TINY_JPEG, 'image/jpeg'), caption ?? '')),
          sendSticker: () => step(() => user.sendSticker()),
          start: (payload) => step(() => user.sendText(payload ? `start:${payload}` : viberTexts.startWords[0]!)),
          said,
          allTexts: () => sent().map((m) => m.text ?? ''),
        };
      },
      async notify(person, message) {
        const before = viber.sent(person.channelUserId).length;
        const result = await instance.bot.notifier.send({ channel: 'viber', channelUserId: person.channelUserId }, message);
        if (result.kind !== 'delivered') throw new Error(`channels: the notice was not delivered (${result.kind})`);
        return viber.sent(person.channelUserId).slice(before).map(viberReply);
      },
      async restart() {
        await instance.close();
        instance = await launch();
      },
      async stop() {
        await instance.close();
        await viber.close();
      },
    };
  },
};

export const channels: readonly ChannelKind[] = [telegramChannel, viberChannel];

/**
 * One `say` as the flow said it. A Telegram message with inline buttons cannot also change the reply keyboard, so
 * when the bottom keyboard changes under a question the adapter (bots/telegram/chat-output.ts messagesOf) sends
 * a line saying what the new keyboard is for (keyboardLead) with it, then the question with its buttons: that
 * pair is read back here as the one message it stands for, keeping the keyboard it set.
 */
function asSaid(replies: Reply[]): Reply[] {
  const out: Reply[] = [];
  for (let i = 0; i < replies.length; i++) {
    const lead = replies[i]!;
    const question = replies[i + 1];
    const isLead = lead.keyboard !== undefined && lead.choices.length === 0 && lead.text === keyboardLead(lead.keyboard);
    if (question && isLead && question.keyboard === undefined && (question.choices.length > 0 || question.link !== undefined)) {
      out.push({ ...question, keyboard: lead.keyboard });
      i += 1;
      continue;
    }
    out.push(lead);
  }
  return out;
}

// ---------------------------------------------------------------- reading what was said

/** The texts of the replies. */
export const textsOf = (replies: readonly Reply[]): string[] => replies.map((r) => r.text);

/** The choices of the last reply that offered any. */
export const choicesOf = (replies: readonly Reply[]): string[] => replies.findLast((r) => r.choices.length > 0)?.choices ?? [];

/** The bottom keyboard after these replies (the last one that set it). */
export const keyboardOf = (replies: readonly Reply[]): BottomKeyboard | undefined => replies.findLast((r) => r.keyboard !== undefined)?.keyboard;

/** The share-phone button's label, for a scenario that presses it by name. */
export const sharePhoneLabel = onboarding.sharePhoneButton;
