import { describe, expect, it } from 'vitest';
import { accountsSpec, metersSpec, paymentsSpec } from '../../../core/billing/file-kinds.ts';

const cells = (values: Record<string, string>) => (column: string) => values[column] ?? '';
const payment = (amount: string) => paymentsSpec.parse(cells({ account: '1000101', date: '2026-10-10', amount }));

describe('reading the values of a line', () => {
  it('reads amounts in kopecks with either decimal mark, and in the forms people type them', () => {
    const read = (amount: string) => {
      const row = payment(amount);
      return Array.isArray(row) ? row : row.amountKop;
    };
    expect(['1', '12.5', '12,50', '-0.01', '007.30', '21474836.47', '1 234,50', '250 грн'].map(read)).toEqual([
      100, 1250, 1250, -1, 730, 2147483647, 123450, 25000,
    ]);
    expect(read('21474836.48')).toEqual(['amount "21474836.48" is too large']);
    for (const bad of ['1.234', '1.', '.5', '-', '+5', '12a', '1,2,3', '1000000000', '٣']) {
      expect(read(bad)).toEqual([`amount "${bad}" is not an amount of money (e.g. 1234.50 or 1234,50)`]);
    }
    expect(read('-0,00')).toEqual(['amount is zero']);
  });

  it('reads account numbers plain or as typed, and refuses what is not one', () => {
    const number = (account: string) => {
      const row = paymentsSpec.parse(cells({ account, date: '2026-10-10', amount: '1' }));
      return Array.isArray(row) ? row : row.account;
    };
    expect(['1000101', ' 100-0101 ', 'ab-12'].map(number)).toEqual(['1000101', '1000101', 'AB12']);
    expect(number('1;2')).toEqual(['account number "1;2" is not valid (up to 20 digits or letters)']);
  });

  it('reads meter values and digits, plain or with spaces between groups', () => {
    const meter = metersSpec.parse(
      cells({ account: '1', meter: 'M-1', service: 'вода', last_reading: '12 345', last_reading_date: '25.10.2026', digits: '5' }),
    );
    expect(meter).toMatchObject({ lastReading: 12345, digits: 5, lastReadingDate: '2026-10-25', verificationDue: null });
    expect(metersSpec.parse(cells({ account: '1', meter: 'M-1', service: 'вода', last_reading: '-3', last_reading_date: '2026-10-25', digits: '10' }))).toEqual([
      'last reading "-3" is not a whole number',
      'digits "10" is not a whole number from 1 to 9',
    ]);
    expect(accountsSpec.parse(cells({ account: '1', surname: 'Мельник', address: 'вул. Соборна', balance: '-0,5' }))).toMatchObject({ balanceKop: -50 });
  });

  it('reads dates in either form and refuses days that do not exist', () => {
    const paidOn = (date: string) => {
      const row = paymentsSpec.parse(cells({ account: '1000101', date, amount: '1' }));
      return Array.isArray(row) ? row : row.paidOn;
    };
    expect(['2024-02-29', '2000-02-29', '2026-12-31', '1.2.2026', '31.01.2026'].map(paidOn)).toEqual([
      '2024-02-29', '2000-02-29', '2026-12-31', '2026-02-01', '2026-01-31',
    ]);
    for (const bad of ['2025-02-29', '1900-02-29', '2026-04-31', '2026-00-10', '2026-10-00', '2026-1-10', '2026/10/10', '20261010', '2026-10-1x', '31.02.2026']) {
      expect(paidOn(bad)).toEqual([`date "${bad}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`]);
    }
  });
});
