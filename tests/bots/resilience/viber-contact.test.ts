import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';
import { anAccount } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeViber, type FakeViber } from '../../support/fake-viber/index.ts';
import { killAll, startCabinet, VIBER_PATH, type Cabinet } from './support/harness.ts';

// Issue 12's last repro, end to end on the real app in a process: a new Viber subscriber goes through onboarding
// and, at the phone step, sends a contact card carrying an account's billing phone. Viber cannot tell a shared
// own number from a forwarded address-book card, so the card is kept for staff (unverified) and the account is
// neither offered nor linked, then or later in «Додати рахунок».

const AUTH_TOKEN = 'viber-contact-token';
const BILLING_PHONE = '380671112233';
let db: TestDatabase;
let viber: FakeViber;
let app: Cabinet;

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  viber = await startFakeViber({ authToken: AUTH_TOKEN });
  app = await startCabinet({ DATABASE_URL: db.url, VIBER_AUTH_TOKEN: AUTH_TOKEN, VIBER_API_URL: viber.apiUrl, VIBER_WEBHOOK_URL: `{base}${VIBER_PATH}` });
}, 40_000);
afterAll(async () => {
  killAll();
  await viber?.close();
  await db?.destroy();
});

describe('Viber: a contact card with an account’s billing phone', () => {
  it('is kept as an unverified phone; the account is not offered and not linked', async () => {
    const account = await anAccount(db, { number: '4455667', address: 'вул. Соборна, 11', phone: BILLING_PHONE });
    const user = viber.user({ id: 'contact-card==', name: 'Петро' });
    const step = async (posted: Promise<{ status: number; since: number }>) => {
      const { status, since } = await posted;
      expect(status).toBe(200);
      return viber.waitForSent(user.id, undefined, { since, timeoutMs: 15_000 });
    };
    await user.conversationStarted();
    await step(user.pressButton(viberTexts.startButton));
    await viber.waitForSent(user.id, (m) => m.text === onboarding.agreement || (m.text ?? '').includes('Погоджуюсь'), { timeoutMs: 15_000 });
    await step(user.pressButton(onboarding.consentButton));
    await viber.waitForSent(user.id, (m) => (m.text ?? '').includes(onboarding.sharePhoneButton), { timeoutMs: 15_000 });
    const { since } = await user.sharePhone(BILLING_PHONE);
    const answer = await viber.waitForSent(user.id, (m) => (m.text ?? '').includes(onboarding.unverifiedPhoneKept), { since, timeoutMs: 15_000 });
    expect(answer.text).toContain(onboarding.unverifiedPhoneKept);

    const later = await user.sendText(menu.addAccount);
    await viber.waitForSent(user.id, undefined, { since: later.since, timeoutMs: 15_000 });
    const transcript = viber.sent(user.id).map((m) => [m.text ?? '', ...(m.keyboard?.Buttons ?? []).map((b) => String(b.ActionBody))].join(' '));
    expect(transcript.filter((t) => t.includes(account.number))).toEqual([]);
    const [links] = await db.sequelize.query(`SELECT method FROM links WHERE account_id = ${account.id}`);
    expect(links).toEqual([]);
    const [subscribers] = await db.sequelize.query(`SELECT phone FROM subscribers WHERE channel = 'viber' AND channel_user_id = 'contact-card=='`);
    expect(subscribers).toEqual([{ phone: null }]);
  }, 45_000);
});
