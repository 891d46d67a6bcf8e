import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { FixedClock } from '../../../core/clock.ts';
import { addNote, answerLetter, LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, writeLetter } from '../../../core/letters/index.ts';
import { defaultCoreSettings } from '../../../core/settings.ts';
import type { TestDatabase } from '../../support/database.ts';
import { aCharge, anAccount, aPayment } from '../../support/builders.ts';
import { aReading } from '../../support/readings-builders.ts';
import type { FakeViber } from '../../support/fake-viber/index.ts';
import { closeViberWorld, startViberWorld, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { accounts as accountTexts } from '../../../bots/texts/accounts.ts';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { settings } from '../../../bots/texts/settings.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';
import { aViberSubscriberWithAccounts, chatAtMenu, isMenu, labels } from './flow-harness.ts';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));
const core = () => ({ db, clock, settings: defaultCoreSettings });

beforeAll(async () => {
  ({ db, viber, instance } = await startViberWorld({ authToken: 'viber-test-token-menu', clock }));
});
afterAll(() => closeViberWorld({ db, viber, instance }));

const chat = (id: string) => chatAtMenu(viber, () => instance, id);

describe('my accounts', () => {
  it('lists the accounts, opens one with charges, payments and readings, and unlinks it after a confirmation', async () => {
    const { subscriber, accounts } = await aViberSubscriberWithAccounts(db, 'acc==', [
      { account: { number: '300111', address: 'вул. Липова, 1', balanceKop: 12_345 }, meters: [{ serial: 'A-1' }] },
      { account: { number: '300222', address: 'вул. Кленова, 2', balanceKop: -500 }, meters: [] },
    ]);
    const [first] = accounts;
    await aCharge(db, first!.account, { period: '2026-10-01', volumeM3: '7.000', amountKop: 20_100 });
    await aPayment(db, first!.account, '2026-11-10', 15_000);
    await aReading(db, first!.meters[0]!, { value: 118, localDate: '2026-10-20' });
    const c = await chat('acc==');

    const list = await c.press(menu.accounts);
    expect(list.text).toContain(accountTexts.header);
    expect(list.text).toContain('Рахунок № 300111\nАдреса: вул. Липова, 1\n' + accountTexts.balance(12_345));
    expect(list.text).toContain(accountTexts.balance(-500));
    expect(list.text).toContain(accountTexts.noMeters);
    expect(labels(list)).toEqual([accountTexts.openButton('300111'), accountTexts.openButton('300222'), common.back]);

    const opened = await c.press(accountTexts.openButton('300111'));
    expect(opened.text).toContain(`${accountTexts.chargesHeader}\n${accountTexts.charge({ period: '2026-10-01', service: 'водопостачання', volumeM3: '7.000', amountKop: 20_100 })}`);
    expect(opened.text).toContain(`${accountTexts.paymentsHeader}\n${accountTexts.payment({ paidOn: '2026-11-10', amountKop: 15_000 })}`);
    expect(opened.text).toContain(`${accountTexts.readingsHeader}\n${accountTexts.reading({ localDate: '2026-10-20', value: 118, meterSerial: 'A-1' })}`);
    expect(labels(opened)).toEqual([accountTexts.unlinkButton, common.back]);

    const ask = await c.press(accountTexts.unlinkButton);
    expect(ask.text).toBe(accountTexts.confirmUnlink('300111', 'вул. Липова, 1'));
    expect((await c.text('так')).text).toBe(viberTexts.pressAButton);
    const done = await c.press(accountTexts.confirmUnlinkButton);
    expect(done.text).toBe(accountTexts.unlinked('300111'));
    expect(isMenu(done)).toBe(true);
    const links = await db.models.Link.findAll({ where: { subscriberId: subscriber.id } });
    expect(links.map((l) => l.accountId)).toEqual([accounts[1]!.account.id]);
  });

  it('keeps the account when the subscriber changes their mind', async () => {
    const { subscriber } = await aViberSubscriberWithAccounts(db, 'acc-keep==', [{ account: { number: '300333' } }]);
    const c = await chat('acc-keep==');
    await c.press(menu.accounts);
    await c.press(accountTexts.openButton('300333'));
    await c.press(accountTexts.unlinkButton);
    expect((await c.press(accountTexts.keepButton)).text).toBe(accountTexts.kept);
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(1);
  });
});

describe('writing a letter', () => {
  it('stores the category, the chosen account, the text and the picture, and tells its number', async () => {
    const { subscriber, accounts } = await aViberSubscriberWithAccounts(db, 'letter==', [{}, {}]);
    const second = accounts[1]!.account;
    const c = await chat('letter==');

    const categories = await c.press(menu.letter);
    expect(categories.text).toBe(letters.chooseCategory);
    expect(labels(categories)).toContain(letters.categories['service-request']);
    const which = await c.press(letters.categories['service-request']);
    expect(which.text).toBe(letters.chooseAccount);
    expect(labels(which)).toContain(letters.noAccountButton);
    expect((await c.press(letters.accountButton(second.number, second.address))).text).toBe(letters.askText(LETTER_TEXT_MAX));

    expect((await c.send((u) => u.sendPicture())).text).toBe(viberTexts.letterTextFirst);
    const long = 'я'.repeat(LETTER_TEXT_MAX + 1);
    expect((await c.text(long)).text).toBe(letters.tooLong(LETTER_TEXT_MAX, LETTER_TEXT_MAX + 1));
    const photos = await c.text('  Прошу замінити пломбу на лічильнику.  ');
    expect(photos.text).toBe(letters.askPhotos(LETTER_ATTACHMENTS_MAX));
    expect(labels(photos)).toEqual([letters.noPhotosButton, common.cancelButton]);

    const media = 'https://dl-media.viber.com/fake/plomba.jpg';
    const added = await c.send((u) => u.sendPicture(media));
    expect(added.text).toBe(letters.photoAdded(1, LETTER_ATTACHMENTS_MAX));
    expect(labels(added)).toEqual([letters.doneButton, common.cancelButton]);
    expect((await c.send((u) => u.sendFile())).text).toBe(viberTexts.onlyPhotos);

    const confirm = await c.press(letters.doneButton);
    expect(confirm.text).toBe(
      letters.confirm({ category: 'service-request', accountNumber: second.number, text: 'Прошу замінити пломбу на лічильнику.', photos: 1 }),
    );
    const stored = await c.press(letters.sendButton);
    const [row] = await db.sequelize.query<{ id: number; category: string; account_id: number; text: string; attachments: unknown; channel: string }>(
      `SELECT id, category, account_id, text, attachments, channel FROM letters WHERE subscriber_id = :id`,
      { replacements: { id: subscriber.id }, type: QueryTypes.SELECT },
    );
    expect(row).toMatchObject({
      category: 'service-request',
      account_id: second.id,
      channel: 'viber',
      text: 'Прошу замінити пломбу на лічильнику.',
      attachments: [{ kind: 'photo', ref: media, channel: 'viber' }],
    });
    expect(stored.text).toBe(letters.stored(row!.id));
    expect(isMenu(stored)).toBe(true);
  });
});

describe('my letters', () => {
  it('shows the staff answer and never an internal note', async () => {
    const { subscriber } = await aViberSubscriberWithAccounts(db, 'answers==', [{}]);
    const written = await writeLetter(core(), { subscriberId: subscriber.id, category: 'question', text: 'Коли буде вода?', attachments: [] });
    if (written.kind !== 'stored') throw new Error(written.kind);
    expect((await answerLetter(core(), { letterId: written.letterId, staffName: 'Марія', text: 'Воду подамо о 18:00.' })).kind).toBe('answered');
    expect((await addNote(core(), { letterId: written.letterId, staffName: 'Марія', text: 'Внутрішнє: бригада №3 ще на місці' })).kind).toBe('noted');
    const c = await chat('answers==');

    const list = await c.press(menu.letters);
    expect(list.text).toContain(letters.listHeader);
    expect(list.text).toContain(`Лист №${written.number}`);
    expect(list.text).toContain(`Статус: ${letters.statuses.answered}`);
    expect(list.text).toContain('Відповідь: Воду подамо о 18:00.');
    expect(list.text).not.toContain('бригада');
    expect(labels(list)).toEqual([letters.openButton(written.number), common.back]);

    const opened = await c.press(letters.openButton(written.number));
    expect(opened.text).toContain(letters.letterHeader({ number: written.number, category: 'question', status: 'answered', accountNumber: null }));
    expect(opened.text).toContain('Коли буде вода?');
    expect(opened.text).toContain('Відповідь водоканалу');
    expect(opened.text).toContain('Воду подамо о 18:00.');
    expect(opened.text).not.toContain('бригада');
    expect(opened.text).not.toContain(letters.noAnswerYet);
  });

  it('says there are none yet', async () => {
    await aViberSubscriberWithAccounts(db, 'no-letters==', [{}]);
    const c = await chat('no-letters==');
    const none = await c.press(menu.letters);
    expect(none.text).toBe(letters.none);
    expect(isMenu(none)).toBe(true);
  });
});

describe('settings', () => {
  it('turns reminders off and on, the label saying what a press does', async () => {
    const { subscriber } = await aViberSubscriberWithAccounts(db, 'set-rem==', [{}]);
    const c = await chat('set-rem==');
    const shown = await c.press(menu.settings);
    expect(shown.text).toBe(settings.header({ remindersEnabled: true, phone: null }));
    expect(labels(shown)).toEqual([settings.remindersToggle(true), settings.changePhoneButton, settings.deleteDataButton, common.back]);

    const off = await c.press(settings.remindersToggle(true));
    expect(off.text).toBe(`${settings.remindersOff}\n\n${settings.header({ remindersEnabled: false, phone: null })}`);
    expect(labels(off)[0]).toBe(settings.remindersToggle(false));
    await subscriber.reload();
    expect(subscriber.remindersEnabled).toBe(false);

    await c.press(settings.remindersToggle(false));
    await subscriber.reload();
    expect(subscriber.remindersEnabled).toBe(true);
  });

  it('changes the phone with the share-phone button, and says so when Viber Desktop sends none', async () => {
    const { subscriber } = await aViberSubscriberWithAccounts(db, 'set-phone==', [{}]);
    const c = await chat('set-phone==');
    await c.press(menu.settings);
    const ask = await c.press(settings.changePhoneButton);
    expect(ask.text).toContain(viberTexts.desktopPhoneHint);
    expect(ask.min_api_version).toBe(3);
    expect(ask.keyboard!.Buttons.map((b) => b.ActionType)).toEqual(['share-phone', 'reply']);
    expect((await c.send((u) => u.sharePhone(null))).text).toBe(viberTexts.contactWithoutPhone);

    await c.press(menu.settings);
    await c.press(settings.changePhoneButton);
    expect((await c.send((u) => u.sharePhone('+380 67 555 44 33'))).text).toBe(onboarding.phoneSaved);
    await subscriber.reload();
    expect(subscriber.phone).toBe('380675554433');

    // A phone billing knows: its accounts are offered for one press, as in onboarding.
    const known = await anAccount(db, { phone: '380675554444', address: 'вул. Річкова, 9' });
    await c.press(menu.settings);
    await c.press(settings.changePhoneButton);
    const offered = await c.send((u) => u.sharePhone('+380675554444'));
    expect(offered.text).toBe(`${onboarding.phoneSaved}\n\n${linking.offersFound(1)}`);
    const linked = await c.press(linking.offerButton(known.number, known.address));
    expect(linked.text).toBe(linking.linked(known.number, known.address));
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id, accountId: known.id } })).toBe(1);
  });

  it('erases the data after a confirmation, forgets the flow, and asks for consent again', async () => {
    const { subscriber } = await aViberSubscriberWithAccounts(db, 'set-erase==', [{}, {}]);
    const c = await chat('set-erase==');
    await c.press(menu.settings);
    const ask = await c.press(settings.deleteDataButton);
    expect(ask.text).toBe(settings.confirmDelete);
    expect((await c.send((u) => u.sendSticker())).text).toBe(common.notUnderstoodMedia);

    const done = await c.press(settings.confirmDeleteButton);
    expect(done.text).toBe(viberTexts.deleted);
    expect(labels(done)).toEqual([viberTexts.startButton]);
    await subscriber.reload();
    expect(subscriber.consentedAt).toBeNull();
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);
    const [flow] = await db.sequelize.query<{ flow: string | null; data: unknown }>(
      `SELECT flow, data FROM viber_conversations WHERE viber_user_id = 'set-erase=='`,
      { type: QueryTypes.SELECT },
    );
    expect(flow).toEqual({ flow: null, data: {} });

    const again = await c.press(viberTexts.startButton);
    expect(again.text).toContain(onboarding.agreement);
  });
});
