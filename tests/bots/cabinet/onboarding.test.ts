import { describe, expect, it } from 'vitest';
import { common } from '../../../bots/texts/common.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { anAccount } from '../../support/builders.ts';
import { aNewcomer, useChannel, type Stage } from './scenario.ts';

// First contact, played the same on both channels: nothing before consent, the phone step (only Telegram's own
// contact is evidence: a one-tap offer there, never on Viber), «Пізніше», and a /start that does not ask again.

const subscriberOf = (stage: Stage, channelUserId: string) =>
  stage.db.models.Subscriber.findOne({ where: { channel: stage.channel, channelUserId }, rejectOnEmpty: true });

describe.each(channels)('onboarding on $name', (kind) => {
  const stage = useChannel(kind);

  it('asks for consent first and lets nothing through before it; then the phone with the contact keyboard and «Пізніше»', async () => {
    const person = aNewcomer(stage, 'Оксана');
    const greeting = await person.start();
    expect(textsOf(greeting)).toEqual([`${onboarding.greeting('Оксано')}\n\n${onboarding.agreement}`]);
    expect(choicesOf(greeting)).toEqual([onboarding.consentButton]);

    // A menu item before consent: the agreement again, nothing else.
    const early = await person.type('Передати показники');
    expect(textsOf(early).at(-1)).toContain(onboarding.agreement);
    expect((await subscriberOf(stage, person.channelUserId)).consentedAt).toBeNull();

    const phone = await person.press(onboarding.consentButton);
    expect(textsOf(phone)).toEqual([`${onboarding.consentThanks}\n\n${onboarding.askPhoneShared}\n\n${onboarding.noContactButtonHint}`]);
    expect(keyboardOf(phone)).toBe('contact');
    expect(choicesOf(phone)).toEqual([onboarding.laterButton]);
    expect((await subscriberOf(stage, person.channelUserId)).consentedAt).not.toBeNull();

    // Typing the phone is not sharing it.
    const typed = await person.type('0671234567');
    expect(textsOf(typed)).toEqual([onboarding.usePhoneButton]);
    expect(keyboardOf(typed)).toBe('contact');
  });

  it('the own contact on Telegram offers the accounts under it with one tap; a Viber contact is kept unverified and never offers', async () => {
    const account = await anAccount(stage.db, { phone: '380671230001' });
    const person = aNewcomer(stage, 'Андрій');
    await person.start();
    await person.press(onboarding.consentButton);
    const after = await person.shareContact('+380671230001', 'own');
    const row = await subscriberOf(stage, person.channelUserId);
    if (stage.channel === 'telegram') {
      expect(row.phone).toBe('380671230001');
      expect(textsOf(after)[0]).toContain(onboarding.phoneSaved);
      expect(choicesOf(after)).toEqual([linking.offerButton(account.number, account.address), linking.otherAccountShort, onboarding.laterButton]);
      const linked = await person.press(linking.offerButton(account.number, account.address));
      expect(textsOf(linked)).toEqual([linking.linkedOutcome({ kind: 'linked', account })]);
      expect(keyboardOf(linked)).toBe('menu');
      expect(await stage.db.models.Link.count({ where: { subscriberId: row.id, accountId: account.id } })).toBe(1);
    } else {
      expect(row.phone).toBeNull();
      expect(row.phoneUnverified).toBe('380671230001');
      expect(textsOf(after)).toEqual([`${onboarding.unverifiedPhoneKept}\n\n${linking.askNumber}`]);
      expect(keyboardOf(after)).toBe('flow');
      expect(await stage.db.models.Link.count({ where: { subscriberId: row.id } })).toBe(0);
    }
  });

  it('someone else’s contact card is kept unverified on both channels and goes on to adding an account', async () => {
    await anAccount(stage.db, { phone: '380671230002' });
    const person = aNewcomer(stage);
    await person.start();
    await person.press(onboarding.consentButton);
    const after = await person.shareContact('+380671230002', 'other');
    expect(textsOf(after)).toEqual([`${onboarding.unverifiedPhoneKept}\n\n${linking.askNumber}`]);
    const row = await subscriberOf(stage, person.channelUserId);
    expect(row.phone).toBeNull();
    expect(row.phoneUnverified).toBe('380671230002');
  });

  it('«Пізніше» goes on to adding an account; after «Скасувати» a /start welcomes back and does not ask for the phone again', async () => {
    const person = aNewcomer(stage, 'Оксана');
    await person.start();
    await person.press(onboarding.consentButton);
    const later = await person.press(onboarding.laterButton);
    expect(textsOf(later)).toEqual([`${onboarding.phoneLater}\n\n${linking.askNumber}`]);
    expect(keyboardOf(later)).toBe('flow');
    expect((await subscriberOf(stage, person.channelUserId)).phoneDeferredAt).not.toBeNull();

    const cancelled = await person.press(common.cancelButton);
    expect(textsOf(cancelled)).toEqual([common.cancelled]);
    expect(keyboardOf(cancelled)).toBe('menu');

    const back = await person.start();
    expect(textsOf(back)).toEqual([onboarding.welcomeBack('Оксано')]);
    expect(keyboardOf(back)).toBe('menu');
  });

  it('continues on a new bot instance after a restart at the consent and again at the phone', async () => {
    const person = aNewcomer(stage, 'Андрій');
    await person.start();
    await stage.world.restart();
    const phone = await person.press(onboarding.consentButton);
    expect(textsOf(phone)).toEqual([`${onboarding.consentThanks}\n\n${onboarding.askPhoneShared}\n\n${onboarding.noContactButtonHint}`]);
    await stage.world.restart();
    const later = await person.press(onboarding.laterButton);
    expect(textsOf(later)).toEqual([`${onboarding.phoneLater}\n\n${linking.askNumber}`]);
    const row = await subscriberOf(stage, person.channelUserId);
    expect(row.consentedAt).not.toBeNull();
    expect(row.phoneDeferredAt).not.toBeNull();
  });
});
