import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../support/database.ts';
import { anAccount, aPayment, aSubscriber } from '../../support/builders.ts';
import { closeTelegramWorld, startTelegramWorld, type TelegramHarness } from '../../support/telegram-harness.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { common } from '../../../bots/texts/common.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { accounts } from '../../../bots/texts/accounts.ts';
import { cb } from '../../../bots/telegram/callback-data.ts';

let db: TestDatabase;
let h: TelegramHarness;

beforeAll(async () => {
  ({ db, h } = await startTelegramWorld());
});
afterAll(() => closeTelegramWorld({ db, h }));

/** A subscriber who already consented (onboarding is tested on its own), talking to the bot. */
async function consentedUser(id: number, name = 'Марія') {
  const subscriber = await aSubscriber(db, { channelUserId: String(id), name, phone: '380500000000' });
  return { user: h.tg.user({ id, first_name: name }), subscriber };
}

async function linksOf(subscriberId: number): Promise<number[]> {
  return (await db.models.Link.findAll({ where: { subscriberId } })).map((l) => l.accountId);
}

describe('linking an account', () => {
  it('links by the last payment, showing the address', async () => {
    const account = await anAccount(db, { number: '410001', address: 'вул. Соборна, 1, кв. 2' });
    await aPayment(db, account, '2026-10-12', 25_050);
    const { user, subscriber } = await consentedUser(7101);
    user.command('/add');
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    user.sendText('410-001');
    const proof = await h.tg.waitForSent(user.chatId, linking.chooseProof('410001'));
    const press = user.pressButton(proof, cb.proofPayment);
    await h.tg.waitForSent(user.chatId, linking.askPayment);
    expect(h.tg.callbackAnswer(press)).toBeDefined();
    user.sendText('двісті п’ятдесят');
    await h.tg.waitForSent(user.chatId, linking.invalidAnswer.payment);
    user.sendText('250,50 грн');
    await h.tg.waitForSent(user.chatId, linking.linked('410001', 'вул. Соборна, 1, кв. 2'));
    expect(await linksOf(subscriber.id)).toEqual([account.id]);
  });

  it('links by the surname through the menu button', async () => {
    const account = await anAccount(db, { number: '410002', surname: 'Коваленко', address: 'просп. Свободи, 10' });
    const { user, subscriber } = await consentedUser(7102);
    user.sendText(menu.addAccount);
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    user.sendText('410002');
    const proof = await h.tg.waitForSent(user.chatId, linking.chooseProof('410002'));
    user.pressButton(proof, cb.proofSurname);
    await h.tg.waitForSent(user.chatId, linking.askSurname);
    user.sendText('Ко');
    await h.tg.waitForSent(user.chatId, linking.invalidAnswer.surname);
    user.sendText('ков');
    await h.tg.waitForSent(user.chatId, linking.linked('410002', 'просп. Свободи, 10'));
    expect(await linksOf(subscriber.id)).toEqual([account.id]);
  });

  it('explains a mismatch with the number as read and the attempts left, then the lock', async () => {
    await anAccount(db, { number: '410003', surname: 'Бондар' });
    const { user, subscriber } = await consentedUser(7103);
    user.command('/add');
    const tryWrong = async () => {
      await h.tg.waitForSent(user.chatId, linking.askNumber);
      user.sendText('410003');
      const proof = await h.tg.waitForSent(user.chatId, linking.chooseProof('410003'));
      user.pressButton(proof, cb.proofSurname);
      await h.tg.waitForSent(user.chatId, linking.askSurname);
      user.sendText('Мельник');
    };
    await tryWrong();
    await h.tg.waitForSent(user.chatId, linking.mismatch('410003', 2));
    await tryWrong();
    await h.tg.waitForSent(user.chatId, linking.mismatch('410003', 1));
    await tryWrong();
    const locked = await h.tg.waitForSent(user.chatId, /Спроби на сьогодні вичерпано/);
    expect(locked.text).toContain('за київським часом');
    expect(locked.text).toMatch(/26\.11\.2026 о \d\d:\d\d/);

    // The lock holds on the next try, and says until when.
    user.command('/add');
    await tryWrong();
    await h.tg.waitForSent(user.chatId, /Забагато невдалих спроб.*26\.11\.2026 о 11:00/s);
    expect(await linksOf(subscriber.id)).toEqual([]);
  });

  it('/cancel leaves the flow; a menu button leaves it and does its own job', async () => {
    const { user } = await consentedUser(7104);
    user.command('/add');
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.cancelled);
    user.sendText('410002');
    await h.tg.waitForSent(user.chatId, common.unknownText);

    user.command('/add');
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    user.sendText(menu.accounts);
    await h.tg.waitForSent(user.chatId, accounts.none);
    user.command('/cancel');
    await h.tg.waitForSent(user.chatId, common.nothingToCancel);
  });

  it('answers a sticker, a forward and text-instead-of-a-button, and the flow goes on', async () => {
    const account = await anAccount(db, { number: '410005', surname: 'Ткаченко' });
    const { user, subscriber } = await consentedUser(7105);
    user.command('/add');
    await h.tg.waitForSent(user.chatId, linking.askNumber);
    user.sendSticker();
    await h.tg.waitForSent(user.chatId, common.notUnderstoodMedia);
    user.forward('410005');
    await h.tg.waitForSent(user.chatId, common.forwarded);
    user.sendText('410005');
    const proof = await h.tg.waitForSent(user.chatId, linking.chooseProof('410005'));
    user.sendText('Ткаченко');
    await h.tg.waitForSent(user.chatId, common.pressAButton);
    user.pressButton(proof, cb.proofSurname);
    await h.tg.waitForSent(user.chatId, linking.askSurname);
    user.sendText('Ткаченко');
    await h.tg.waitForSent(user.chatId, linking.linked('410005', account.address));
    expect(await linksOf(subscriber.id)).toEqual([account.id]);
  });
});
