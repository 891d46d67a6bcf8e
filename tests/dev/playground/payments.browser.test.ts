import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { payments as texts } from '../../../bots/texts/payments.ts';
import { loadDemoData } from '../../../core/billing/demo-data.ts';
import { systemClock } from '../../../core/clock.ts';
import { freePort } from '../../../dev/free-port.ts';
import { startPlayground, withPlaygroundPayments, type Playground } from '../../../dev/playground/index.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// A subscriber pays a debt in the page, in a real browser (Debian's chromium, headless), with each channel's own
// checkout as npm start wires it with no keys: the Telegram invoice's «Сплатити», Viber's payment message's.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts/playground';
const STEP_MS = 15_000;

let db: TestDatabase;
let playground: Playground;
let app: App;
let browser: Browser;
let base: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the playground's browser test needs Debian's chromium.`);
  await mkdir(ARTIFACTS, { recursive: true });
  db = await createTestDatabase();
  const logger = createLogger('silent');
  const demo = await loadDemoData(db, systemClock);
  playground = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo });
  const port = await freePort('127.0.0.1');
  base = `http://127.0.0.1:${port}`;
  const config = withPlaygroundPayments(loadConfig({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }), playground, base);
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
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await playground?.stop();
  await db?.destroy();
});

async function aDebtor(channel: 'telegram' | 'viber', channelUserId: string, balanceKop: number): Promise<string> {
  const subscriber = await aSubscriber(db, { channel, channelUserId, name: 'Абонент' });
  await subscriber.update({ phoneDeferredAt: new Date() });
  const account = await anAccount(db, { balanceKop });
  await aLink(db, subscriber, account);
  return account.number;
}

const fromBot = (page: Page, text: string) => page.locator('#sub-messages .bubble.from-bot', { hasText: text }).last();

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#sub-input', text);
  await page.click('#sub-send');
}

describe('paying with the channels’ own checkouts in a browser', () => {
  it('Telegram: the invoice’s «Сплатити»; Viber: the payment message’s «Сплатити»; the receipt in each', async () => {
    const telegramAccount = await aDebtor('telegram', '100000002', 48_020);
    const viberAccount = await aDebtor('viber', 'pgViberPetro0000000002==', 12_345);
    const context = await browser.newContext({ locale: 'uk-UA', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(base);

    await page.selectOption('#subscriber-select', { label: 'Андрій Бондаренко' });
    await send(page, menu.pay);
    await fromBot(page, texts.offerDebt(telegramAccount, 48_020)).waitFor({ timeout: STEP_MS });
    await page.locator('#sub-messages .inline-button', { hasText: texts.payDebt(48_020) }).last().click({ timeout: STEP_MS });
    const invoice = page.locator('#sub-messages .invoice').last();
    await invoice.locator('.pay-button', { hasText: 'Сплатити 480,20 грн' }).waitFor({ timeout: STEP_MS });
    await expect(invoice.textContent()).resolves.toContain(texts.checkoutDescription(telegramAccount));
    await page.screenshot({ path: `${ARTIFACTS}/pay-01-telegram-invoice.png` });
    await invoice.locator('.pay-button').click();
    await fromBot(page, '✅ Оплату отримано.').waitFor({ timeout: STEP_MS });
    await invoice.locator('.invoice-done', { hasText: 'Оплачено' }).waitFor({ timeout: STEP_MS });
    await page.locator('#sub-messages .service', { hasText: 'Ви сплатили 480,20 грн' }).waitFor({ timeout: STEP_MS });
    await page.screenshot({ path: `${ARTIFACTS}/pay-02-telegram-paid.png` });

    await page.click('.channel[data-channel="viber"]');
    await page.selectOption('#subscriber-select', { label: 'Петро Кравець' });
    await page.locator('#sub-keyboard .kb-button').first().waitFor({ timeout: STEP_MS });
    await send(page, menu.pay);
    await fromBot(page, texts.offerDebt(viberAccount, 12_345)).waitFor({ timeout: STEP_MS });
    await page.locator('#sub-keyboard .kb-button', { hasText: texts.payDebt(12_345) }).first().click({ timeout: STEP_MS });
    const payment = page.locator('#sub-messages .invoice').last();
    await payment.locator('.pay-button', { hasText: 'Відхилити' }).waitFor({ timeout: STEP_MS });
    await expect(payment.textContent()).resolves.toContain('123,45 грн');
    await page.screenshot({ path: `${ARTIFACTS}/pay-03-viber-payment.png` });
    await payment.locator('.pay-button', { hasText: 'Сплатити' }).first().click();
    await fromBot(page, '✅ Оплату отримано.').waitFor({ timeout: STEP_MS });
    await payment.locator('.invoice-done', { hasText: 'Оплачено' }).waitFor({ timeout: STEP_MS });
    await page.screenshot({ path: `${ARTIFACTS}/pay-04-viber-paid.png` });
    await context.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
