import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { startPlayground, type Playground } from '../../../dev/playground/index.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { common } from '../../../bots/texts/common.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { loadDemoData, type DemoAccount } from '../../../core/billing/demo-data.ts';
import { systemClock } from '../../../core/clock.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { freePort } from '../../../dev/free-port.ts';

// A newcomer tries the cabinet in a real browser (Debian's chromium, headless): the page, the real bots over the
// local stand-ins of Telegram and Viber, the outbox and the staff desk, all as `npm start` wires them with no token.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts/playground';
const STEP_MS = 15_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let db: TestDatabase;
let playground: Playground;
let app: App;
let browser: Browser;
let base: string;
let demo: readonly DemoAccount[];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the playground's browser test needs Debian's chromium (apt-get install -y chromium).`);
  }
  await mkdir(ARTIFACTS, { recursive: true });
  db = await createTestDatabase();
  const logger = createLogger('silent');
  demo = await loadDemoData(db, systemClock);
  playground = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo });
  // The stand-in of Viber calls the app's webhook, so the app's address is known before it listens (as in main.ts).
  const port = await freePort('127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  app = buildApp({
    config,
    db,
    clock: systemClock,
    logger,
    telegramFallback: playground.telegram,
    viberFallback: playground.viberFor(base),
    mountExtra: (http) => playground.mount(http),
  });
  await app.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await playground?.stop();
  await db?.destroy();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: false });
}

/** The newest bubble from the bot containing the text. */
function fromBot(page: Page, text: string) {
  return page.locator('#sub-messages .bubble.from-bot', { hasText: text }).last();
}

async function botSays(page: Page, text: string): Promise<void> {
  await fromBot(page, text).waitFor({ state: 'visible', timeout: STEP_MS });
}

async function pressInline(page: Page, label: string): Promise<void> {
  await page.locator('#sub-messages .inline-button', { hasText: label }).last().click({ timeout: STEP_MS });
}

async function pressKey(page: Page, label: string): Promise<void> {
  await page.locator('#sub-keyboard .kb-button', { hasText: label }).first().click({ timeout: STEP_MS });
}

async function type(page: Page, text: string): Promise<void> {
  await page.fill('#sub-input', text);
  await page.click('#sub-send');
}

/** The letter flow as a subscriber goes through it: a question with the sample meter photo, sent. */
async function writeQuestionWithSamplePhoto(page: Page, question: string, press: (page: Page, label: string) => Promise<void>): Promise<void> {
  await botSays(page, letters.chooseCategory);
  // During a flow the main menu gives way to «Скасувати» at the bottom (on Viber, beside the flow's own buttons).
  const bottom = await page.locator('#sub-keyboard .kb-button').allTextContents();
  expect(bottom).toContain(common.cancelButton);
  expect(bottom).not.toContain(menu.readings);
  await press(page, letters.categories.question);
  await botSays(page, 'Напишіть, будь ласка, ваш лист');
  await type(page, question);
  await botSays(page, 'Можете додати фото');
  await page.click('#sub-attach');
  await page.click('#attach-menu [data-photo="sample"]');
  await botSays(page, 'Фото додано (1 з');
  await press(page, letters.doneButton);
  await botSays(page, 'Перевірте, будь ласка, ваш лист');
  await press(page, letters.sendButton);
  await botSays(page, 'прийнято. Відповідь надійде сюди');
}


/**
 * A fresh browser window on the playground. Script errors land in pageErrors; `outside` collects every request
 * that leaves this server, as nothing may leave the machine.
 */
async function openPage(options: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page; outside: string[] }> {
  const context = await browser.newContext({ locale: 'uk-UA', ...options });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  const outside: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) outside.push(request.url());
  });
  return { context, page, outside };
}

describe('the playground in a browser', () => {
  it('a newcomer agrees, shares the phone, links an account, submits a reading, writes a letter and gets the staff answer', async () => {
    const account = demo.find((a) => a.number === '990007') ?? demo.find((a) => a.phone === null)!;
    const { context, page, outside } = await openPage({ viewport: { width: 1440, height: 900 } });

    await page.goto(base);
    await expect(page.locator('#banner').textContent()).resolves.toContain('повідомлення не йдуть у справжній Telegram');
    // Марія: a phone billing does not know, so the account is linked with a proof.
    await page.selectOption('#subscriber-select', { label: 'Марія' });
    await page.locator('#sub-start').click({ timeout: STEP_MS });
    await botSays(page, 'Щоб користуватися кабінетом, потрібна ваша згода');
    await shot(page, '01-agreement');

    await pressInline(page, onboarding.consentButton);
    await botSays(page, onboarding.askPhoneShared);
    // The keyboard's own share-phone button, «Пізніше» and «Скасувати»; no second share button on the page.
    await expect(page.locator('#sub-keyboard .kb-button').allTextContents()).resolves.toEqual([`📱 ${onboarding.sharePhoneButton}`, onboarding.laterButton, common.cancelButton]);
    expect(await page.locator('#contact-bar').isHidden()).toBe(true);
    await shot(page, '02-asks-phone');
    await pressKey(page, onboarding.sharePhoneButton);
    await page.locator('#phone-dialog').waitFor({ state: 'visible' });
    await page.fill('#phone-input', '380501234567');
    await page.click('#phone-confirm');
    await botSays(page, onboarding.phoneSaved);
    await botSays(page, linking.askNumber);
    expect(await page.locator('#contact-bar').isHidden()).toBe(true);

    // The demo panel puts the account number into the input, as a tester would copy it.
    await page.locator(`.demo-account[data-account="${account.number}"] .chip`, { hasText: account.number }).first().click();
    await expect(page.inputValue('#sub-input')).resolves.toBe(account.number);
    await page.click('#sub-send');
    await botSays(page, linking.chooseProof(account.number));
    await pressInline(page, linking.proofSurnameButton);
    await botSays(page, linking.askSurname);
    await page.locator(`.demo-account[data-account="${account.number}"] .chip`, { hasText: account.surnameStart }).first().click();
    await page.click('#sub-send');
    await botSays(page, `Рахунок № ${account.number} додано`);
    await page.locator('#sub-keyboard .kb-button', { hasText: menu.readings }).waitFor({ state: 'visible', timeout: STEP_MS });
    await shot(page, '03-account-linked');

    await page.locator('#sub-keyboard .kb-button', { hasText: menu.readings }).click();
    await botSays(page, 'Введіть, будь ласка, поточний показник');
    const askText = (await fromBot(page, 'Введіть, будь ласка, поточний показник').textContent()) ?? '';
    const last = Number(/Останній показник: (\d+) м³/.exec(askText)?.[1]);
    expect(Number.isInteger(last)).toBe(true);
    const value = last + 4;
    await type(page, String(value));
    await botSays(page, `Передати показник ${value} м³`);
    await pressInline(page, readings.sendButton);
    await botSays(page, 'Показник прийнято');
    await shot(page, '04-reading-accepted');
    const stored = await db.models.Reading.findOne({ order: [['id', 'DESC']] });
    expect(stored?.value).toBe(value);

    await page.locator('#sub-keyboard .kb-button', { hasText: menu.letter }).click();
    const question = 'Доброго дня! Коли буде перерахунок за жовтень?';
    await writeQuestionWithSamplePhoto(page, question, pressInline);
    await expect(page.locator('#sub-messages .bubble.mine img.photo').count()).resolves.toBe(1);
    await shot(page, '05-letter-sent');

    // The staff pane: the letter arrives in Марія's own topic (card, then the photo) through the outbox.
    const topic = page.locator('#staff-topics .topic', { hasText: 'Марія' });
    await topic.waitFor({ state: 'visible', timeout: STEP_MS });
    await topic.click();
    await page.locator('#staff-messages .bubble', { hasText: question }).first().waitFor({ timeout: STEP_MS });
    await page.locator('#staff-messages img.photo').first().waitFor({ timeout: STEP_MS });
    await shot(page, '06-staff-sees-letter');

    const answer = 'Перерахунок зробимо до 5 грудня, він буде в наступній квитанції.';
    await page.fill('#staff-input', answer);
    await page.click('#staff-send');
    await page.locator('#staff-messages .bubble.mine', { hasText: answer }).waitFor({ timeout: STEP_MS });
    await botSays(page, answer);
    await page.locator('#sub-keyboard .kb-button', { hasText: menu.readings }).waitFor({ state: 'visible', timeout: STEP_MS });
    await shot(page, '07-answer-arrived');

    // The photo the bot relayed is real bytes served from the stand-in's file store.
    // The subscriber's own photo and the copy in the staff topic. (Strings: this file has no DOM types.)
    const broken = await page.evaluate<number>(`[...document.querySelectorAll('img.photo')].filter((img) => img.complete && img.naturalWidth === 0).length`);
    expect(await page.evaluate<number>(`document.querySelectorAll('img.photo').length`)).toBe(2);
    expect(broken).toBe(0);
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it('a Viber subscriber opens the chat, agrees, shares the phone (kept unverified), links the account by a proof, writes a letter with a photo and gets the staff answer', async () => {
    const { context, page, outside } = await openPage({ viewport: { width: 1440, height: 900 } });
    const known = demo.find((a) => a.phone !== null)!;

    await page.goto(base);
    await page.click('#channel-viber');
    await expect(page.locator('#channel-label').textContent()).resolves.toBe('Viber (локальна імітація)');
    await page.selectOption('#subscriber-select', { label: 'Галина Мельник' });
    // Opening the chat is Viber's conversation_started: the welcome message comes with its one button.
    await botSays(page, viberTexts.welcomeHint);
    await page.locator('#sub-messages .service', { hasText: 'відкрив чат' }).waitFor({ timeout: STEP_MS });
    await shot(page, '11-viber-welcome');

    await pressKey(page, viberTexts.startButton);
    await botSays(page, 'Щоб користуватися кабінетом, потрібна ваша згода');
    await pressKey(page, onboarding.consentButton);
    await botSays(page, onboarding.askPhoneShared);
    await pressKey(page, onboarding.sharePhoneButton);
    await page.locator('#phone-dialog').waitFor({ state: 'visible' });
    await expect(page.inputValue('#phone-input')).resolves.toBe(known.phone);
    // The page says beforehand what the bot will say: Viber does not vouch for the number, so no one-tap linking.
    await expect(page.locator('#phone-hint').textContent()).resolves.toContain('не підтверджує');
    await shot(page, '12-viber-share-phone');
    await page.click('#phone-confirm');
    await botSays(page, onboarding.unverifiedPhoneKept);
    await botSays(page, linking.askNumber);
    await expect(page.locator('#sub-keyboard .kb-button').allTextContents()).resolves.toEqual([common.cancelButton]);
    await page.locator(`.demo-account[data-account="${known.number}"] .chip`, { hasText: known.number }).first().click();
    await page.click('#sub-send');
    await botSays(page, linking.chooseProof(known.number));
    await pressKey(page, linking.proofSurnameButton);
    await botSays(page, linking.askSurname);
    await page.locator(`.demo-account[data-account="${known.number}"] .chip`, { hasText: known.surnameStart }).first().click();
    await page.click('#sub-send');
    await botSays(page, `Рахунок № ${known.number} додано`);
    await page.locator('#sub-keyboard .kb-button', { hasText: menu.readings }).waitFor({ state: 'visible', timeout: STEP_MS });
    await shot(page, '13-viber-menu');

    await pressKey(page, menu.letter);
    const question = 'Добрий день! Чому в рахунку два лічильники, а не три?';
    await writeQuestionWithSamplePhoto(page, question, pressKey);
    await page.locator('#sub-messages .bubble.mine img.photo').waitFor({ timeout: STEP_MS });
    await shot(page, '14-viber-letter-sent');

    // The staff desk is Telegram: the Viber letter lands in the same staff group, with the very picture.
    const topic = page.locator('#staff-topics .topic', { hasText: 'Галина' });
    await topic.waitFor({ state: 'visible', timeout: STEP_MS });
    await topic.click();
    await page.locator('#staff-messages .bubble', { hasText: question }).first().waitFor({ timeout: STEP_MS });
    await page.locator('#staff-messages .bubble', { hasText: 'Viber' }).first().waitFor({ timeout: STEP_MS });
    await page.locator('#staff-messages img.photo').first().waitFor({ timeout: STEP_MS });
    const answer = 'У вашому рахунку два лічильники: кухня і ванна.';
    await page.fill('#staff-input', answer);
    await page.click('#staff-send');
    await botSays(page, answer);
    // The answer's «Мої листи» comes with the main menu: a Viber keyboard replaces the one at the bottom.
    await expect(page.locator('#sub-keyboard .kb-button').allTextContents()).resolves.toEqual(expect.arrayContaining([menu.letters, menu.readings, menu.letter]));
    await shot(page, '15-viber-answer-arrived');

    // The subscriber's picture and staff's copy of it: real bytes, both from this server.
    const photos = await page.evaluate<{ total: number; broken: number }>(
      `(() => { const all = [...document.querySelectorAll('img.photo')]; return { total: all.length, broken: all.filter((img) => img.complete && img.naturalWidth === 0).length }; })()`,
    );
    expect(photos).toEqual({ total: 2, broken: 0 });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it('fits a phone-sized window: one pane at a time behind tabs', async () => {
    const { context, page } = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(base);
    await page.locator('#subscriber-select option').first().waitFor({ state: 'attached', timeout: STEP_MS });
    expect(await page.locator('#tab-staff').isVisible()).toBe(true);
    expect(await page.locator('#pane-subscriber').isVisible()).toBe(true);
    expect(await page.locator('#pane-staff').isVisible()).toBe(false);
    await shot(page, '08-phone-subscriber');
    await page.click('#tab-staff');
    expect(await page.locator('#pane-staff').isVisible()).toBe(true);
    expect(await page.locator('#pane-subscriber').isVisible()).toBe(false);
    await page.locator('#staff-topics .topic').first().waitFor({ timeout: STEP_MS });
    await shot(page, '09-phone-staff');
    await page.click('#tab-demo');
    await page.locator('.demo-account').first().waitFor({ timeout: STEP_MS });
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await shot(page, '10-phone-demo');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 60_000);
});
