import { Writable } from 'node:stream';
import { Bot, webhookCallback } from 'grammy';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, registerSecrets, serializeError } from '../../bots/logger.ts';
import { createHttpApp } from '../../bots/server.ts';
import { createViberClient } from '../../bots/viber/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { FakeTelegram } from '../support/fake-telegram/index.ts';

// Every error path we can reach, fed a known bot token, Viber token, phone, proof answer and account data:
// none of them may reach the log, whatever the error object carries.

const TOKEN = '7012345678:AAH-secret_TOKEN_value_0123456789abcd';
const VIBER_TOKEN = '4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f';
const WEBHOOK_SECRET = 'hook-secret-0123456789';
const PHONE = '380671234567';
const ANSWER = 'Шевч';
const ADDRESS = 'вул. Січових Стрільців, 12';
const BALANCE = '1 234,56';
const FORBIDDEN = [TOKEN, TOKEN.split(':')[1]!, VIBER_TOKEN, WEBHOOK_SECRET, PHONE, ANSWER, ADDRESS, BALANCE];

let db: TestDatabase;
let tg: FakeTelegram;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 2 });
  tg = await FakeTelegram.start({ token: TOKEN });
});
afterAll(async () => {
  await tg?.stop();
  await db?.destroy();
});

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, text: () => lines.join(''), logger: createLogger('debug', stream) };
}

function expectClean(log: string): void {
  for (const value of FORBIDDEN) expect(log, `the log holds ${value}`).not.toContain(value);
}

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('the log, on every error path', () => {
  it('the webhook 500 path: a refused reply carrying the typed proof answer, address and balance, inside grammY’s BotError with its context', async () => {
    const { text, logger } = capture();
    const bot = new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
    await bot.init();
    bot.on('message:text', (ctx) => ctx.reply(`Ви ввели «${ctx.message.text}». Адреса: ${ADDRESS}, борг ${BALANCE} грн, тел. ${PHONE}`));
    const user = tg.user({ id: 4242, first_name: 'Оксана' });
    tg.failNext('sendMessage', { code: 400, description: 'Bad Request: message is too long' });
    const parseJson = express.json();
    const handle = webhookCallback(bot, 'express');
    const handler: RequestHandler = (req, res, next) => parseJson(req, res, (error?: unknown) => (error ? next(error) : handle(req, res).catch(next)));
    const app = createHttpApp({ webhooks: [{ path: '/tg', handler }], checkDatabase: async () => true }, logger);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const update = user.sendText(ANSWER);
    const response = await fetch(`http://127.0.0.1:${port}/tg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(update) });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(response.status).toBe(500);

    const log = text();
    expectClean(log);
    const entry = JSON.parse(log.trim().split('\n').at(-1)!);
    // What an operator needs is there.
    expect(entry.err).toMatchObject({ type: 'BotError', update_id: update.update_id, cause: { type: 'GrammyError', method: 'sendMessage', error_code: 400 } });
    expect(entry.err.cause.description).toContain('message is too long');
  });

  it('an HttpError whose fetch error quotes the Bot API URL with the token', async () => {
    const { text, logger } = capture();
    const bot = new Bot(TOKEN, { client: { apiRoot: 'http://127.0.0.1:9' }, botInfo: tg.state.botAsUser() as never });
    const error = await caught(() => bot.api.sendMessage(4242, `${ANSWER} ${PHONE}`));
    expect(String((error as { error?: unknown }).error)).toContain(TOKEN); // the raw error does carry it
    logger.error({ err: error, updateId: 7 }, 'telegram unreachable');
    logger.warn({ failure: error }, 'nested under another key');
    logger.error(error as Error);
    expectClean(text());
    expect(JSON.parse(text().split('\n')[0]!).err).toMatchObject({ type: 'HttpError', method: 'sendMessage' });
  });

  it('the Viber client’s errors: a refused send and a transport failure quoting the token', async () => {
    const { text, logger } = capture();
    const refusing = createViberClient({
      authToken: VIBER_TOKEN,
      apiUrl: 'http://viber.invalid/pa',
      sender: { name: 'Водоканал' },
      maxAttempts: 1,
      fetch: (async () => new Response(JSON.stringify({ status: 5, status_message: `receiverNotRegistered ${PHONE}` }), { status: 200 })) as typeof fetch,
    });
    const refused = await caught(() => refusing.sendMessage('u1', { type: 'text', text: `${ANSWER}, ${ADDRESS}, ${BALANCE}` } as never));
    logger.error({ err: refused, viberUserId: 'u1' }, 'viber message handling failed');
    const broken = createViberClient({
      authToken: VIBER_TOKEN,
      apiUrl: 'http://viber.invalid/pa',
      sender: { name: 'Водоканал' },
      maxAttempts: 1,
      fetch: (async () => {
        throw new TypeError(`proxy refused X-Viber-Auth-Token: ${VIBER_TOKEN}`);
      }) as typeof fetch,
    });
    const transport = await caught(() => broken.sendMessage('u1', { type: 'text', text: ANSWER } as never));
    logger.error({ err: transport }, 'viber unreachable');
    expectClean(text());
    expect(JSON.parse(text().split('\n')[0]!).err).toMatchObject({ method: 'send_message', status: 5 });
  });

  it('database errors carrying the values they refused, in the message, the detail, the SQL and its parameters', async () => {
    const { text, logger } = capture();
    const badCast = await caught(() => db.sequelize.query('SELECT CAST(:answer AS integer)', { replacements: { answer: ANSWER } }));
    logger.error({ err: badCast }, 'query failed');
    const bound = await caught(() => db.sequelize.query('SELECT CAST($1 AS integer)', { bind: [`${PHONE} ${ADDRESS}`] }));
    logger.error({ error: bound }, 'bound query failed');
    await db.models.Subscriber.create({ channel: 'telegram', channelUserId: PHONE, name: 'Оксана' });
    const duplicate = await caught(() => db.models.Subscriber.create({ channel: 'telegram', channelUserId: PHONE, name: ANSWER, phone: PHONE }));
    logger.error({ err: duplicate, subscriberId: 1 }, 'insert failed');
    expectClean(text());
    const entries = text().trim().split('\n').map((line) => JSON.parse(line));
    expect(entries[0].err.cause).toMatchObject({ code: '22P02' });
    expect(entries[2].err).toMatchObject({ type: 'SequelizeUniqueConstraintError' });
    expect(entries[2].subscriberId).toBe(1);
  });

  it('an error thrown with a phone in its message, a registered secret, and strings anywhere in what is logged', () => {
    const { text, logger } = capture();
    registerSecrets([WEBHOOK_SECRET]);
    logger.error({ err: new Error(`no subscriber with phone +${PHONE}`, { cause: new Error(`webhook secret ${WEBHOOK_SECRET}`) }) }, 'lookup failed');
    logger.warn({ note: `called ${PHONE} about ${TOKEN}`, nested: { deeper: [`${VIBER_TOKEN}`] } }, `message text with ${PHONE}`);
    logger.info(`a bare message with /bot${TOKEN}/getMe`);
    logger.error(new Error(`thrown with 0671234567 and ${PHONE}`));
    const log = text();
    expectClean(log);
    expect(log).not.toContain('0671234567');
    expect(log).toContain('38067***67');
  });

  it('reduces any error to the operator’s fields, never copying the rest', () => {
    const error = Object.assign(new Error('Call to sendMessage failed'), {
      method: 'sendMessage',
      error_code: 429,
      description: 'Too Many Requests',
      parameters: { retry_after: 3 },
      payload: { chat_id: 1, text: ANSWER },
      ctx: { api: { token: TOKEN }, update: { update_id: 5, message: { text: ANSWER } } },
    });
    const safe = serializeError(error);
    expect(Object.keys(safe).sort()).toEqual(['error_code', 'description', 'message', 'method', 'retry_after', 'stack', 'type', 'update_id'].sort());
    expect(JSON.stringify(safe)).not.toContain(ANSWER);
    expect(serializeError('just a string with ' + PHONE).message).toBe('just a string with 38067***67');
  });
});
