import { outagesAtSubscriberAddresses, type SubscriberOutage } from '../../core/outages/index.ts';
import { fitText } from '../../core/text.ts';
import { outageCabinet } from '../texts/outages.ts';
import { MESSAGE_MAX } from './message-size.ts';
import type { Flow } from './router.ts';

// «Відключення»: the outages in force and the next ones at the addresses of the subscriber's linked accounts,
// as core finds them; one message, with the menu.

export const outagesFlow: Flow<null> = {
  id: 'outages',
  async run(chat, { core }) {
    const found = await chat.step(() => outagesAtSubscriberAddresses(core, chat.subscriberId, core.clock.now()));
    if (found.current.length === 0 && found.next.length === 0) return chat.say(outageCabinet.none, { keyboard: 'menu' });
    const tz = core.settings.timeZone;
    const section = (header: string, list: readonly SubscriberOutage[]) =>
      list.length === 0 ? [] : [header, ...list.map((o) => outageCabinet.line(o.outage, o.accounts, tz))];
    const text = [outageCabinet.header, ...section(outageCabinet.currentHeader, found.current), ...section(outageCabinet.nextHeader, found.next)].join('\n\n');
    await chat.say(fitText(text, MESSAGE_MAX), { keyboard: 'menu' });
  },
};
