import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../../bots/texts/accounts.ts';
import { chartTexts } from '../../../bots/texts/chart.ts';
import { menu, menuTexts } from '../../../bots/texts/menu.ts';
import { channels, choicesOf, textsOf } from '../../support/channels.ts';
import { aCharge, aLink, aMeter, anAccount } from '../../support/builders.ts';
import { aMember, useChannel } from './scenario.ts';

// «Графік споживання» from an account's view, played the same on both channels: a photo reaches the subscriber
// (Telegram: uploaded to sendPhoto; Viber: a picture message whose signed address the fake Viber fetches), drawn
// once for the same data, drawn anew when the data changes.

describe.each(channels)('the consumption chart on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-12-05T09:00:00Z' });

  async function withBilledAccount() {
    const member = await aMember(stage);
    const account = await anAccount(stage.db, { surname: 'Мельник' });
    await aMeter(stage.db, account, { serial: 'МЛ-1', lastReading: 300, lastReadingDate: '2026-11-25' });
    for (const [i, period] of ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'].entries()) {
      await aCharge(stage.db, account, { period: `${period}-01`, volumeM3: `${4 + (i % 3)}.000`, amountKop: 15_000 });
      await aCharge(stage.db, account, { period: `${period}-01`, service: 'водовідведення', volumeM3: `${4 + (i % 3)}.000`, amountKop: 9_000 });
    }
    await aLink(stage.db, member.subscriber, account);
    return { ...member, account };
  }

  async function openChart(person: Awaited<ReturnType<typeof withBilledAccount>>['person'], account: Awaited<ReturnType<typeof withBilledAccount>>['account']) {
    await person.type(menu.accounts);
    await person.press(accounts.accountButton(account.number, account.address));
    return person.press(chartTexts.button);
  }

  it('sends the chart as a photo, saying first that it is being drawn, with the way back under it', async () => {
    const { person, account } = await withBilledAccount();
    const replies = await openChart(person, account);
    expect(textsOf(replies)[0]).toBe(chartTexts.preparing);
    const photo = replies.at(-1)!;
    // Eleven billed months of 4, 5, 6, 4, … m³ (sewerage is the same water, not counted again).
    expect(photo.text).toBe(chartTexts.caption(account.number, 54 / 11));
    expect(photo.text).toContain('4,9 м³');
    expect(photo.media?.kind).toBe('photo');
    expect(choicesOf(replies)).toEqual([accounts.backToList, accounts.toMenu]);
    const image = PNG.sync.read(photo.media!.bytes);
    expect(image.width).toBe(1080);
    expect(image.height).toBeGreaterThan(600);

    const back = await person.press(accounts.toMenu);
    expect(textsOf(back)).toEqual([menuTexts.shown]);
  });

  it('does not draw the same data twice; new data is a new picture', async () => {
    const { person, account } = await withBilledAccount();
    const first = (await openChart(person, account)).at(-1)!.media!.bytes;
    const again = await openChart(person, account);
    expect(textsOf(again)).not.toContain(chartTexts.preparing);
    expect(again.at(-1)!.media!.bytes.equals(first)).toBe(true);
    expect(await stage.db.sequelize.query(`SELECT 1 FROM media WHERE cache_key LIKE '%:account:${account.id}:%'`, { plain: false }).then(([rows]) => rows.length)).toBe(1);

    await aCharge(stage.db, account, { period: '2025-12-01', volumeM3: '9.000', amountKop: 30_000 });
    const redrawn = await openChart(person, account);
    expect(textsOf(redrawn)[0]).toBe(chartTexts.preparing);
    expect(redrawn.at(-1)!.media!.bytes.equals(first)).toBe(false);
  });

  it('says there is nothing to draw yet, with the menu, for an account without volumes or readings', async () => {
    const member = await aMember(stage);
    const account = await anAccount(stage.db);
    await aLink(stage.db, member.subscriber, account);
    const replies = await openChart(member.person, account);
    expect(textsOf(replies)).toEqual([chartTexts.noData]);
    expect(replies[0]!.media).toBeUndefined();
  });
});
