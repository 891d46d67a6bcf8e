import { describe, expect, it } from 'vitest';
import { matchKey, parseSms } from '../../../core/sms/parse.ts';

describe('parseSms', () => {
  it('reads a lone value as the only meter', () => {
    expect(parseSms(' 1540 ')).toEqual({ kind: 'readings', readings: [{ target: null, value: '1540' }] });
  });
  it('reads serial-value pairs forgiving of spaces, commas, dashes and case', () => {
    expect(parseSms('ХВ-001 1540')).toEqual({ kind: 'readings', readings: [{ target: 'ХВ-001', value: '1540' }] });
    expect(parseSms('хв - 001, 1540')).toEqual({ kind: 'readings', readings: [{ target: 'хв-001', value: '1540' }] });
    expect(parseSms('ХВ 001 1540')).toEqual({ kind: 'readings', readings: [{ target: 'ХВ001', value: '1540' }] });
    expect(parseSms('001 1540')).toEqual({ kind: 'readings', readings: [{ target: '001', value: '1540' }] });
    expect(parseSms('ХВ-001 1540 ХВ-002 830')).toEqual({
      kind: 'readings',
      readings: [{ target: 'ХВ-001', value: '1540' }, { target: 'ХВ-002', value: '830' }],
    });
    expect(parseSms('XB-001 1540,XB-002 830').kind).toBe('readings');
  });
  it('knows the words in either alphabet and case', () => {
    expect(parseSms('так')).toEqual({ kind: 'confirm' });
    expect(parseSms('TAK')).toEqual({ kind: 'confirm' });
    expect(parseSms('Так!')).toEqual({ kind: 'confirm' });
    expect(parseSms('допомога')).toEqual({ kind: 'help' });
    expect(parseSms('?')).toEqual({ kind: 'help' });
    expect(parseSms('Стоп')).toEqual({ kind: 'stop' });
    expect(parseSms('stop')).toEqual({ kind: 'stop' });
  });
  it('refuses what is not readings', () => {
    for (const text of ['', 'привіт', 'ХВ-001', 'ХВ-001 15a0', '1 2 3', 'a 1 b 2 c 3 d 4 e 5']) {
      expect(parseSms(text), text).toEqual({ kind: 'unreadable' });
    }
  });
  it('matches Latin look-alikes to Cyrillic serials', () => {
    expect(matchKey('xb-001')).toBe(matchKey('ХВ-001'));
    expect(matchKey('ХВ 001')).toBe('ХВ001');
  });
});
