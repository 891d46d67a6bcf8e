import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../bots/app.ts';
import { loadConfig } from '../../../bots/config.ts';
import { createLogger } from '../../../bots/logger.ts';
import { smsParts, smsTexts } from '../../../bots/texts/sms.ts';
import { loadDemoData, type DemoAccount } from '../../../core/billing/demo-data.ts';
import { systemClock } from '../../../core/clock.ts';
import { startPlayground, type Playground } from '../../../dev/playground/index.ts';
import { freePort } from '../../../dev/free-port.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

// The SMS side of the playground in a real browser (Debian's chromium, headless), wired as `npm start` wires it
// with no SMS_SMPP_URL: the tester picks a demo phone, types an SMS and reads the reply with its part count.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = 'test-artifacts/playground';
const STEP_MS = 15_000;

let db: TestDatabase;
let playground: Playground;
let app: App;
let browser: Browser;
let base: string;
let demo: readonly DemoAccount[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the playground's browser test needs Debian's chromium (apt-get install -y chromium).`);
  }
  await mkdir(ARTIFACTS, { recursive: true });
  db = await createTestDatabase();
  const logger = createLogger('silent');
  demo = await loadDemoData(db, systemClock);
  playground = await startPlayground({ db, clock: systemClock, logger, demoAccounts: demo });
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
    smsFallback: playground.sms!,
    mountExtra: (http) => playground.mount(http),
  });
  await app.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await playground?.stop();
  await db?.destroy();
});

describe('the playground SMS side in a browser', () => {
  it('a demo phone asks for the formats by SMS and reads the reply with its part count; an unknown number is told it is not registered', async () => {
    const billingPhone = demo.find((a) => a.phone)!.phone!;
    const page = await browser.newPage({ viewport: { width: 390, height: 800 }, locale: 'uk-UA' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(base);
    await page.click('#channel-sms');
    await expect(page.locator('#sub-messages').isHidden()).resolves.toBe(true);
    await expect(page.locator('#sms-phone-select option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).resolves.toContain(billingPhone);
    await page.selectOption('#sms-phone-select', billingPhone);
    await page.locator('#sms-status', { hasText: 'на номер' }).waitFor({ timeout: STEP_MS });

    // A sample puts its text into the input, as a tester would type it; the counter counts the parts.
    await page.locator('#sms-samples .chip', { hasText: 'ДОПОМОГА' }).click();
    await expect(page.inputValue('#sms-input')).resolves.toBe('ДОПОМОГА');
    await expect(page.textContent('#sms-count')).resolves.toBe('8 · 1 SMS');
    await page.click('#sms-send');
    const reply = page.locator('#sms-messages .bubble.theirs', { hasText: smsTexts.help });
    await reply.waitFor({ timeout: STEP_MS });
    await expect(reply.locator('.sms-parts').textContent()).resolves.toBe(`${smsParts(smsTexts.help)} SMS`);
    await expect(page.locator('#sms-messages .bubble.mine .text').allTextContents()).resolves.toEqual(['ДОПОМОГА']);
    await page.screenshot({ path: `${ARTIFACTS}/sms-01-help.png` });

    const unknown = await page.locator('#sms-phone-select option').last().getAttribute('value');
    expect(await db.models.Account.count({ where: { phone: unknown! } })).toBe(0);
    await page.selectOption('#sms-phone-select', unknown!);
    await page.fill('#sms-input', '1540');
    await page.click('#sms-send');
    await page.locator('#sms-messages .bubble.theirs', { hasText: smsTexts.unknownPhone }).waitFor({ timeout: STEP_MS });
    await page.screenshot({ path: `${ARTIFACTS}/sms-02-unknown.png` });

    // The SMS side stays open across a reload; Telegram brings the messenger chat back.
    await page.reload();
    await page.locator('#sms-messages .bubble.theirs', { hasText: smsTexts.unknownPhone }).waitFor({ timeout: STEP_MS });
    await page.click('#channel-telegram');
    await expect(page.locator('#sms-side').isHidden()).resolves.toBe(true);
    await expect(page.locator('#sub-messages').isVisible()).resolves.toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
