import express, { type Request, type Router } from 'express';
import type { Logger } from '../../bots/logger.ts';
import { BadInput, contentType, imageFromDataUrl, phone as phoneOf, text } from './input.ts';
import type { FakeViber, FakeViberUser, Posted } from '../fake-viber/index.ts';
import { jsonRoute, unlessShown } from './json-route.ts';
import { lastPaymentSeq, viberChatView, type ViberPayOutcome } from './viber-views.ts';

// The page's JSON API for Viber subscribers (/playground/api/viber/*). Each call plays the person in the stand-in
// of Viber: it posts the same signed callback Viber would to the bot's webhook, and the bot answers through the
// stand-in's REST API, where the page reads the chat back.

export interface ViberPerson {
  user: FakeViberUser;
  name: string;
  /** What "share phone" offers for this person. */
  phone: string;
}

export interface ViberWorld {
  viber: FakeViber;
  people: Map<string, ViberPerson>;
  /** What became of each payment message's checkout, per subscriber, by the message's transcript seq. */
  payOutcomes: Map<string, Map<number, ViberPayOutcome>>;
  add(seed: { name: string; phone: string }): ViberPerson;
}

export function createViberRoutes(world: ViberWorld, logger: Logger): Router {
  const router = express.Router();

  const person = (req: Request): ViberPerson => {
    const id = String(req.params.userId ?? '');
    const found = world.people.get(id);
    if (!found) throw new BadInput(`немає абонента Viber ${id}`);
    return found;
  };
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  /** The bot's webhook must take the callback, as Viber requires; otherwise the tester is told it did not. */
  const delivered = (posted: Posted) => {
    if (posted.status !== 200) throw new BadInput(`бот не прийняв повідомлення (HTTP ${posted.status})`);
    return { token: posted.token };
  };

  const handle = jsonRoute({ refusalPrefix: /^fake viber:\s*/, botUnreachable: 'бот Viber не відповідає (його webhook недоступний)' });

  router.post(
    '/subscribers',
    handle((req) => {
      const name = text(body(req).name, "ім'я", 64).trim();
      const raw = body(req).phone;
      const phone = typeof raw === 'string' && raw.trim() !== '' ? phoneOf(raw) : '';
      const added = world.add({ name, phone });
      return { id: added.user.id, name: added.name, phone: added.phone };
    }),
  );

  router.get(
    '/chats/:userId',
    handle((req, res) => {
      const who = person(req);
      return unlessShown(req, res, viberChatView(world.viber, who.user.id, who.name, world.payOutcomes.get(who.user.id)));
    }),
  );

  /** The person opens the chat: Viber sends conversation_started, and the bot's answer is the welcome message. */
  router.post(
    '/chats/:userId/open',
    handle(async (req) => delivered(await person(req).user.conversationStarted())),
  );

  router.post(
    '/chats/:userId/text',
    handle(async (req) => delivered(await person(req).user.sendText(text(body(req).text, 'текст')))),
  );

  router.post(
    '/chats/:userId/press',
    handle(async (req) => delivered(await person(req).user.pressButton(text(body(req).actionBody, 'кнопка', 1024)))),
  );

  /**
   * The payment message's checkout: «Сплатити» sends Viber's client_status (code 0) and hands the stand-in of
   * LiqPay the signed order, whose callback to the app credits it; «Відхилити» sends client_status code 1.
   */
  router.post(
    '/chats/:userId/pay',
    handle(async (req) => {
      const who = person(req);
      const seq = lastPaymentSeq(world.viber.transcript(who.user.id));
      if (seq === undefined) throw new BadInput('бот не надсилав повідомлення з оплатою');
      const outcomes = world.payOutcomes.get(who.user.id) ?? new Map<number, ViberPayOutcome>();
      if (outcomes.has(seq)) throw new BadInput('цю оплату вже завершено');
      const paid = await who.user.pay({ decline: body(req).decline === true });
      if (paid.outcome !== 'expired') delivered(paid.status);
      outcomes.set(seq, paid.outcome);
      world.payOutcomes.set(who.user.id, outcomes);
      if (paid.outcome === 'paid' && paid.psp && paid.psp.status !== 200) {
        throw new BadInput(`платіжний сервіс не прийняв оплату (HTTP ${paid.psp.status})`);
      }
      return { outcome: paid.outcome };
    }),
  );

  router.post(
    '/chats/:userId/contact',
    handle(async (req) => {
      const who = person(req);
      const phone = phoneOf(body(req).phone);
      // Viber's share-phone sends the person's own number, so it becomes theirs here too.
      const posted = await who.user.sharePhone(phone);
      who.phone = phone;
      logger.debug('playground: viber contact shared');
      return delivered(posted);
    }),
  );

  router.post(
    '/chats/:userId/picture',
    handle(async (req) => {
      const who = person(req);
      const bytes = imageFromDataUrl(body(req).dataUrl);
      if (!bytes) throw new BadInput('фото: порожньо');
      const rawCaption = body(req).caption;
      const caption = typeof rawCaption === 'string' && rawCaption.trim() !== '' ? text(rawCaption, 'підпис', 512) : '';
      const url = world.viber.addMedia(bytes, contentType(bytes));
      return { ...delivered(await who.user.sendPicture(url, caption)), media: url };
    }),
  );

  router.get(
    '/media/:name',
    handle((req, res) => {
      const stored = world.viber.media(`${world.viber.mediaBase}${String(req.params.name)}`);
      if (!stored) {
        res.status(404).json({ error: 'немає такого зображення' });
        return undefined;
      }
      res.set('content-type', stored.contentType);
      res.set('cache-control', 'private, max-age=3600');
      if (!stored.contentType.startsWith('image/')) res.set('content-disposition', 'attachment');
      res.end(stored.bytes);
      return undefined;
    }),
  );

  return router;
}
