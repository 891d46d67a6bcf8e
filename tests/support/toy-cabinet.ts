import { QueryTypes } from 'sequelize';
import type { Database } from '../../models/database.ts';
import { askText, choose } from '../../bots/flows/kit.ts';
import { createCabinet, type Cabinet, type CabinetFlows, type Flow, type FlowDeps } from '../../bots/flows/router.ts';
import type { Chat } from '../../bots/flows/chat.ts';

// A small cabinet of toy flows for testing an adapter on its own, without the real flows: one asks a choice,
// one waits for text, one stores a row under chat.step's key (unique in a scratch table), one throws, one asks
// for a contact, one for a photo. Their words start with "toy:" so a test reads what the adapter rendered.

export const TOY_TABLE = 'toy_rows';
export const toyText = {
  onboarding: 'toy: onboarding',
  start: (payload: string | null) => `toy: start ${payload ?? '-'}`,
  help: 'toy: help',
  pick: 'toy: pick one',
  picked: (id: string) => `toy: picked ${id}`,
  type: 'toy: type something',
  typeHint: 'toy: words, please',
  got: (text: string) => `toy: got ${text}`,
  confirm: 'toy: send it?',
  stored: 'toy: stored',
  already: 'toy: already stored',
  share: 'toy: share your phone',
  contact: (phone: string | null, verified: boolean) => `toy: contact ${phone ?? '-'} ${verified ? 'verified' : 'unverified'}`,
  later: 'toy: later',
  photo: 'toy: send a photo',
  gotPhoto: (ref: string, caption: string | null) => `toy: photo ${ref} ${caption ?? '-'}`,
  action: (name: string) => `toy: action ${name}`,
};
/** Says the secret-looking words the error-path tests grep the log for. */
export const TOY_SECRET = 'proof-answer-Шевченко 380501234567';

export const pickChoices = [[{ id: 'a', label: 'Альфа' }, { id: 'b', label: 'Бета' }]];
export const sendChoice = { id: 'send', label: 'Так, надіслати' };

export async function createToyTable(db: Database): Promise<void> {
  await db.sequelize.query(`CREATE TABLE IF NOT EXISTS ${TOY_TABLE} (key text PRIMARY KEY, subscriber_id integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
}

export async function toyRows(db: Database): Promise<{ key: string; subscriber_id: number }[]> {
  return db.sequelize.query(`SELECT key, subscriber_id FROM ${TOY_TABLE} ORDER BY created_at`, { type: QueryTypes.SELECT });
}

export interface ToyOptions {
  /** Pauses inside the store flow, for a test that kills the process there. */
  pauseBeforeWorkMs?: number;
  pauseAfterWorkMs?: number;
}

/** The use case a confirm button stands for, guarded by a unique constraint on the step's key. */
function storeRow(chat: Chat, deps: FlowDeps): Promise<'stored' | 'already'> {
  return chat.step(async (key) => {
    const [rows] = await deps.core.db.sequelize.query(
      `INSERT INTO ${TOY_TABLE} (key, subscriber_id) VALUES (:key, :subscriberId) ON CONFLICT (key) DO NOTHING RETURNING key`,
      { replacements: { key, subscriberId: chat.subscriberId } },
    );
    return rows.length === 1 ? 'stored' : 'already';
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const saying = (id: string, text: string): Flow<any> => ({ id, run: (chat) => chat.say(text, { keyboard: 'menu' }) });

export function toyFlows(options: ToyOptions = {}): CabinetFlows {
  const pick: Flow<null> = {
    id: 'toy-pick',
    async run(chat) {
      const id = await choose(chat, toyText.pick, pickChoices);
      await chat.say(toyText.picked(id), { keyboard: 'menu' });
    },
  };
  const type: Flow<null> = {
    id: 'toy-type',
    async run(chat) {
      const text = await askText(chat, toyText.type, { hint: toyText.typeHint });
      await chat.say(toyText.got(text), { keyboard: 'menu' });
    },
  };
  const store: Flow<null> = {
    id: 'toy-store',
    async run(chat: Chat, deps: FlowDeps) {
      await choose(chat, toyText.confirm, [[sendChoice]]);
      if (options.pauseBeforeWorkMs) await chat.step(() => sleep(options.pauseBeforeWorkMs!).then(() => null));
      const outcome = await storeRow(chat, deps);
      if (options.pauseAfterWorkMs) await chat.step(() => sleep(options.pauseAfterWorkMs!).then(() => null));
      await chat.say(outcome === 'stored' ? toyText.stored : toyText.already, { keyboard: 'menu' });
    },
  };
  const fail: Flow<null> = {
    id: 'toy-fail',
    async run(chat) {
      await chat.step(async () => {
        throw new Error(`toy failure: ${TOY_SECRET}`);
      });
    },
  };
  const contact: Flow<null> = {
    id: 'toy-contact',
    async run(chat) {
      await chat.say(toyText.share, { keyboard: 'contact', choices: [[{ id: 'later', label: 'Пізніше' }]] });
      for (;;) {
        const input = await chat.wait();
        if (input.kind === 'contact') return chat.say(toyText.contact(input.phone, input.verified), { keyboard: 'menu' });
        if (input.kind === 'choice') return chat.say(toyText.later, { keyboard: 'menu' });
        await chat.say(toyText.share, { keyboard: 'contact', choices: [[{ id: 'later', label: 'Пізніше' }]] });
      }
    },
  };
  const photo: Flow<null> = {
    id: 'toy-photo',
    async run(chat) {
      await chat.say(toyText.photo);
      for (;;) {
        const input = await chat.wait();
        if (input.kind === 'photo') return chat.say(toyText.gotPhoto(input.photo.ref, input.caption), { keyboard: 'menu' });
        await chat.say(toyText.photo);
      }
    },
  };
  return {
    onboarding: saying('toy-onboarding', toyText.onboarding),
    start: { id: 'toy-start', run: (chat, _deps, args) => chat.say(args.payload === 'long' ? 'абв '.repeat(2500) : toyText.start(args.payload), { keyboard: 'menu' }) },
    menu: {
      readings: pick,
      letter: type,
      letters: store,
      settings: fail,
      accounts: contact,
      addAccount: photo,
      help: saying('toy-help', toyText.help),
      pay: saying('toy-pay', toyText.action('pay')),
      outages: saying('toy-outages', toyText.help),
    },
    actions: {
      'readings:start': saying('toy-act-readings', toyText.action('readings:start')),
      'reminders:off': saying('toy-act-reminders', toyText.action('reminders:off')),
      'pay:start': saying('toy-act-pay', toyText.action('pay:start')),
      // Work at a flow's very first step, before anything is said: its key comes from the event that started it.
      'letters:list': {
        id: 'toy-act-store',
        async run(chat, deps) {
          const outcome = await storeRow(chat, deps);
          await chat.say(`${toyText.action('letters:list')} ${outcome}`, { keyboard: 'menu' });
        },
      },
      menu: saying('toy-act-menu', toyText.action('menu')),
    },
  };
}

export function toyCabinet(deps: FlowDeps, options: ToyOptions & { timeoutMs?: number } = {}): Cabinet {
  return createCabinet({ flows: toyFlows(options), deps, timeoutMs: options.timeoutMs ?? 30 * 60_000 });
}
