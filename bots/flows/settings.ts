import { issueChannelLinkCode, otherChannels, CHANNEL_LINK_CODE_TTL_MS } from '../../core/identity.ts';
import { eraseSubscriber, setReminders, subscriberProfile } from '../../core/subscribers.ts';
import type { Channel } from '../../models/models.ts';
import { plannedOutageNoticesOn, setPlannedOutageNotices } from '../../core/outages/index.ts';
import { linking } from '../texts/linking.ts';
import { outageCabinet } from '../texts/outages.ts';
import { menuTexts } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
import { settings } from '../texts/settings.ts';
import type { Chat, Choice } from './chat.ts';
import { choose } from './kit.ts';
import { afterPhone, phoneStep } from './phone-step.ts';
import type { Flow, FlowDeps } from './router.ts';

// «Налаштування»: reminders on or off, a new phone (the same phone step as onboarding), a one-time link that
// pairs this chat with the subscriber's other messenger, and erasing one's data after a confirmation (which
// says what stays in the chat on the other messenger). Each choice does its one thing and ends with the menu.

/** The other channel's deep link for `code`, or null when that channel's address is not configured. */
export function otherChannelLink(here: Channel, deps: FlowDeps, code?: string): { channel: Channel; link: string } | null {
  const c = deps.channels ?? {};
  if (here === 'telegram' && c.viberChatUri) {
    return { channel: 'viber', link: `viber://pa?chatURI=${encodeURIComponent(c.viberChatUri)}&context=${code ?? ''}` };
  }
  if (here === 'viber' && c.telegramUsername) return { channel: 'telegram', link: `https://t.me/${c.telegramUsername}?start=${code ?? ''}` };
  return null;
}

async function connectOther(chat: Chat, deps: FlowDeps): Promise<void> {
  const issued = await chat.step(() => issueChannelLinkCode(deps.core, chat.subscriberId));
  if (issued.kind === 'no-accounts') {
    await chat.say(linking.connectNoAccounts, { keyboard: 'menu' });
    return;
  }
  const target = otherChannelLink(chat.channel, deps, issued.code)!;
  const minutes = Math.round(CHANNEL_LINK_CODE_TTL_MS / 60_000);
  await chat.say(linking.connectLink(linking.channelNames[target.channel], target.link, minutes), { keyboard: 'menu' });
}

async function deleteData(chat: Chat, deps: FlowDeps): Promise<void> {
  const others = await chat.step(async () =>
    (await otherChannels(deps.core, chat.subscriberId)).map((o) => ({ name: linking.channelNames[o.channel], accounts: o.accounts.length })),
  );
  const stays = others.length > 0 ? `\n\n${settings.otherChannelStays(others)}` : '';
  const answer = await choose(chat, `${settings.confirmDelete}${stays}`, [
    [{ id: 'yes', label: settings.confirmDeleteButton }],
    [{ id: 'no', label: settings.keepDataButton }],
  ]);
  if (answer === 'no') {
    await chat.say(settings.notDeleted, { keyboard: 'menu' });
    return;
  }
  await chat.step(async () => {
    await eraseSubscriber(deps.core, chat.subscriberId);
    return null;
  });
  await chat.say(`${settings.deleted}${stays}`, { keyboard: 'menu' });
}

export const settingsFlow: Flow<null> = {
  id: 'settings',
  async run(chat, deps) {
    const profile = await chat.step(() => subscriberProfile(deps.core, chat.subscriberId));
    const planned = await chat.step(() => plannedOutageNoticesOn(deps.core, chat.subscriberId));
    const other = otherChannelLink(chat.channel, deps);
    const choices: Choice[][] = [
      [profile.remindersEnabled ? { id: 'rem:off', label: settings.remindersOffButton } : { id: 'rem:on', label: settings.remindersOnButton }],
      [planned ? { id: 'out:off', label: outageCabinet.plannedOffButton } : { id: 'out:on', label: outageCabinet.plannedOnButton }],
      [{ id: 'phone', label: settings.changePhoneButton }],
      ...(other ? [[{ id: 'connect', label: linking.connectButton(linking.channelNames[other.channel]) }]] : []),
      [{ id: 'delete', label: settings.deleteDataButton }],
    ];
    const picked = await choose(chat, `${settings.headerShared(profile)}\n${outageCabinet.plannedLine(planned)}`, choices);
    switch (picked) {
      case 'rem:off':
      case 'rem:on': {
        const on = picked === 'rem:on';
        await chat.step(async () => {
          await setReminders(deps.core, chat.subscriberId, on);
          return null;
        });
        await chat.say(on ? settings.remindersOn : settings.remindersOff, { keyboard: 'menu' });
        return;
      }
      case 'out:off':
      case 'out:on': {
        // Emergencies reach everyone regardless: only planned works' notices can be turned off (core's rule).
        const on = picked === 'out:on';
        await chat.step(async () => {
          await setPlannedOutageNotices(deps.core, chat.subscriberId, on);
          return null;
        });
        await chat.say(on ? outageCabinet.plannedOn : outageCabinet.plannedOff, { keyboard: 'menu' });
        return;
      }
      case 'phone': {
        const phone = await phoneStep(chat, deps, { prompt: onboarding.askPhoneShared, deferOnLater: false });
        await afterPhone(chat, deps, phone, { linkWhenNone: false });
        return;
      }
      case 'connect':
        await connectOther(chat, deps);
        return;
      case 'delete':
        await deleteData(chat, deps);
        return;
    }
    await chat.say(menuTexts.shown, { keyboard: 'menu' });
  },
};

/** A reminder's «Вимкнути нагадування» button. */
export const remindersOffFlow: Flow<null> = {
  id: 'reminders-off',
  async run(chat, deps) {
    await chat.step(async () => {
      await setReminders(deps.core, chat.subscriberId, false);
      return null;
    });
    await chat.say(settings.remindersOff, { keyboard: 'menu' });
  },
};
