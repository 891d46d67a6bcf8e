import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menu } from '../../../bots/texts/menu.ts';
import { aLink, anAccount, aSubscriber } from '../../support/builders.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startFakeViber, type FakeViber } from '../../support/fake-viber/index.ts';
import { killAll, sleep, startCabinet, until, VIBER_PATH } from './support/harness.ts';

// Issue 12's third repro on the real app in a process: a subscriber sends 10 signed messages («Мої рахунки»), each
// answered 200; the process is killed with SIGKILL right after the last 200; started again, it drains the inbox:
// every message is answered, once — except one whose answer went out just before the kill, before its done mark
// was written: that one is answered again (Viber's send_message takes no idempotency key).

const AUTH_TOKEN = 'viber-resilience-token';
let db: TestDatabase;
let viber: FakeViber;
const env = () => ({
  DATABASE_URL: db.url,
  VIBER_AUTH_TOKEN: AUTH_TOKEN,
  VIBER_API_URL: viber.apiUrl,
  VIBER_WEBHOOK_URL: `{base}${VIBER_PATH}`,
  TEST_VIBER_LEASE_MS: '1000',
});

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  viber = await startFakeViber({ authToken: AUTH_TOKEN });
}, 30_000);
afterAll(async () => {
  killAll();
  await viber?.close();
  await db?.destroy();
});

async function openCallbacks(): Promise<number> {
  const [rows] = await db.sequelize.query('SELECT count(*)::int AS n FROM viber_inbox WHERE done_at IS NULL');
  return (rows[0] as { n: number }).n;
}

describe('Viber: kill -9 right after the last of 10 messages was answered 200', () => {
  it('after the restart every message is answered, once each but the one in flight at the kill', async () => {
    const userId = 'resilience-ten==';
    const subscriber = await aSubscriber(db, { channel: 'viber', channelUserId: userId });
    await aLink(db, subscriber, await anAccount(db, { number: '7700123', address: 'вул. Соборна, 9' }));
    const first = await startCabinet(env());
    const user = viber.user({ id: userId, name: 'Оксана' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await user.sendText(menu.accounts)).status);
    await first.kill();
    expect(statuses).toEqual(Array(10).fill(200));
    const lists = () => viber.sent(userId).filter((m) => (m.text ?? '').includes('7700123')).length;
    const beforeRestart = { answered: lists(), open: await openCallbacks() };

    const second = await startCabinet(env());
    await until(async () => (await openCallbacks()) === 0, 'the inbox drained', 30_000);
    await sleep(1000);
    console.info(JSON.stringify({ beforeRestart, afterRestart: lists() }));
    // Every message answered; again only the one whose answer went out and whose done mark the kill prevented
    // (one subscriber's callbacks are handled one at a time, so at most one was in flight).
    const inFlightAtKill = beforeRestart.answered + beforeRestart.open - 10;
    expect(inFlightAtKill).toBeGreaterThanOrEqual(0);
    expect(inFlightAtKill).toBeLessThanOrEqual(1);
    expect(lists()).toBe(10 + inFlightAtKill);
    await second.kill();
  }, 58_000);
});
