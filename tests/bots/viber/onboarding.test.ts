import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.ts';
import type { TestDatabase } from '../../support/database.ts';
import { anAccount } from '../../support/builders.ts';
import type { FakeViber, SentMessage } from '../../support/fake-viber/index.ts';
import { closeViberWorld, startViberBotInstance, startViberWorld, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { common } from '../../../bots/texts/common.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  ({ db, viber, instance } = await startViberWorld({ authToken: 'viber-test-token-2', clock }));
});
afterAll(() => closeViberWorld({ db, viber, instance }));

const labels = (m: SentMessage) => m.keyboard?.Buttons.map((b) => b.ActionBody) ?? [];
const isMenu = (m: SentMessage) => labels(m).includes(menu.readings) && labels(m).includes(menu.help);
const subscriberOf = (id: string) => db.models.Subscriber.findOne({ where: { channel: 'viber', channelUserId: id } });

async function consented(id: string, name = 'Оксана') {
  const user = viber.user({ id, name });
  const first = await user.sendText('Привіт');
  await viber.waitForSent(id, (m) => labels(m).includes(onboarding.consentButton), { since: first.since });
  const agreed = await user.pressButton(onboarding.consentButton);
  const askPhone = await viber.waitForSent(id, (m) => m.text?.includes(onboarding.askPhone) ?? false, { since: agreed.since });
  return { user, askPhone };
}

describe('onboarding', () => {
  it('greets and asks for consent first, and nothing else works before it', async () => {
    const user = viber.user({ id: 'gate==', name: 'Галина' });
    const hello = await user.sendText('Привіт');
    const greeting = await viber.waitForSent(user.id, () => true, { since: hello.since });
    expect(greeting.text).toContain('Галина');
    expect(greeting.text).toContain(onboarding.agreement);
    expect(labels(greeting)).toEqual([onboarding.consentButton]);
    const button = greeting.keyboard!.Buttons[0]!;
    expect(button).toMatchObject({ ActionType: 'reply', TextSize: 'large', Columns: 6 });

    const tried = await user.sendText(menu.addAccount);
    const refused = await viber.waitForSent(user.id, () => true, { since: tried.since });
    expect(refused.text).toBe(onboarding.consentNeeded);
    expect(labels(refused)).toEqual([onboarding.consentButton]);
    await instance.bot.idle();
    expect((await subscriberOf(user.id))!.consentedAt).toBeNull();

    const sticker = await user.sendSticker();
    expect((await viber.waitForSent(user.id, () => true, { since: sticker.since })).text).toBe(onboarding.consentNeeded);
  });

  it('after consent asks for the phone with the share-phone button, saying what to do on Viber Desktop', async () => {
    const { askPhone } = await consented('phone-ask==');
    expect(askPhone.text).toContain(onboarding.consentThanks);
    expect(askPhone.text).toContain(viberTexts.desktopPhoneHint);
    expect(askPhone.min_api_version).toBe(3);
    expect(askPhone.keyboard!.Buttons.map((b) => b.ActionType)).toEqual(['share-phone', 'reply']);
    expect(labels(askPhone)[1]).toBe(onboarding.laterButton);
    expect((await subscriberOf('phone-ask=='))!.consentedAt).not.toBeNull();
  });

  it('saves the shared phone and shows the main menu', async () => {
    const { user } = await consented('phone-share==');
    const shared = await user.sharePhone('+380 67 123 45 01');
    const reply = await viber.waitForSent(user.id, () => true, { since: shared.since });
    expect(reply.text).toBe(onboarding.phoneSaved);
    expect(isMenu(reply)).toBe(true);
    expect((await subscriberOf(user.id))!.phone).toBe('380671234501');
  });

  it('goes on without a phone on "later"', async () => {
    const { user } = await consented('phone-later==');
    const later = await user.pressButton(onboarding.laterButton);
    const reply = await viber.waitForSent(user.id, () => true, { since: later.since });
    expect(reply.text).toBe(onboarding.phoneLater);
    expect(isMenu(reply)).toBe(true);
    expect((await subscriberOf(user.id))!.phone).toBeNull();
  });

  it('goes on without a phone when Viber sends a contact without a number, and says why', async () => {
    const { user } = await consented('phone-desktop==');
    const shared = await user.sharePhone(null);
    const reply = await viber.waitForSent(user.id, () => true, { since: shared.since });
    expect(reply.text).toBe(viberTexts.contactWithoutPhone);
    expect(isMenu(reply)).toBe(true);
  });

  it('asks again for the button when the phone is typed, or something else is sent', async () => {
    const { user } = await consented('phone-typed==');
    const typed = await user.sendText('0671234567');
    const reply = await viber.waitForSent(user.id, () => true, { since: typed.since });
    expect(reply.text).toContain(onboarding.usePhoneButton);
    expect(reply.keyboard!.Buttons[0]!.ActionType).toBe('share-phone');
    expect((await subscriberOf(user.id))!.phone).toBeNull();

    const located = await user.sendLocation();
    const again = await viber.waitForSent(user.id, () => true, { since: located.since });
    expect(again.text).toContain(common.notUnderstoodMedia);
    expect(again.keyboard!.Buttons[0]!.ActionType).toBe('share-phone');
  });

  it('offers the accounts billing knows under the shared phone and links the one pressed', async () => {
    const account = await anAccount(db, { phone: '380671234599', address: 'вул. Соборна, 7, кв. 3' });
    const { user } = await consented('phone-offers==');
    const shared = await user.sharePhone('0671234599');
    const offer = await viber.waitForSent(user.id, () => true, { since: shared.since });
    expect(offer.text).toContain(linking.offersFound(1));
    const offerLabel = linking.offerButton(account.number, account.address);
    expect(labels(offer)).toEqual([offerLabel, linking.otherAccountButton, onboarding.laterButton]);

    const pressed = await user.pressButton(offerLabel);
    const done = await viber.waitForSent(user.id, () => true, { since: pressed.since });
    expect(done.text).toBe(linking.linked(account.number, account.address));
    expect(isMenu(done)).toBe(true);
    const subscriber = await subscriberOf(user.id);
    expect(await db.models.Link.count({ where: { subscriberId: subscriber!.id, accountId: account.id } })).toBe(1);
  });
});

describe('after onboarding', () => {
  it('answers stickers, locations, files, videos and links helpfully, with the menu', async () => {
    const { user } = await consented('media==');
    await user.pressButton(onboarding.laterButton);
    await instance.bot.idle();
    for (const send of [() => user.sendSticker(), () => user.sendLocation(), () => user.sendFile(), () => user.sendVideo(), () => user.sendUrl()]) {
      const posted = await send();
      const reply = await viber.waitForSent(user.id, () => true, { since: posted.since });
      expect(reply.text).toBe(common.notUnderstoodMedia);
      expect(isMenu(reply)).toBe(true);
    }
  });

  it('sends a subscriber with no linked account from the readings menu item to linking one', async () => {
    const { user } = await consented('menu-no-accounts==');
    await user.pressButton(onboarding.laterButton);
    await instance.bot.idle();
    const pressed = await user.pressButton(menu.readings);
    const reply = await viber.waitForSent(user.id, () => true, { since: pressed.since });
    expect(reply.text).toBe(readings.noAccounts);
  });

  it('marks the subscriber when they unsubscribe, and clears it when they write again', async () => {
    const { user } = await consented('leaver==');
    await instance.bot.idle();
    await user.unsubscribe();
    await instance.bot.idle();
    expect((await subscriberOf(user.id))!.blockedAt).not.toBeNull();
    await user.sendText('Я повернувся');
    await instance.bot.idle();
    expect((await subscriberOf(user.id))!.blockedAt).toBeNull();
  });

  it('a subscribed callback greets a new subscriber with the agreement', async () => {
    const user = viber.user({ id: 'subscribed-cb==', name: 'Ніна' });
    const posted = await user.subscribe();
    const reply = await viber.waitForSent(user.id, () => true, { since: posted.since });
    expect(reply.text).toContain(onboarding.agreement);
  });
});

describe('state in the database', () => {
  it('a second instance on the same database continues a flow the first one started', async () => {
    const { user } = await consented('restart==');
    await instance.close();
    const second = await startViberBotInstance({ db, clock, viber });
    try {
      expect(viber.webhookUrl).toBe(second.webhookUrl);
      const shared = await user.sharePhone('+380501112233');
      const reply = await viber.waitForSent(user.id, () => true, { since: shared.since });
      expect(reply.text).toBe(onboarding.phoneSaved);
      expect((await subscriberOf(user.id))!.phone).toBe('380501112233');
    } finally {
      await second.close();
      instance = await startViberBotInstance({ db, clock, viber });
    }
  });

  it('two quick messages of one subscriber are handled one after the other', async () => {
    const { user } = await consented('quick==');
    // The webhook answers before handling, so the second arrives while the first is still being handled.
    const a = await user.pressButton(onboarding.laterButton);
    await user.sendText(menu.help);
    const replies = await viber.waitForCount(user.id, 2, { since: a.since });
    const texts = replies.map((r) => r.text);
    expect(texts).toHaveLength(2);
    expect(texts).toContain(onboarding.phoneLater);
    expect(texts.some((t) => t?.startsWith('Що вміє'))).toBe(true);
  });
});
