import { describe, expect, it } from 'vitest';
import { decodeNbuQrLink, type Statement, type UtilityDetails } from '../../../core/statements/index.ts';
import { renderStatementPdf, statementQrLink } from '../../../bots/statements/statement-pdf.ts';
import { statements } from '../../../bots/texts/statements.ts';
import { readPdf, readQrOnPage } from '../../support/pdf.ts';

// The PDF read back as a person's viewer reads it (pdf.js), and its QR code scanned off a rendering of the page.

const utility: UtilityDetails = {
  name: 'КП «Водоканал»',
  address: "м. Кам'янське, вул. Водопровідна, 1",
  edrpou: '03341316',
  iban: 'UA213223130000026007233566001',
  bank: 'АТ «Ощадбанк»',
  phone: '0 800 123 456',
};

const november: Statement = {
  period: '2026-11-01',
  periodEnd: '2026-11-30',
  account: { number: '1000101', holder: 'Шевченко О. П.', address: "м. Кам'янське, вул. Соборна, 12, кв. 5" },
  openingKop: 31_250,
  chargedKop: 48_020,
  paidKop: 31_250,
  closingKop: 48_020,
  toPayKop: 48_020,
  charges: [
    { service: 'водовідведення', volumeM3: '7.000', amountKop: 17_850 },
    { service: 'водопостачання', volumeM3: '7.000', amountKop: 30_170 },
  ],
  payments: [{ paidOn: '2026-11-08', amountKop: 31_250 }],
  meters: [
    { serial: 'K-1', service: 'водопостачання', place: 'кухня', startValue: 113, startDate: '2026-10-25', endValue: 120, endDate: '2026-11-24', verificationDue: '2029-03-01' },
  ],
  issuedOn: '2026-12-05',
};

describe('the statement PDF', () => {
  it('is one A4 page with the account, the period, the balances, charges, payments and meters, in Cyrillic text a viewer can read', async () => {
    const pdf = await renderStatementPdf(november, utility);
    const facts = await readPdf(pdf);
    expect(facts.pages).toBe(1);
    expect([Math.round(facts.width), Math.round(facts.height)]).toEqual([595, 842]);
    const text = facts.text[0]!;
    for (const expected of [
      'КП «Водоканал»',
      'Код ЄДРПОУ 03341316',
      'IBAN UA213223130000026007233566001',
      'Рахунок за листопад 2026',
      'Період: 01.11.2026 – 30.11.2026',
      'Особовий рахунок 1000101',
      'Шевченко О. П.',
      "вул. Соборна, 12, кв. 5",
      'Борг на початок періоду 312,50 грн',
      'Нараховано 480,20 грн',
      'Оплачено 312,50 грн',
      'До сплати 480,20 грн',
      'водовідведення 7 м³ 178,50 грн',
      'водопостачання 7 м³ 301,70 грн',
      '08.11.2026 312,50 грн',
      '№ K-1, водопостачання, кухня 113 м³ (25.10.2026) 120 м³ (24.11.2026) 01.03.2029',
    ]) {
      expect(text).toContain(expected);
    }
    expect(facts.info.Title).toBe(statements.pdf.subject('1000101', '2026-11-01'));
    // The font is embedded (a TrueType subset), not left to the reader's machine.
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
    expect(pdf.toString('latin1')).toMatch(/DejaVuSans-Bold/);
  });

  it('carries the NBU payment QR code a banking app can scan: the utility, its IBAN and code, the amount to pay, the purpose', async () => {
    const pdf = await renderStatementPdf(november, utility);
    const scanned = await readQrOnPage(pdf);
    expect(scanned).toBe(statementQrLink(november, utility));
    expect(decodeNbuQrLink(scanned!)).toEqual([
      'BCD',
      '002',
      '1',
      'UCT',
      '',
      'КП «Водоканал»',
      'UA213223130000026007233566001',
      'UAH480.20',
      '03341316',
      '',
      '',
      'Оплата за водопостачання та водовідведення, особовий рахунок 1000101, листопад 2026',
      '',
    ]);
  }, 30_000);

  it('with nothing to pay the QR code has no amount; without IBAN or ЄДРПОУ there is no QR code and the statement says whom to ask', async () => {
    const paid = { ...november, closingKop: -1_000, toPayKop: 0 };
    const scanned = await readQrOnPage(await renderStatementPdf(paid, utility));
    expect(decodeNbuQrLink(scanned!)?.[7]).toBe('');

    const plain = await renderStatementPdf(november, { name: 'Водоканал', iban: utility.iban });
    expect(await readQrOnPage(plain)).toBeNull();
    expect((await readPdf(plain)).text[0]).toContain(statements.pdf.noQr);
    expect(statementQrLink(november, { name: 'Водоканал', edrpou: '03341316' })).toBeNull();
  }, 30_000);

  it('a long statement flows on to a second page and no further', async () => {
    const services = Array.from({ length: 14 }, (_, i) => ({ service: `послуга ${i + 1}`, volumeM3: '1.500', amountKop: 1_000 + i }));
    const meters = Array.from({ length: 10 }, (_, i) => ({ ...november.meters[0]!, serial: `M-${i + 1}` }));
    const payments = Array.from({ length: 8 }, (_, i) => ({ paidOn: `2026-11-${String(i + 10)}`, amountKop: 500 }));
    const facts = await readPdf(await renderStatementPdf({ ...november, charges: services, meters, payments }, utility));
    expect(facts.pages).toBe(2);
    const all = facts.text.join('\n');
    expect(all).toContain('послуга 14');
    expect(all).toContain('№ M-10, водопостачання, кухня');
    expect(all).toContain(statements.pdf.issued('2026-12-05'));
  });
});
