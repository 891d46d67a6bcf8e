import type { Database } from '../../../models/database.ts';
import type { Account, Meter, Subscriber } from '../../../models/models.ts';
import { aLink, aMeter, anAccount, aSubscriber, type AccountSeed, type MeterSeed } from '../../support/builders.ts';
import type { FakeViber, Posted, SentMessage } from '../../support/fake-viber/index.ts';
import type { RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { menu } from '../../../bots/texts/menu.ts';

// What the Viber flow tests share: a consented Viber subscriber with linked accounts (no onboarding to click
// through), and a chat that sends one thing and returns the bot's one answer to it.

export const labels = (m: SentMessage) => m.keyboard?.Buttons.map((b) => b.ActionBody) ?? [];
export const isMenu = (m: SentMessage) => labels(m).includes(menu.readings) && labels(m).includes(menu.help);

export interface LinkedViberSubscriber {
  subscriber: Subscriber;
  accounts: { account: Account; meters: Meter[] }[];
}

export async function aViberSubscriberWithAccounts(
  db: Database,
  viberUserId: string,
  accounts: { account?: AccountSeed; meters?: MeterSeed[] }[],
): Promise<LinkedViberSubscriber> {
  const subscriber = await aSubscriber(db, { channel: 'viber', channelUserId: viberUserId, name: 'Ганна' });
  const built: LinkedViberSubscriber['accounts'] = [];
  for (const seed of accounts) {
    const account = await anAccount(db, seed.account);
    const meters: Meter[] = [];
    for (const meterSeed of seed.meters ?? [{}]) meters.push(await aMeter(db, account, meterSeed));
    await aLink(db, subscriber, account);
    built.push({ account, meters });
  }
  return { subscriber, accounts: built };
}

export interface Chat {
  id: string;
  /** Runs one subscriber action and returns the bot's answer to it, once the bot has finished with it. */
  send(action: (user: ReturnType<FakeViber['user']>) => Promise<Posted>): Promise<SentMessage>;
  text(text: string): Promise<SentMessage>;
  press(label: string): Promise<SentMessage>;
}

/** A chat at the main menu (the subscriber wrote "меню"), so its buttons can be pressed. */
export async function chatAtMenu(viber: FakeViber, instance: () => RunningViberBot, id: string): Promise<Chat> {
  const chat = chatOf(viber, instance, id);
  const shown = await chat.text('меню');
  if (!isMenu(shown)) throw new Error(`no main menu for ${id}: ${shown.text ?? ''}`);
  return chat;
}

export function chatOf(viber: FakeViber, instance: () => RunningViberBot, id: string): Chat {
  const user = viber.user({ id, name: 'Ганна' });
  const send: Chat['send'] = async (action) => {
    const posted = await action(user);
    const answer = await viber.waitForSent(id, () => true, { since: posted.since });
    await instance().bot.idle();
    return answer;
  };
  return {
    id,
    send,
    text: (text) => send((u) => u.sendText(text)),
    press: (label) => send((u) => u.pressButton(label)),
  };
}
