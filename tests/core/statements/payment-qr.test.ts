import { describe, expect, it } from 'vitest';
import { decodeNbuQrLink, isUkrainianIban, nbuAmount, nbuPayload, nbuQrLink, NBU_QR_BASE } from '../../../core/statements/index.ts';

// The payload of the NBU's rules for credit-transfer QR codes, format 002: 13 fields joined by LF, UTF-8, in
// base64url after https://bank.gov.ua/qr/.

const transfer = {
  receiver: 'КП «Водоканал»',
  iban: 'UA21 3223 1300 0002 6007 2335 6600 1',
  receiverCode: '03341316',
  amountKop: 48_020,
  purpose: 'Оплата за водопостачання, особовий рахунок 1000101, листопад 2026',
};

describe('the NBU payment QR payload', () => {
  it('has the 13 fields of format 002 in their order', () => {
    expect(nbuPayload(transfer).split('\n')).toEqual([
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
      'Оплата за водопостачання, особовий рахунок 1000101, листопад 2026',
      '',
    ]);
  });

  it('is carried as base64url of its UTF-8 after the NBU’s address, with no padding', () => {
    const link = nbuQrLink(transfer);
    expect(link.startsWith(NBU_QR_BASE)).toBe(true);
    const encoded = link.slice(NBU_QR_BASE.length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(nbuPayload(transfer));
    expect(decodeNbuQrLink(link)?.[7]).toBe('UAH480.20');
  });

  it('leaves the amount out when there is nothing to pay; keeps fields on their lines and within their limits', () => {
    const fields = nbuPayload({ ...transfer, amountKop: null, receiver: `Водоканал\n${'а'.repeat(100)}`, purpose: `😀${'б'.repeat(200)}` }).split('\n');
    expect(fields).toHaveLength(13);
    expect(fields[7]).toBe('');
    expect(Array.from(fields[5]!)).toHaveLength(70);
    expect(Array.from(fields[11]!)).toHaveLength(140);
    expect(fields[11]!.startsWith('😀')).toBe(true);
    expect(nbuPayload({ ...transfer, amountKop: 0 }).split('\n')[7]).toBe('');
  });

  it('writes amounts with a dot and two decimals', () => {
    expect(nbuAmount(5)).toBe('UAH0.05');
    expect(nbuAmount(100)).toBe('UAH1.00');
    expect(nbuAmount(123_456_789)).toBe('UAH1234567.89');
  });

  it('checks an IBAN’s check digits', () => {
    expect(isUkrainianIban('UA213223130000026007233566001')).toBe(true);
    expect(isUkrainianIban('ua21 3223 1300 0002 6007 2335 6600 1')).toBe(true);
    expect(isUkrainianIban('UA213223130000026007233566002')).toBe(false);
    expect(isUkrainianIban('UA21322313000002600723356600')).toBe(false);
    expect(isUkrainianIban('DE89370400440532013000')).toBe(false);
  });
});
