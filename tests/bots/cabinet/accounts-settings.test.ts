import { describe, expect, it } from 'vitest';
import { accounts } from '../../../bots/texts/accounts.ts';
import { chartTexts } from '../../../bots/texts/chart.ts';
import { common } from '../../../bots/texts/common.ts';
import { help } from '../../../bots/texts/help.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu, menuTexts } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { settings } from '../../../bots/texts/settings.ts';
import { statements } from '../../../bots/texts/statements.ts';
import { outageCabinet } from '../../../bots/texts/outages.ts';
import { money } from '../../../bots/texts/format.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { aLink, aMeter, anAccount, aPayment } from '../../support/builders.ts';
import { aMember, useChannel } from './scenario.ts';

// «Мої рахунки», «Налаштування» and «Допомога», played the same on both channels.

describe.each(channels)('my accounts on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-11-25T09:00:00Z' });

  async function withTwoAccounts() {
    const member = await aMember(stage);
    const home = await anAccount(stage.db, { surname: 'Коваленко', givenNames: 'Олена Петрівна', balanceKop: 12_345 });
    await aMeter(stage.db, home, { serial: 'K-1', place: 'кухня', lastReading: 120, lastReadingDate: '2026-10-25', verificationDue: '2029-03-01' });
    await aMeter(stage.db, home, { serial: 'B-2', place: 'ванна', lastReading: 40, lastReadingDate: '2026-10-25', verificationDue: '2026-11-01' });
    await aPayment(stage.db, home, '2026-11-10', 20_000);
    const dacha = await anAccount(stage.db, { balanceKop: 0 });
    await aLink(stage.db, member.subscriber, home);
    await aLink(stage.db, member.subscriber, dacha);
    return { ...member, home, dacha };
  }

  it('lists the accounts; one shows its holder, the verification dates with the overdue one marked, its payments; unlinks after a confirmation', async () => {
    const { person, subscriber, home, dacha } = await withTwoAccounts();
    const list = await person.type(menu.accounts);
    expect(textsOf(list)).toHaveLength(1);
    expect(textsOf(list)[0]).toContain(accounts.listLine(home));
    expect(textsOf(list)[0]).toContain(accounts.listLine(dacha));
    expect(choicesOf(list)).toEqual([accounts.accountButton(home.number, home.address), accounts.accountButton(dacha.number, dacha.address), accounts.toMenu]);

    const view = await person.press(accounts.accountButton(home.number, home.address));
    const card = textsOf(view)[0]!;
    expect(card).toContain(accounts.holder('Коваленко О. П.'));
    expect(card).toContain(accounts.balance(12_345));
    expect(card).toContain('Наступна повірка: до 01.03.2029');
    expect(card).toContain('⚠️ Строк повірки минув 01.11.2026');
    expect(card).toContain(money(20_000));
    expect(choicesOf(view)).toEqual([chartTexts.button, statements.button, accounts.unlinkButton, accounts.backToList, accounts.toMenu]);

    const confirm = await person.press(accounts.unlinkButton);
    expect(textsOf(confirm)).toEqual([accounts.confirmUnlink(home.number, home.address)]);
    expect(choicesOf(confirm)).toEqual([accounts.confirmUnlinkButton, accounts.keepButton]);
    const done = await person.press(accounts.confirmUnlinkButton);
    expect(textsOf(done)).toEqual([accounts.unlinked(home.number)]);
    expect(keyboardOf(done)).toBe('menu');
    const left = await stage.db.models.Link.findAll({ where: { subscriberId: subscriber.id } });
    expect(left.map((l) => l.accountId)).toEqual([dacha.id]);
  });

  it('keeps the account when the subscriber changes their mind; continues after a restart at the confirmation', async () => {
    const { person, subscriber, home } = await withTwoAccounts();
    await person.type(menu.accounts);
    await person.press(accounts.accountButton(home.number, home.address));
    await person.press(accounts.unlinkButton);
    await stage.world.restart();
    const kept = await person.press(accounts.keepButton);
    expect(textsOf(kept)).toEqual([accounts.kept]);
    expect(await stage.db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(2);
  });

  it('says there are none yet, with the menu', async () => {
    const { person } = await aMember(stage);
    const none = await person.type(menu.accounts);
    expect(textsOf(none)).toEqual([accounts.none]);
    expect(keyboardOf(none)).toBe('menu');
  });

  it('«Головне меню» on the list is the flow’s button on both channels (on Viber its words are also a start word)', async () => {
    const { person } = await withTwoAccounts();
    await person.type(menu.accounts);
    const back = await person.press(accounts.toMenu);
    expect(textsOf(back)).toEqual([menuTexts.shown]);
    expect(keyboardOf(back)).toBe('menu');
  });
});

describe.each(channels)('settings and help on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-11-25T09:00:00Z' });

  it('turns reminders off and on, the button saying what a press does', async () => {
    const { person, subscriber } = await aMember(stage);
    const header = await person.type(menu.settings);
    expect(textsOf(header)).toEqual([`${settings.headerShared({ remindersEnabled: true, phone: null, phoneUnverified: null })}\n${outageCabinet.plannedLine(true)}`]);
    expect(choicesOf(header)).toEqual([settings.remindersOffButton, outageCabinet.plannedOffButton, settings.changePhoneButton, settings.deleteDataButton]);
    const off = await person.press(settings.remindersOffButton);
    expect(textsOf(off)).toEqual([settings.remindersOff]);
    expect(keyboardOf(off)).toBe('menu');
    await subscriber.reload();
    expect(subscriber.remindersEnabled).toBe(false);

    const again = await person.type(menu.settings);
    expect(choicesOf(again)[0]).toBe(settings.remindersOnButton);
    await stage.world.restart();
    const on = await person.press(settings.remindersOnButton);
    expect(textsOf(on)).toEqual([settings.remindersOn]);
    await subscriber.reload();
    expect(subscriber.remindersEnabled).toBe(true);
  });

  it('changes the phone with the contact button: the own number on Telegram is verified and offers its accounts; on Viber it is kept unverified', async () => {
    const { person, subscriber } = await aMember(stage);
    const account = await anAccount(stage.db, { phone: '380501112299' });
    await person.type(menu.settings);
    const ask = await person.press(settings.changePhoneButton);
    expect(textsOf(ask)).toEqual([`${onboarding.askPhoneShared}\n\n${onboarding.noContactButtonHint}`]);
    expect(keyboardOf(ask)).toBe('contact');
    expect(choicesOf(ask)).toEqual([onboarding.laterButton]);
    const after = await person.shareContact('380501112299', 'own');
    await subscriber.reload();
    if (stage.channel === 'telegram') {
      expect(subscriber.phone).toBe('380501112299');
      expect(textsOf(after)[0]).toContain(onboarding.phoneSaved);
      expect(choicesOf(after)).toContain(linking.offerButton(account.number, account.address));
    } else {
      expect(subscriber.phone).toBeNull();
      expect(subscriber.phoneUnverified).toBe('380501112299');
      expect(textsOf(after)).toEqual([onboarding.unverifiedPhoneKept]);
      expect(keyboardOf(after)).toBe('menu');
    }
  });

  it('«Пізніше» at the new phone keeps it as it was', async () => {
    const { person } = await aMember(stage);
    await person.type(menu.settings);
    await person.press(settings.changePhoneButton);
    const kept = await person.press(onboarding.laterButton);
    expect(textsOf(kept)).toEqual([settings.phoneUnchanged]);
    expect(keyboardOf(kept)).toBe('menu');
  });

  it('deletes the data after a confirmation; the next message asks for consent again', async () => {
    const { person, subscriber } = await aMember(stage);
    await aLink(stage.db, subscriber, await anAccount(stage.db));
    await person.type(menu.settings);
    const confirm = await person.press(settings.deleteDataButton);
    expect(textsOf(confirm)).toEqual([settings.confirmDelete]);
    expect(choicesOf(confirm)).toEqual([settings.confirmDeleteButton, settings.keepDataButton]);
    const deleted = await person.press(settings.confirmDeleteButton);
    expect(textsOf(deleted)).toEqual([settings.deleted]);
    expect(keyboardOf(deleted)).toBe('menu');
    expect(await stage.db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);
    const row = await stage.db.models.Subscriber.findOne({ where: { channel: stage.channel, channelUserId: person.channelUserId } });
    expect(row?.consentedAt ?? null).toBeNull();

    const back = await person.start();
    expect(textsOf(back).at(-1)).toContain(onboarding.agreement);
    expect(choicesOf(back)).toEqual([onboarding.consentButton]);
  });

  it('keeps the data on «Ні, залишити»', async () => {
    const { person, subscriber } = await aMember(stage);
    await person.type(menu.settings);
    await person.press(settings.deleteDataButton);
    const kept = await person.press(settings.keepDataButton);
    expect(textsOf(kept)).toEqual([settings.notDeleted]);
    await subscriber.reload();
    expect(subscriber.consentedAt).not.toBeNull();
  });

  it('help tells how to leave a flow with «Скасувати», with the menu', async () => {
    const { person } = await aMember(stage);
    const said = await person.type(menu.help);
    expect(textsOf(said)).toEqual([help.text]);
    expect(help.text).toContain(`«${common.cancelButton}»`);
    expect(keyboardOf(said)).toBe('menu');
  });
});
