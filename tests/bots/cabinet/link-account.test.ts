import { describe, expect, it } from 'vitest';
import { lockedText } from '../../../bots/flows/link-account.ts';
import { common } from '../../../bots/texts/common.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { channels, choicesOf, keyboardOf, textsOf } from '../../support/channels.ts';
import { anAccount, aPayment } from '../../support/builders.ts';
import { aMember, useChannel } from './scenario.ts';

// «Додати рахунок», played the same on both channels: by the last payment, by the surname, a failure that
// counts the attempts left in Ukrainian and asks for the number again, the lock that names itself, «Скасувати»,
// and a restart of the bot in the middle.

const NOW = '2026-11-25T09:00:00Z';
const DAY = 24 * 3_600_000;

describe.each(channels)('adding an account on $name', (kind) => {
  const stage = useChannel(kind, { at: NOW });

  async function upToTheProof(number: string, proof: string) {
    const member = await aMember(stage);
    const ask = await member.person.type(menu.addAccount);
    expect(textsOf(ask)).toEqual([linking.askNumber]);
    expect(keyboardOf(ask)).toBe('flow');
    const methods = await member.person.type(number);
    expect(textsOf(methods)).toEqual([linking.chooseProof(number)]);
    expect(choicesOf(methods)).toEqual([linking.proofPaymentButton, linking.proofSurnameButton]);
    const asked = await member.person.press(proof);
    expect(textsOf(asked)).toEqual([proof === linking.proofPaymentButton ? linking.askPayment : linking.askSurname]);
    return member;
  }

  it('links by the amount of the last payment, showing the address, with the menu back', async () => {
    const account = await anAccount(stage.db);
    await aPayment(stage.db, account, '2026-11-10', 31_050);
    const { person, subscriber } = await upToTheProof(account.number, linking.proofPaymentButton);
    const done = await person.type('310,50');
    expect(textsOf(done)).toEqual([linking.linked(account.number, account.address)]);
    expect(keyboardOf(done)).toBe('menu');
    const link = await stage.db.models.Link.findOne({ where: { subscriberId: subscriber.id, accountId: account.id }, rejectOnEmpty: true });
    expect(link.method).toBe('payment');
  });

  it('links by the first letters of the surname, a bad answer asked again', async () => {
    const account = await anAccount(stage.db, { surname: 'Коваленко' });
    const { person, subscriber } = await upToTheProof(account.number, linking.proofSurnameButton);
    expect(textsOf(await person.type('К'))).toEqual([linking.invalidAnswer.surname]);
    const done = await person.type('ков');
    expect(textsOf(done)).toEqual([linking.linked(account.number, account.address)]);
    expect(await stage.db.models.Link.count({ where: { subscriberId: subscriber.id, accountId: account.id, method: 'surname' } })).toBe(1);
  });

  it('a failure with attempts left counts them in Ukrainian and asks for the number again; the third locks and names the lock', async () => {
    const account = await anAccount(stage.db, { surname: 'Коваль' });
    const { person, subscriber } = await upToTheProof(account.number, linking.proofSurnameButton);
    const first = await person.type('Шев');
    expect(textsOf(first)).toEqual([linking.mismatchRetry(account.number, 2)]);
    expect(textsOf(first)[0]).toContain('Залишилося 2 спроби');
    expect(keyboardOf(first)).toBe('flow');

    await person.type(account.number);
    await person.press(linking.proofSurnameButton);
    const second = await person.type('Шев');
    expect(textsOf(second)[0]).toContain('Залишилася 1 спроба');

    await person.type(account.number);
    await person.press(linking.proofSurnameButton);
    const third = await person.type('Шев');
    const until = new Date(Date.parse(NOW) + DAY).toISOString();
    expect(textsOf(third)).toEqual([`${linking.mismatchFinal(account.number)}\n\n${lockedText('pair', account.number, until, 'Europe/Kyiv')}`]);
    expect(keyboardOf(third)).toBe('menu');
    expect(await stage.db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);

    // Next time the lock answers before anything is checked, even the right surname.
    await person.type(menu.addAccount);
    await person.type(account.number);
    await person.press(linking.proofSurnameButton);
    const locked = await person.type('Ков');
    expect(textsOf(locked)).toEqual([lockedText('pair', account.number, until, 'Europe/Kyiv')]);
    expect(await stage.db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);
  });

  it('«Скасувати» at the proof leaves the flow and nothing is linked; the method buttons are stale then', async () => {
    const account = await anAccount(stage.db);
    const member = await aMember(stage);
    await member.person.type(menu.addAccount);
    await member.person.type(account.number);
    const old = member.person.markButton(linking.proofSurnameButton);
    const cancelled = await member.person.press(common.cancelButton);
    expect(textsOf(cancelled)).toEqual([common.cancelled]);
    expect(keyboardOf(cancelled)).toBe('menu');
    const stale = await member.person.pressMarked(linking.proofSurnameButton, old);
    // Telegram tells the button is stale; on Viber an old button is its label typed, which fits nothing now.
    expect(textsOf(stale)).toEqual([stage.channel === 'telegram' ? common.staleButton : common.unknownText]);
    expect(await stage.db.models.Link.count({ where: { subscriberId: member.subscriber.id } })).toBe(0);
  });

  it('continues on a new bot instance after a restart at the proof', async () => {
    const account = await anAccount(stage.db, { surname: 'Петренко' });
    const { person, subscriber } = await upToTheProof(account.number, linking.proofSurnameButton);
    await stage.world.restart();
    const done = await person.type('Пет');
    expect(textsOf(done)).toEqual([linking.linked(account.number, account.address)]);
    expect(await stage.db.models.Link.count({ where: { subscriberId: subscriber.id, accountId: account.id } })).toBe(1);
  });

  it('a sticker or words where a button is expected are explained, and the buttons can still be pressed', async () => {
    const account = await anAccount(stage.db, { surname: 'Мельник' });
    const member = await aMember(stage);
    await member.person.type(menu.addAccount);
    await member.person.type(account.number);
    const first = member.person.markButton(linking.proofSurnameButton);
    const sticker = await member.person.sendSticker();
    expect(textsOf(sticker)).toEqual([common.notUnderstoodMedia]);
    // The hint offers the same buttons again (on Viber the keyboard belongs to the last message).
    expect(choicesOf(sticker)).toEqual([linking.proofPaymentButton, linking.proofSurnameButton]);
    expect(textsOf(await member.person.type('не знаю'))).toEqual([common.pressAButton]);
    // The first message's button still works.
    const asked = await member.person.pressMarked(linking.proofSurnameButton, first);
    expect(textsOf(asked)).toEqual([linking.askSurname]);
    const done = await member.person.type('Мел');
    expect(textsOf(done)).toEqual([linking.linked(account.number, account.address)]);
  });
});
