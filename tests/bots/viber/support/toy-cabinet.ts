import { QueryTypes } from 'sequelize';
import { giveConsent } from '../../../../core/subscribers.ts';
import type { Database } from '../../../../models/database.ts';
import type { Chat } from '../../../../bots/flows/chat.ts';
import { choose, askText } from '../../../../bots/flows/kit.ts';
import { createCabinet, type Cabinet, type CabinetFlows, type Flow, type FlowDeps } from '../../../../bots/flows/router.ts';

// A small cabinet of toy flows, to test a channel adapter without the real flows: one asks a choice, one waits
// for text, one stores a row keyed by chat.step's key under a unique constraint, one throws, one echoes every
// message it gets (in order, numbered), one offers more buttons than a Viber keyboard holds, one says a text
// longer than a Viber message. Texts are the tests' own; flows in bots/flows take theirs from bots/texts.

export const toy = {
  consentAsk: 'toy: згода?',
  consentYes: 'Згоден',
  consented: 'toy: згоду отримано',
  started: (payload: string | null) => `toy: start ${payload ?? '-'}`,
  pick: 'toy: оберіть',
  picked: (id: string) => `toy: обрано ${id}`,
  askValue: 'toy: напишіть значення',
  echoed: (text: string) => `toy: ви написали ${text}`,
  stored: (value: string, fresh: boolean) => `toy: збережено ${value}${fresh ? '' : ' (уже було)'}`,
  echoReady: 'toy: луна готова',
  echo: (n: number, text: string) => `toy: луна ${n}: ${text}`,
  manyAsk: 'toy: багато варіантів',
  action: (id: string) => `toy: дія ${id}`,
  contact: (phone: string | null, verified: boolean) => `toy: контакт ${phone ?? '-'} ${verified ? 'verified' : 'unverified'}`,
  photo: (ref: string, caption: string | null) => `toy: фото ${ref} ${caption ?? '-'}`,
};

export const TOY_TABLE = 'toy_rows';

export async function createToyTable(db: Database): Promise<void> {
  await db.sequelize.query(`CREATE TABLE IF NOT EXISTS ${TOY_TABLE} (key text PRIMARY KEY, value text NOT NULL, stored_at timestamptz NOT NULL DEFAULT now())`);
}

export async function toyRows(db: Database): Promise<Array<{ key: string; value: string }>> {
  return db.sequelize.query(`SELECT key, value FROM ${TOY_TABLE} ORDER BY stored_at, key`, { type: QueryTypes.SELECT });
}

export interface ToyOptions {
  /** Called inside the store flow's step right after its row is written (a test kills the process here). */
  afterWork?: (key: string) => void;
  /** How long each echo takes inside its step (to catch a process in the middle of one). */
  echoDelayMs?: () => number;
}

const flow = <A = null>(id: string, run: (chat: Chat, deps: FlowDeps, args: A) => Promise<void>): Flow<A> => ({ id, run });

export function toyFlows(options: ToyOptions = {}): CabinetFlows {
  const onboarding = flow<{ payload: string | null }>('toy-onboarding', async (chat, deps, args) => {
    await choose(chat, toy.consentAsk, [[{ id: 'yes', label: toy.consentYes }]]);
    await chat.step(() => giveConsent(deps.core, chat.subscriberId).then(() => null));
    await chat.say(`${toy.consented} ${args.payload ?? '-'}`, { keyboard: 'menu' });
  });
  const start = flow<{ payload: string | null }>('toy-start', async (chat, _deps, args) => {
    await chat.say(toy.started(args.payload), { keyboard: 'menu' });
  });
  const pick = flow('toy-choice', async (chat) => {
    const id = await choose(chat, toy.pick, [[{ id: 'a', label: 'Варіант А' }, { id: 'b', label: 'Варіант Б' }], [{ id: 'c', label: 'Варіант В' }]]);
    await chat.say(toy.picked(id), { keyboard: 'menu' });
  });
  const text = flow('toy-text', async (chat) => {
    const value = await askText(chat, toy.askValue, { hint: toy.askValue });
    await chat.say(toy.echoed(value), { keyboard: 'menu' });
  });
  const store = flow('toy-store', async (chat, deps) => {
    const value = await askText(chat, toy.askValue, { hint: toy.askValue });
    const fresh = await chat.step(async (key) => {
      const [rows] = await deps.core.db.sequelize.query(`INSERT INTO ${TOY_TABLE} (key, value) VALUES (:key, :value) ON CONFLICT (key) DO NOTHING RETURNING key`, {
        replacements: { key, value },
      });
      options.afterWork?.(key);
      return (rows as unknown[]).length > 0;
    });
    await chat.say(toy.stored(value, fresh), { keyboard: 'menu' });
  });
  const fails = flow('toy-throws', async (chat) => {
    const value = await askText(chat, toy.askValue, { hint: toy.askValue });
    // A message that quotes what the subscriber typed, as a database error can: it must not reach the log.
    throw new Error(`toy failure on ${value}`);
  });
  const echo = flow('toy-echo', async (chat) => {
    await chat.say(toy.echoReady);
    let n = 0;
    for (;;) {
      const input = await chat.wait();
      if (input.kind === 'contact') {
        await chat.say(toy.contact(input.phone, input.verified));
        continue;
      }
      if (input.kind === 'photo') {
        await chat.say(toy.photo(input.photo.ref, input.caption));
        continue;
      }
      const said = input.kind === 'text' ? input.text : input.kind;
      await chat.step(async () => {
        const delay = options.echoDelayMs?.() ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        return null;
      });
      n += 1;
      await chat.say(toy.echo(n, said));
    }
  });
  const many = flow('toy-many', async (chat) => {
    const choices = Array.from({ length: 40 }, (_, i) => [{ id: `n${i + 1}`, label: `Рахунок ${i + 1}` }]);
    const id = await choose(chat, toy.manyAsk, choices);
    await chat.say(toy.picked(id), { keyboard: 'menu' });
  });
  const long = flow('toy-long', async (chat) => {
    await chat.say(`${'Довгий текст. '.repeat(600)}кінець 👍🏽`, { keyboard: 'menu' });
  });
  const action = (id: string) => flow(`toy-action-${id}`, async (chat) => chat.say(toy.action(id), { keyboard: 'menu' }));
  return {
    onboarding,
    start,
    menu: { readings: pick, accounts: text, addAccount: store, letter: fails, letters: many, settings: echo, help: long, pay: action('pay'), outages: text },
    actions: { 'readings:start': action('readings:start'), 'reminders:off': action('reminders:off'), 'letters:list': action('letters:list'), menu: action('menu'), 'pay:start': action('pay:start') },
  };
}

export function toyCabinet(deps: FlowDeps, options: ToyOptions = {}, timeoutMs = 3_600_000): Cabinet {
  return createCabinet({ flows: toyFlows(options), deps, timeoutMs });
}
