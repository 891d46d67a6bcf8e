import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { FixedClock } from '../../../core/clock.ts';
import type { TestDatabase } from '../../support/database.ts';
import { anAccount, aPayment } from '../../support/builders.ts';
import type { FakeViber } from '../../support/fake-viber/index.ts';
import { closeViberWorld, startViberWorld, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { common } from '../../../bots/texts/common.ts';
import { linking } from '../../../bots/texts/linking.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { onboarding } from '../../../bots/texts/onboarding.ts';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  ({ db, viber, instance } = await startViberWorld({ authToken: 'viber-test-token-4', clock }));
});
afterAll(() => closeViberWorld({ db, viber, instance }));

/** A subscriber past onboarding (consent given, phone put off), at the main menu. */
async function atMenu(id: string) {
  const user = viber.user({ id, name: 'Степан' });
  await user.sendText('Привіт');
  await instance.bot.idle();
  await user.pressButton(onboarding.consentButton);
  await instance.bot.idle();
  await user.pressButton(onboarding.laterButton);
  await instance.bot.idle();
  return {
    user,
    /** Sends and waits for the bot's answer. */
    async say(send: () => ReturnType<typeof user.sendText>) {
      const posted = await send();
      return viber.waitForSent(id, () => true, { since: posted.since });
    },
  };
}

describe('adding an account by its number', () => {
  it('links it after the first letters of the surname, and keeps no answer in the flow state', async () => {
    const account = await anAccount(db, { number: '200345', surname: 'Бондаренко', address: 'вул. Шкільна, 4' });
    const { user, say } = await atMenu('link-ok==');
    expect((await say(() => user.pressButton(menu.addAccount))).text).toBe(linking.askNumber);
    const proof = await say(() => user.sendText('200-345'));
    expect(proof.text).toBe(linking.chooseProof('200345'));
    expect(proof.keyboard!.Buttons.map((b) => b.ActionBody)).toEqual([linking.proofPaymentButton, linking.proofSurnameButton, common.cancelButton]);
    expect((await say(() => user.pressButton(linking.proofSurnameButton))).text).toBe(linking.askSurname);
    await instance.bot.idle();
    const stored = await db.sequelize.query<{ data: unknown }>(`SELECT data FROM viber_conversations WHERE viber_user_id = 'link-ok=='`, {
      type: QueryTypes.SELECT,
    });
    expect(stored[0]!.data).toEqual({ accountNumber: '200345', method: 'surname' });
    const done = await say(() => user.sendText('бон'));
    expect(done.text).toBe(linking.linked(account.number, account.address));
    await instance.bot.idle();
    const after = await db.sequelize.query<{ flow: string | null; data: unknown }>(
      `SELECT flow, data FROM viber_conversations WHERE viber_user_id = 'link-ok=='`,
      { type: QueryTypes.SELECT },
    );
    expect(after[0]).toEqual({ flow: null, data: {} });
  });

  it('links it after the amount of the last payment', async () => {
    const account = await anAccount(db, { number: '200346' });
    await aPayment(db, account, '2026-11-10', 31_250);
    const { user, say } = await atMenu('link-pay==');
    await say(() => user.pressButton(menu.addAccount));
    await say(() => user.sendText('200346'));
    expect((await say(() => user.pressButton(linking.proofPaymentButton))).text).toBe(linking.askPayment);
    expect((await say(() => user.sendText('сто'))).text).toBe(linking.invalidAnswer.payment);
    expect((await say(() => user.sendText('312,50'))).text).toBe(linking.linked(account.number, account.address));
  });

  it('says how many attempts are left after a mismatch and asks for the number again', async () => {
    await anAccount(db, { number: '200347', surname: 'Коваль' });
    const { user, say } = await atMenu('link-bad==');
    await say(() => user.pressButton(menu.addAccount));
    await say(() => user.sendText('200347'));
    await say(() => user.pressButton(linking.proofSurnameButton));
    const answer = await say(() => user.sendText('Шев'));
    expect(answer.text).toContain(linking.mismatch('200347', 2));
    expect(answer.text).toContain(linking.askNumber);
    expect((await say(() => user.sendText('№???'))).text).toBe(linking.invalidNumber);
  });

  it('can be cancelled at any step', async () => {
    const { user, say } = await atMenu('link-cancel==');
    await say(() => user.pressButton(menu.addAccount));
    const cancelled = await say(() => user.pressButton(common.cancelButton));
    expect(cancelled.text).toBe(common.cancelled);
    expect(cancelled.keyboard!.Buttons.map((b) => b.ActionBody)).toContain(menu.readings);
  });
});
