import express, { type Request, type Response, type Router } from 'express';
import type { DemoAccount } from '../../core/billing/demo-data.ts';
import type { Logger } from '../../bots/logger.ts';
import { noteInUkrainian, type SubscriberSeed } from './people.ts';
import type { FakeGroup, FakeMember, FakeTelegram, FakeUser } from '../fake-telegram/index.ts';
import { BadInput, contentType, imageFromDataUrl, int, optionalInt, phone as phoneOf, text } from './input.ts';
import { jsonRoute, unlessShown } from './json-route.ts';
import { chatView, hryvnias, personName } from './views.ts';
import { createViberRoutes, type ViberWorld } from './viber-routes.ts';
import { createSmsRoutes, type SmsWorld } from './sms-routes.ts';

// The page's JSON API. Every "send" plays a person in the stand-in: it queues the same update Telegram would,
// and the bot takes it by long polling like in production. Viber subscribers have their own routes (/viber/*).

export interface PlaygroundWorld {
  tg: FakeTelegram;
  staffGroup: FakeGroup;
  subscribers: Map<number, { user: FakeUser; phone: string }>;
  staff: Map<number, { member: FakeMember; role: string }>;
  demoAccounts: readonly DemoAccount[];
  addSubscriber(seed: Omit<SubscriberSeed, 'id'>): { user: FakeUser; phone: string };
  /** The Viber side: its stand-in and the people who write to the Viber bot. */
  viber: ViberWorld;
  /** The SMS side: the stand-in of an SMSC and the demo phones that write to the utility's number. */
  sms: SmsWorld;
}

export const BANNER = 'Локальне тестове середовище — повідомлення не йдуть у справжній Telegram чи Viber';

export function createPlaygroundApi(world: PlaygroundWorld, logger: Logger): Router {
  const { tg, staffGroup } = world;
  const api = express.Router();
  api.use(express.json({ limit: '15mb' }));
  api.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });

  /** The person writing into the chat: the subscriber in their own chat, or a staff member in the staff group. */
  function speaker(chatId: number, as: unknown): FakeUser | FakeMember {
    const id = int(as, 'as');
    if (chatId === staffGroup.id) {
      const member = world.staff.get(id);
      if (!member) throw new BadInput(`у групі працівників немає учасника ${id}`);
      return member.member;
    }
    const subscriber = world.subscribers.get(chatId);
    if (!subscriber) throw new BadInput(`немає абонента з чатом ${chatId}`);
    if (id !== chatId) throw new BadInput('у приватному чаті пише лише сам абонент');
    return subscriber.user;
  }

  function post(options: { threadId?: number | undefined; replyTo?: number | undefined }) {
    return {
      ...(options.threadId !== undefined ? { threadId: options.threadId } : {}),
      ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
    };
  }

  const handle = jsonRoute({ refusalPrefix: /^fake-telegram:\s*/ });

  api.get(
    '/state',
    handle(() => ({
      banner: BANNER,
      bot: { name: tg.state.bot.first_name, username: tg.state.bot.username },
      subscribers: [...world.subscribers.values()].map(({ user, phone }) => ({ id: user.id, name: personName(user.user), phone })),
      viber: {
        label: 'Viber (локальна імітація)',
        subscribers: [...world.viber.people.values()].map(({ user, name, phone }) => ({ id: user.id, name, phone })),
      },
      sms: {
        on: world.sms.smsc !== undefined,
        serviceNumber: world.sms.serviceNumber,
        phones: world.sms.phones,
      },
      staff: {
        chatId: staffGroup.id,
        title: 'title' in staffGroup.chat ? staffGroup.chat.title : '',
        members: [...world.staff.values()].map(({ member, role }) => ({ id: member.id, name: personName(member.user), role })),
      },
      demoAccounts: world.demoAccounts.map((a) => ({
        number: a.number,
        holder: `${a.surname} ${a.givenNames}`,
        address: a.address,
        phone: a.phone,
        surnameStart: a.surnameStart,
        lastPayments: a.lastPayments.map((p) => ({ paidOn: p.paidOn, amount: hryvnias(p.amountKop) })),
        note: noteInUkrainian(a.note),
      })),
    })),
  );

  api.post(
    '/subscribers',
    handle((req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const firstName = text(body.firstName, "ім'я", 64).trim();
      const lastName = typeof body.lastName === 'string' && body.lastName.trim() !== '' ? body.lastName.trim().slice(0, 64) : undefined;
      const phone = typeof body.phone === 'string' && body.phone.trim() !== '' ? body.phone.replace(/[\s()-]/g, '') : '';
      const { user, phone: offered } = world.addSubscriber({ firstName, ...(lastName ? { lastName } : {}), phone });
      return { id: user.id, name: personName(user.user), phone: offered };
    }),
  );

  api.get(
    '/chats/:chatId',
    handle((req, res) => {
      const chatId = int(req.params.chatId, 'chatId');
      const record = tg.state.chats.get(chatId);
      if (!record || (chatId !== staffGroup.id && !world.subscribers.has(chatId))) throw new BadInput(`немає чату ${chatId}`);
      return unlessShown(req, res, chatView(record, tg.state.callbacks.values(), tg.payments.invoices));
    }),
  );

  api.post(
    '/chats/:chatId/text',
    handle((req) => {
      const chatId = int(req.params.chatId, 'chatId');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const who = speaker(chatId, body.as);
      const update = who.sendText(text(body.text, 'текст'), post({ threadId: optionalInt(body.threadId, 'threadId'), replyTo: optionalInt(body.replyTo, 'replyTo') }));
      return { updateId: update.update_id, messageId: update.message?.message_id };
    }),
  );

  api.post(
    '/chats/:chatId/press',
    handle((req) => {
      const chatId = int(req.params.chatId, 'chatId');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const who = speaker(chatId, body.as);
      const update = who.pressButton(int(body.messageId, 'messageId'), text(body.data, 'кнопка', 64));
      return { updateId: update.update_id };
    }),
  );

  api.post(
    '/chats/:chatId/contact',
    handle((req) => {
      const chatId = int(req.params.chatId, 'chatId');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const who = speaker(chatId, body.as);
      const phone = phoneOf(body.phone);
      // The request_contact button always shares the person's own card: user_id is theirs.
      const update = who.shareContact({ phone_number: phone });
      const subscriber = world.subscribers.get(who.id);
      if (subscriber) subscriber.phone = phone;
      logger.debug({ chatId }, 'playground: contact shared');
      return { updateId: update.update_id, messageId: update.message?.message_id };
    }),
  );

  api.post(
    '/chats/:chatId/photo',
    handle((req) => {
      const chatId = int(req.params.chatId, 'chatId');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const who = speaker(chatId, body.as);
      const bytes = imageFromDataUrl(body.dataUrl);
      const caption = typeof body.caption === 'string' && body.caption.trim() !== '' ? text(body.caption, 'підпис', 1024) : undefined;
      const update = who.sendPhoto({
        ...(bytes ? { bytes } : {}),
        ...(caption !== undefined ? { caption } : {}),
        ...post({ threadId: optionalInt(body.threadId, 'threadId'), replyTo: optionalInt(body.replyTo, 'replyTo') }),
      });
      return { updateId: update.update_id, messageId: update.message?.message_id };
    }),
  );

  /**
   * «Сплатити» on an invoice: the stand-in plays Telegram's checkout (a pre_checkout_query, the bot's answer awaited,
   * then successful_payment), so this answers once Telegram would have: paid, refused with the bot's reason, or
   * unanswered in time.
   */
  api.post(
    '/chats/:chatId/pay',
    handle(async (req) => {
      const chatId = int(req.params.chatId, 'chatId');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const who = speaker(chatId, body.as);
      if (chatId === staffGroup.id) throw new BadInput('у групі працівників рахунків на оплату немає');
      const paid = await tg.pay(who as FakeUser, int(body.messageId, 'messageId'));
      if (paid.outcome === 'refused') return { outcome: paid.outcome, error: paid.errorMessage };
      return { outcome: paid.outcome };
    }),
  );

  api.get(
    '/files/:fileId',
    handle((req, res) => {
      const bytes = tg.fileBytes(String(req.params.fileId));
      if (!bytes) {
        res.status(404).json({ error: 'немає такого файлу' });
        return undefined;
      }
      const type = contentType(bytes);
      res.set('content-type', type);
      res.set('cache-control', 'private, max-age=3600');
      if (!type.startsWith('image/')) res.set('content-disposition', 'attachment');
      res.end(bytes);
      return undefined;
    }),
  );

  api.use('/viber', createViberRoutes(world.viber, logger));
  api.use('/sms', createSmsRoutes(world.sms, logger));

  api.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'немає такого методу' });
  });
  return api;
}
