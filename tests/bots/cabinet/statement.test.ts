import { describe, expect, it } from 'vitest';
import { accounts } from '../../../bots/texts/accounts.ts';
import { menu } from '../../../bots/texts/menu.ts';
import { statements } from '../../../bots/texts/statements.ts';
import { money } from '../../../bots/texts/format.ts';
import { decodeNbuQrLink } from '../../../core/statements/index.ts';
import type { Account } from '../../../models/models.ts';
import { channels, choicesOf, keyboardOf, textsOf, type Reply } from '../../support/channels.ts';
import { aCharge, aLink, aMeter, anAccount, aPayment } from '../../support/builders.ts';
import { readPdf, readQrOnPage } from '../../support/pdf.ts';
import { aMember, useChannel, type Stage } from './scenario.ts';

// «Рахунок за місяць» on an account's view, played the same on both channels: the month is chosen, the
// statement comes as a PDF document (Telegram: sendDocument; Viber: a file message whose signed address the
// fake fetches), read back with pdf.js, its payment QR code scanned off a rendering of the page.

const utility = { name: 'КП «Водоканал»', edrpou: '03341316', iban: 'UA213223130000026007233566001', address: "м. Кам'янське, вул. Водопровідна, 1" };

/** Three billed months; 100,00 owed before September; November charged 480,20 and paid 300,00. */
async function aBilledAccount(stage: Stage): Promise<Account> {
  const account = await anAccount(stage.db, { surname: 'Коваленко', givenNames: 'Олена Петрівна', balanceKop: 10_000 + 30_000 + 32_000 - 32_000 + 48_020 - 30_000 });
  await aCharge(stage.db, account, { period: '2026-09-01', amountKop: 30_000 });
  await aCharge(stage.db, account, { period: '2026-10-01', amountKop: 32_000 });
  await aPayment(stage.db, account, '2026-10-12', 32_000);
  await aCharge(stage.db, account, { period: '2026-11-01', service: 'водопостачання', volumeM3: '7.000', amountKop: 30_170 });
  await aCharge(stage.db, account, { period: '2026-11-01', service: 'водовідведення', volumeM3: '7.000', amountKop: 17_850 });
  await aPayment(stage.db, account, '2026-11-08', 30_000);
  await aMeter(stage.db, account, { serial: 'K-1', lastReading: 120, lastReadingDate: '2026-11-24' });
  return account;
}

function documentOf(replies: Reply[]) {
  const document = replies.find((r) => r.media?.kind === 'document');
  if (!document?.media) throw new Error(`no document among ${JSON.stringify(textsOf(replies))}`);
  return document.media;
}

describe.each(channels)('the monthly statement on $name', (kind) => {
  const stage = useChannel(kind, { at: '2026-12-05T09:00:00Z', settings: { utility } });

  async function openAccount(account: Account) {
    const member = await aMember(stage);
    await aLink(stage.db, member.subscriber, account);
    await member.person.type(menu.accounts);
    await member.person.press(accounts.accountButton(account.number, account.address));
    return member;
  }

  it('offers the last billed month first and the earlier ones; sends the statement as a PDF with the QR code a bank app scans', async () => {
    const account = await aBilledAccount(stage);
    const { person } = await openAccount(account);
    const ask = await person.press(statements.button);
    expect(textsOf(ask)).toEqual([statements.choosePeriod(account.number)]);
    expect(choicesOf(ask)).toEqual([
      statements.lastPeriodButton('2026-11-01'),
      statements.periodButton('2026-10-01'),
      statements.periodButton('2026-09-01'),
      accounts.toMenu,
    ]);

    const sent = await person.press(statements.lastPeriodButton('2026-11-01'));
    const toPay = 10_000 + 30_000 + 48_020 - 30_000;
    expect(textsOf(sent).join('\n')).toContain(statements.ready(account.number, '2026-11-01', toPay));
    expect(keyboardOf(sent)).toBe('menu');
    const document = documentOf(sent);
    expect(document.filename).toBe(statements.fileName(account.number, '2026-11-01'));
    const pdf = await readPdf(document.bytes);
    expect(pdf.pages).toBe(1);
    for (const expected of ['Рахунок за листопад 2026', `Особовий рахунок ${account.number}`, 'Коваленко О. П.', `До сплати ${money(toPay)}`, `Нараховано ${money(48_020)}`, `Оплачено ${money(30_000)}`, 'K-1']) {
      expect(pdf.text[0]).toContain(expected);
    }
    const fields = decodeNbuQrLink((await readQrOnPage(document.bytes))!);
    expect(fields?.[6]).toBe(utility.iban);
    expect(fields?.[7]).toBe(`UAH${(toPay / 100).toFixed(2)}`);
    expect(fields?.[8]).toBe(utility.edrpou);
    expect(fields?.[11]).toContain(account.number);
  }, 60_000);

  it('an earlier month is its own statement; the same one asked again is sent from the stored copy, not drawn again', async () => {
    const account = await aBilledAccount(stage);
    const { person } = await openAccount(account);
    await person.press(statements.button);
    const first = await person.press(statements.periodButton('2026-10-01'));
    expect(textsOf(first)[0]).toBe(statements.preparing);
    const october = documentOf(first);
    expect(october.filename).toBe(statements.fileName(account.number, '2026-10-01'));
    const text = (await readPdf(october.bytes)).text[0]!;
    expect(text).toContain('Рахунок за жовтень 2026');
    expect(text).toContain(`Нараховано ${money(32_000)}`);
    expect(text).toContain('12.10.2026');

    const stored = async () => stage.db.sequelize.query(`SELECT count(*)::int AS n FROM media WHERE cache_key LIKE 'statement:${account.id}:%'`, { plain: true });
    const before = (await stored()) as { n: number };
    await person.type(menu.accounts);
    await person.press(accounts.accountButton(account.number, account.address));
    await person.press(statements.button);
    const second = await person.press(statements.periodButton('2026-10-01'));
    expect(textsOf(second)).not.toContain(statements.preparing);
    const again = documentOf(second);
    expect(again.bytes.equals(october.bytes)).toBe(true);
    expect(((await stored()) as { n: number }).n).toBe(before.n);
  }, 60_000);

  it('with one billed month sends it at once; with none says so; continues after a restart at the month’s choice', async () => {
    const single = await anAccount(stage.db, { balanceKop: 5_000 });
    await aCharge(stage.db, single, { period: '2026-11-01', amountKop: 5_000 });
    const first = await openAccount(single);
    const sent = await first.person.press(statements.button);
    expect(documentOf(sent).filename).toBe(statements.fileName(single.number, '2026-11-01'));

    const empty = await anAccount(stage.db);
    const second = await openAccount(empty);
    const none = await second.person.press(statements.button);
    expect(textsOf(none)).toEqual([statements.noCharges]);
    expect(keyboardOf(none)).toBe('menu');

    const billed = await aBilledAccount(stage);
    const third = await openAccount(billed);
    await third.person.press(statements.button);
    await stage.world.restart();
    const after = await third.person.press(statements.periodButton('2026-09-01'));
    expect((await readPdf(documentOf(after).bytes)).text[0]).toContain('Рахунок за вересень 2026');
  }, 60_000);
});
