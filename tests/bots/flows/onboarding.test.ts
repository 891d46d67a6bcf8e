import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingFlow } from '../../../bots/flows/onboarding.ts';
import { startCommandFlow } from '../../../bots/flows/start.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { anAccount, aSubscriber } from '../../support/builders.ts';
import { flowDriver } from '../../support/flow-driver.ts';
import { flowDeps, ids, labels } from './flow-deps.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const NOW = '2026-12-04T10:00:00Z';

async function newcomer(name: string, channel: 'telegram' | 'viber' = 'telegram') {
  const subscriber = await aSubscriber(db, { name, consented: false, channel });
  const deps = flowDeps(db, NOW);
  const driver = flowDriver(onboardingFlow, deps, { subscriberId: subscriber.id, channel });
  return { subscriber, deps, driver };
}

async function consentGiven(name = 'Оксана', channel: 'telegram' | 'viber' = 'telegram') {
  const started = await newcomer(name, channel);
  await started.driver.start({ payload: null });
  await started.driver.press('agree');
  started.driver.take();
  return started;
}

describe('onboarding: consent', () => {
  it('greets by name in the vocative, takes nothing but «Погоджуюсь», records consent, then asks for the phone', async () => {
    const { subscriber, driver } = await newcomer('Оксана');
    await driver.start({ payload: null });
    const [greeting] = driver.take();
    expect(greeting!.text).toBe(`${onboarding.greeting('Оксано')}\n\n${onboarding.agreement}`);
    expect(labels(greeting!)).toEqual([[onboarding.consentButton]]);

    await driver.type('так');
    expect(driver.take().map((s) => s.text)).toEqual([onboarding.consentNeeded]);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.consentedAt).toBeNull();

    await driver.type('погоджуюсь');
    const [phone] = driver.take();
    expect(phone!.text).toBe(`${onboarding.consentThanks}\n\n${onboarding.askPhoneShared}\n\n${onboarding.noContactButtonHint}`);
    expect(phone!.options.keyboard).toBe('contact');
    expect(labels(phone!)).toEqual([[onboarding.laterButton]]);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.consentedAt).not.toBeNull();
  });

  it('greets a name it cannot decline as written', async () => {
    const { driver } = await newcomer('Oksana K.');
    await driver.start({ payload: null });
    expect(driver.take()[0]!.text.startsWith(onboarding.greeting('Oksana K.'))).toBe(true);
  });
});

describe('onboarding: the phone step', () => {
  it('offers the accounts of a verified phone, 8 to a message, with «Ще…» and «Інший рахунок»; one tap links', async () => {
    const phone = '380671230001';
    const accounts = [];
    for (let i = 0; i < 10; i++) accounts.push(await anAccount(db, { phone, number: `7700${String(i).padStart(2, '0')}` }));
    const { subscriber, driver } = await consentGiven();

    await driver.send({ kind: 'contact', phone: `+${phone}`, verified: true });
    const [first] = driver.take();
    expect(first!.text).toContain(onboarding.phoneSaved);
    expect(first!.text).toContain('10 особових рахунків');
    expect(ids(first!)).toEqual([...accounts.slice(0, 8).map((a) => `o:${a.id}`), 'more', 'other', 'done']);
    expect(labels(first!).at(-1)).toEqual([linking.moreOffersButton, linking.otherAccountShort, onboarding.laterButton]);

    await driver.press('more');
    const [second] = driver.take();
    expect(ids(second!)).toEqual([...accounts.slice(8).map((a) => `o:${a.id}`), 'more', 'other', 'done']);

    await driver.press(`o:${accounts[9]!.id}`);
    const [linked] = driver.take();
    expect(linked!.text).toContain(linking.linked(accounts[9]!.number, accounts[9]!.address));
    // The same page, less the linked one; «Пізніше» has become «Готово».
    expect(ids(linked!)).toEqual([`o:${accounts[8]!.id}`, 'more', 'other', 'done']);
    expect(labels(linked!).at(-1)!.at(-1)).toBe(linking.doneButton);
    const link = await db.models.Link.findOne({ where: { subscriberId: subscriber.id } });
    expect(link?.method).toBe('phone');

    await driver.press('done');
    expect(driver.take().map((s) => s.options.keyboard)).toEqual(['menu']);
    expect(driver.state).toBeNull();
  });

  it('never links by an unverified contact, even one billing knows: the phone is kept for staff, linking goes by number', async () => {
    const phone = '380671230002';
    await anAccount(db, { phone });
    const { subscriber, driver } = await consentGiven('Андрій', 'viber');

    await driver.send({ kind: 'contact', phone, verified: false });
    const [kept] = driver.take();
    expect(kept!.text).toBe(`${onboarding.unverifiedPhoneKept}\n\n${linking.askNumber}`);
    expect(kept!.options.choices).toBeUndefined();
    const row = await db.models.Subscriber.findByPk(subscriber.id);
    expect(row).toMatchObject({ phone: null, phoneUnverified: phone });
    expect(await db.models.Link.count({ where: { subscriberId: subscriber.id } })).toBe(0);
  });

  it('after «Пізніше» goes to linking by number, and a later /start does not ask for the phone again', async () => {
    const { subscriber, deps, driver } = await consentGiven('Андрій');
    await driver.press('later');
    expect(driver.take().map((s) => s.text)).toEqual([`${onboarding.phoneLater}\n\n${linking.askNumber}`]);
    expect((await db.models.Subscriber.findByPk(subscriber.id))?.phoneDeferredAt).not.toBeNull();

    const start = flowDriver(startCommandFlow, deps, { subscriberId: subscriber.id });
    await start.start({ payload: null });
    expect(start.take().map((s) => [s.text, s.options.keyboard])).toEqual([[onboarding.welcomeBack('Андрію'), 'menu']]);
  });

  it('answers a typed phone, a sticker and an empty contact without moving on', async () => {
    const { driver } = await consentGiven();
    await driver.type('0671234567');
    await driver.send({ kind: 'other' });
    await driver.send({ kind: 'contact', phone: null, verified: true });
    const said = driver.take();
    expect(said.map((s) => s.text)).toEqual([onboarding.usePhoneButton, expect.any(String), onboarding.invalidPhone]);
    expect(said.every((s) => s.options.keyboard === 'contact')).toBe(true);
  });
});
