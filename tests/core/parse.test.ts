import { describe, expect, it } from 'vitest';
import { normalizeAccountNumber, normalizePhone, parseAmountKop, parseBillingDate, parseWholeNumber } from '../../core/parse.ts';

describe('parseAmountKop', () => {
  it.each([
    ['1234,50', 123450],
    ['1 234.5', 123450],
    ['1234.50 грн', 123450],
    ['1234', 123400],
    ['0,07', 7],
    ['-12,3', -1230],
    [' 250.00 грн. ', 25000],
  ])('reads %j as %i kopecks', (text, kop) => {
    expect(parseAmountKop(text)).toBe(kop);
  });
  it.each(['', 'abc', '12,345', '1.2.3', '12 грн 50 коп'])('refuses %j', (text) => {
    expect(parseAmountKop(text)).toBeNull();
  });
});

describe('normalizePhone', () => {
  it.each(['+380 67 123 45 67', '380671234567', '0671234567', '(067) 123-45-67', '80671234567'])('reads %j', (text) => {
    expect(normalizePhone(text)).toBe('380671234567');
  });
  it.each(['12345', '+1 202 555 0100', 'phone'])('refuses %j', (text) => {
    expect(normalizePhone(text)).toBeNull();
  });
});

describe('parseBillingDate', () => {
  it('reads both forms and refuses impossible days', () => {
    expect(parseBillingDate('2026-03-01')).toBe('2026-03-01');
    expect(parseBillingDate('1.3.2026')).toBe('2026-03-01');
    expect(parseBillingDate('31.02.2026')).toBeNull();
    expect(parseBillingDate('2026/03/01')).toBeNull();
  });
});

describe('parseWholeNumber and normalizeAccountNumber', () => {
  it('takes digits only', () => {
    expect(parseWholeNumber(' 1 234 ')).toBe(1234);
    expect(parseWholeNumber('12,5')).toBeNull();
    expect(parseWholeNumber('-3')).toBeNull();
    expect(normalizeAccountNumber(' 0012-345 ')).toBe('0012345');
    expect(normalizeAccountNumber('12; DROP')).toBeNull();
  });
});
