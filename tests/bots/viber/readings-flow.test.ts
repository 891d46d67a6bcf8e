import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { FixedClock } from '../../../core/clock.ts';
import type { TestDatabase } from '../../support/database.ts';
import { aReading } from '../../support/readings-builders.ts';
import type { FakeViber } from '../../support/fake-viber/index.ts';
import { closeViberWorld, startViberBotInstance, startViberWorld, type RunningViberBot } from '../../support/fake-viber/bot-instance.ts';
import { common } from '../../../bots/texts/common.ts';
import { letters } from '../../../bots/texts/letters.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { readings } from '../../../bots/texts/readings.ts';
import { viberTexts } from '../../../bots/viber/texts-viber.ts';
import { aViberSubscriberWithAccounts, chatAtMenu, isMenu, labels } from './flow-harness.ts';

let db: TestDatabase;
let viber: FakeViber;
let instance: RunningViberBot;
// 11:00 in Kyiv: the day is 2026-11-25; meters were last read on 2026-10-25 (31 days before).
const clock = new FixedClock(new Date('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  ({ db, viber, instance } = await startViberWorld({ authToken: 'viber-test-token-readings', clock }));
});
afterAll(() => closeViberWorld({ db, viber, instance }));

const chat = (id: string) => chatAtMenu(viber, () => instance, id);

interface ReadingRow {
  id: number;
  value: number;
  local_date: string;
  channel: string;
  subscriber_id: number;
}
const readingsOf = (meterId: number) =>
  db.sequelize.query<ReadingRow>(`SELECT id, value, local_date::text, channel, subscriber_id FROM readings WHERE meter_id = :meterId ORDER BY id`, {
    replacements: { meterId },
    type: QueryTypes.SELECT,
  });

describe('submitting a reading on Viber', () => {
  it('picks the meter of the one account, confirms the value and gives the receipt', async () => {
    const { subscriber, accounts } = await aViberSubscriberWithAccounts(db, 'rd-ok==', [
      { meters: [{ serial: 'K-101', place: 'кухня' }, { serial: 'V-202', place: 'ванна', lastReading: 80 }] },
    ]);
    const [kitchen, bath] = accounts[0]!.meters;
    const c = await chat('rd-ok==');

    const choose = await c.press(menu.readings);
    expect(choose.text).toBe(
      readings.chooseMeter(accounts[0]!.account.number, [
        { serial: 'K-101', service: 'водопостачання', place: 'кухня', lastValue: 120, lastValueDate: '2026-10-25', submittedToday: false },
        { serial: 'V-202', service: 'водопостачання', place: 'ванна', lastValue: 80, lastValueDate: '2026-10-25', submittedToday: false },
      ]),
    );
    expect(labels(choose)).toEqual([readings.meterButton(kitchen!), readings.meterButton(bath!), common.cancelButton]);
    expect(choose.keyboard!.Buttons[0]).toMatchObject({ TextSize: 'large', Columns: 6 });

    const ask = await c.press(readings.meterButton(kitchen!));
    expect(ask.text).toContain(readings.askValue({ serial: 'K-101', service: 'водопостачання', place: 'кухня', lastValue: 120, lastValueDate: '2026-10-25' }));

    const confirm = await c.text('130');
    expect(confirm.text).toBe(readings.confirmValue('K-101', '130'));
    expect(labels(confirm)).toEqual([readings.sendButton, readings.changeButton, common.cancelButton]);

    const receipt = await c.press(readings.sendButton);
    const [row] = await readingsOf(kitchen!.id);
    expect(row).toMatchObject({ value: 130, local_date: '2026-11-25', channel: 'viber', subscriber_id: subscriber.id });
    expect(receipt.text).toBe(
      readings.accepted({ readingId: row!.id, meterSerial: 'K-101', value: 130, previousValue: 120, consumption: 10, period: '2026-11', localDate: '2026-11-25' }),
    );
    expect(isMenu(receipt)).toBe(true);

    // The send button of the finished flow does nothing twice.
    expect((await c.text(readings.sendButton)).text).toBe(common.staleButton);
    expect(await readingsOf(kitchen!.id)).toHaveLength(1);
  });

  it('asks for the account when there are several and refuses a second reading the same day', async () => {
    const { accounts } = await aViberSubscriberWithAccounts(db, 'rd-twice==', [{}, {}]);
    const [first, second] = accounts;
    await aReading(db, second!.meters[0]!, { value: 125, localDate: '2026-11-25' });
    const c = await chat('rd-twice==');

    const choose = await c.press(menu.readings);
    expect(choose.text).toBe(readings.chooseAccount);
    expect(labels(choose)).toEqual([
      readings.accountButton(first!.account.number, first!.account.address),
      readings.accountButton(second!.account.number, second!.account.address),
      common.cancelButton,
    ]);
    const refused = await c.press(readings.accountButton(second!.account.number, second!.account.address));
    expect(refused.text).toBe(readings.sameDay('2026-11-26'));
    expect(isMenu(refused)).toBe(true);
    expect(await readingsOf(second!.meters[0]!.id)).toHaveLength(1);
  });

  it('offers a correction letter for a lower value and stores it with the correction', async () => {
    const { subscriber, accounts } = await aViberSubscriberWithAccounts(db, 'rd-lower==', [{ meters: [{ serial: 'L-77' }] }]);
    const { account, meters } = accounts[0]!;
    const c = await chat('rd-lower==');
    await c.press(menu.readings);
    await c.text('100');
    const lower = await c.press(readings.sendButton);
    expect(lower.text).toBe(readings.lower(100, 120));
    expect(labels(lower)).toEqual([readings.correctionLetterButton, readings.retypeButton, common.cancelButton]);

    const stored = await c.press(readings.correctionLetterButton);
    const [letter] = await db.sequelize.query<{ id: number; category: string; account_id: number; channel: string; text: string; correction: unknown }>(
      `SELECT id, category, account_id, channel, text, correction FROM letters WHERE subscriber_id = :id`,
      { replacements: { id: subscriber.id }, type: QueryTypes.SELECT },
    );
    expect(letter).toMatchObject({
      category: 'reading-correction',
      account_id: account.id,
      channel: 'viber',
      text: readings.correctionLetterText('L-77', 120, 100),
      correction: { meterId: meters[0]!.id, meterSerial: 'L-77', lastValue: 120, requestedValue: 100 },
    });
    expect(stored.text).toBe(letters.stored(letter!.id));
    expect(await readingsOf(meters[0]!.id)).toHaveLength(0);
  });

  it('asks to confirm a jump, explains what it did not expect, and takes a typed value instead of "change"', async () => {
    const { accounts } = await aViberSubscriberWithAccounts(db, 'rd-jump==', [{ meters: [{ serial: 'J-5' }] }]);
    const meter = accounts[0]!.meters[0]!;
    const c = await chat('rd-jump==');
    await c.press(menu.readings);

    expect((await c.send((u) => u.sendSticker())).text).toBe(common.notUnderstoodMedia);
    expect((await c.text('сто тридцять')).text).toBe(readings.invalidValue);
    await c.text('400');
    const location = await c.send((u) => u.sendLocation());
    expect(location.text).toBe(common.notUnderstoodMedia);
    expect(labels(location)).toEqual([readings.sendButton, readings.changeButton, common.cancelButton]);
    expect((await c.text('добре')).text).toBe(viberTexts.pressAButton);

    expect((await c.text('500')).text).toBe(readings.confirmValue('J-5', '500'));
    const jump = await c.press(readings.sendButton);
    expect(jump.text).toBe(readings.jump({ value: 500, consumption: 380, days: 31, perDay: 12.26 }));
    const receipt = await c.press(readings.jumpYesButton);
    expect(receipt.text).toContain(readings.accepted({ readingId: (await readingsOf(meter.id))[0]!.id, meterSerial: 'J-5', value: 500, previousValue: 120, consumption: 380, period: '2026-11', localDate: '2026-11-25' }));
  });

  it('refuses a meter past its verification and a value the meter cannot show', async () => {
    await aViberSubscriberWithAccounts(db, 'rd-rules==', [{ meters: [{ serial: 'OLD-1', verificationDue: '2026-01-01' }, { serial: 'S-3', digits: 3 }] }]);
    const c = await chat('rd-rules==');
    const choose = await c.press(menu.readings);
    const [old, small] = labels(choose);
    const overdue = await c.press(old!);
    expect(overdue.text).toBe(readings.verificationOverdue('2026-01-01'));
    // The other meter is still one press away.
    expect(labels(overdue)).toEqual(labels(choose));
    await c.press(small!);
    await c.text('1000');
    expect((await c.press(readings.sendButton)).text).toBe(readings.overCapacity(999));
  });

  it('goes on where it stopped when another instance takes over after a restart', async () => {
    const { accounts } = await aViberSubscriberWithAccounts(db, 'rd-restart==', [{ meters: [{ serial: 'R-9' }] }]);
    const meter = accounts[0]!.meters[0]!;
    const c = await chat('rd-restart==');
    await c.press(menu.readings);
    expect((await c.text('133')).text).toBe(readings.confirmValue('R-9', '133'));

    await instance.close();
    instance = await startViberBotInstance({ db, clock, viber });

    const receipt = await c.press(readings.sendButton);
    const rows = await readingsOf(meter.id);
    expect(rows).toHaveLength(1);
    expect(receipt.text).toBe(
      readings.accepted({ readingId: rows[0]!.id, meterSerial: 'R-9', value: 133, previousValue: 120, consumption: 13, period: '2026-11', localDate: '2026-11-25' }),
    );
  });
});
