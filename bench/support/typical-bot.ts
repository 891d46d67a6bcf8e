import express, { type RequestHandler } from 'express';
import { Bot, InlineKeyboard, session, webhookCallback, type Context, type SessionFlavor } from 'grammy';
import { conversations, createConversation, type Conversation, type ConversationFlavor } from '@grammyjs/conversations';
import { autoRetry } from '@grammyjs/auto-retry';
import { PsqlAdapter } from '@grammyjs/storage-psql';
import pg from 'pg';

/** The confirm button's callback data, as such a bot names it. */
const READING_SEND = 'rd:send';

/*
 * The baseline the cabinet is measured against: the same reading flow (/readings → the value → «Так, надіслати»)
 * built the way a typical grammY developer builds it from the libraries' own docs: session() on
 * @grammyjs/storage-psql, @grammyjs/conversations v2 with its state on the same adapter, plain `pg` queries,
 * and update ids de-duplicated in a table before anything else runs. Fair to it, not a straw man: a pg Pool
 * (the adapter's README shows one Client, which would serialise every query), auto-retry as grammY's guide
 * on flood limits advises, the same rules the cabinet
 * checks (digits, not below the last reading, once a day per meter), the same database schema and indexes.
 * What it does not have is what the cabinet adds: the claim committed with the work, replay-safe steps
 * with keys, staff alerts, texts from bots/texts.
 */

interface SessionData {
  /** Looked up once per chat and kept, the way such bots cache "who is this". */
  subscriberId: number | null;
}
type TypicalContext = ConversationFlavor<Context & SessionFlavor<SessionData>>;
type ReadingConversation = Conversation<TypicalContext, Context>;

interface MeterRow {
  meter_id: number;
  serial: string;
  digits: number;
  last_value: number;
  submitted_today: boolean;
}

export interface TypicalBot {
  bot: Bot<TypicalContext>;
  handler: RequestHandler;
  close(): Promise<void>;
}

export async function createTypicalBot(options: { token: string; apiRoot: string; databaseUrl: string; poolMax: number; secret: string }): Promise<TypicalBot> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax });
  await pool.query(`CREATE TABLE IF NOT EXISTS processed_updates (update_id bigint PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now())`);
  // The adapter types its client as a pg Client; a Pool has the same query().
  const client = pool as unknown as pg.Client;
  const sessions = await PsqlAdapter.create({ tableName: 'sessions', client });
  const conversationStates = await PsqlAdapter.create({ tableName: 'conversations', client });

  const bot = new Bot<TypicalContext>(options.token, { client: { apiRoot: options.apiRoot } });
  // grammY's guide on flood limits: auto-retry (the cabinet has it too).
  bot.api.config.use(autoRetry());

  // Telegram may deliver an update again: the first insert wins, a repeat is dropped.
  bot.use(async (ctx, next) => {
    const inserted = await pool.query('INSERT INTO processed_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING', [ctx.update.update_id]);
    if (inserted.rowCount === 0) return;
    await next();
  });
  bot.use(session({ initial: (): SessionData => ({ subscriberId: null }), storage: sessions as PsqlAdapter<SessionData> }));
  bot.use(async (ctx, next) => {
    if (ctx.session.subscriberId === null && ctx.from) {
      const { rows } = await pool.query<{ id: number }>(`SELECT id FROM subscribers WHERE channel = 'telegram' AND channel_user_id = $1`, [String(ctx.from.id)]);
      ctx.session.subscriberId = rows[0]?.id ?? null;
    }
    await next();
  });
  bot.use(conversations<TypicalContext, Context>({ storage: conversationStates as never }));

  async function readings(conversation: ReadingConversation, ctx: Context): Promise<void> {
    const subscriberId = await conversation.external((outside: TypicalContext) => outside.session.subscriberId);
    if (subscriberId === null) {
      await ctx.reply('Спершу підключіть особовий рахунок.');
      return;
    }
    const meter = await conversation.external(async () => {
      const { rows } = await pool.query<MeterRow>(
        `SELECT m.id AS meter_id, m.serial, m.digits,
                COALESCE((SELECT r.value FROM readings r WHERE r.meter_id = m.id ORDER BY r.submitted_at DESC LIMIT 1), m.last_reading) AS last_value,
                EXISTS (SELECT 1 FROM readings r WHERE r.meter_id = m.id AND r.local_date = (now() AT TIME ZONE 'Europe/Kyiv')::date AND r.kind = 'subscriber') AS submitted_today
           FROM links l JOIN meters m ON m.account_id = l.account_id
          WHERE l.subscriber_id = $1
          ORDER BY m.serial LIMIT 1`,
        [subscriberId],
      );
      return rows[0] ?? null;
    });
    if (!meter) {
      await ctx.reply('На ваших рахунках немає лічильників.');
      return;
    }
    if (meter.submitted_today) {
      await ctx.reply('Сьогодні показник цього лічильника вже передано.');
      return;
    }
    await ctx.reply(`Лічильник ${meter.serial}, останній показник ${meter.last_value}. Введіть новий показник:`);
    let value: number;
    for (;;) {
      const answer = await conversation.waitFor('message:text', { otherwise: (other) => other.reply('Введіть показник числом.') });
      const text = answer.message.text.trim();
      value = Number(text);
      if (!/^\d+$/.test(text)) await answer.reply('Введіть показник цілим числом.');
      else if (value >= 10 ** meter.digits) await answer.reply(`На лічильнику лише ${meter.digits} цифр.`);
      else if (value < meter.last_value) await answer.reply(`Показник не може бути меншим за ${meter.last_value}.`);
      else break;
    }
    await ctx.reply(`Надіслати показник ${value} для лічильника ${meter.serial}?`, {
      reply_markup: new InlineKeyboard().text('Так, надіслати', READING_SEND).text('Скасувати', 'rd:cancel'),
    });
    const press = await conversation.waitForCallbackQuery([READING_SEND, 'rd:cancel'], { otherwise: (other) => other.reply('Натисніть кнопку під повідомленням.') });
    await press.answerCallbackQuery();
    if (press.callbackQuery.data !== READING_SEND) {
      await press.reply('Скасовано.');
      return;
    }
    const stored = await conversation.external(async () => {
      const { rowCount } = await pool.query(
        `INSERT INTO readings (meter_id, value, local_date, subscriber_id, channel, kind)
         VALUES ($1, $2, (now() AT TIME ZONE 'Europe/Kyiv')::date, $3, 'telegram', 'subscriber')
         ON CONFLICT (meter_id, local_date) WHERE kind = 'subscriber' DO NOTHING`,
        [meter.meter_id, value, subscriberId],
      );
      return rowCount === 1;
    });
    await press.reply(stored ? `Показник ${value} прийнято. Дякуємо!` : 'Сьогодні показник цього лічильника вже передано.');
  }

  bot.use(createConversation(readings, 'readings'));
  bot.command('readings', (ctx) => ctx.conversation.enter('readings'));
  await bot.init();

  const parseJson = express.json({ limit: '1mb' });
  const handleUpdate = webhookCallback(bot, 'express', { secretToken: options.secret });
  const handler: RequestHandler = (req, res, next) =>
    parseJson(req, res, (error?: unknown) => {
      if (error) return next(error);
      handleUpdate(req, res).catch(next);
    });
  return { bot, handler, close: () => pool.end() };
}
