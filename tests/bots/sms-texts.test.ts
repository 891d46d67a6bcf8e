import { describe, expect, it } from 'vitest';
import type { SmsOutcome, SmsReadingOutcome } from '../../core/sms/types.ts';
import { smsLimitReached, smsParts, smsReply, smsTexts } from '../../bots/texts/sms.ts';

// Long but real serials and values: the reply must still fit two UCS-2 parts.
const serial = 'ХВ-00012345';
const serials = ['ХВ-00012345', 'ГВ-00012346', 'ХВ-00012347', 'ГВ-00012348'];
const receipt = { readingId: 1, meterSerial: serial, value: 99999, localDate: '2026-11-20', period: '2026-11', consumption: 99999, previousValue: 0, leak: null };
const eachReading: SmsReadingOutcome[] = [
  { kind: 'accepted', receipt },
  { kind: 'refused', meterSerial: serial, value: '99999', refusal: { kind: 'same-day', retryOn: '2026-11-21' } },
  { kind: 'refused', meterSerial: serial, value: '99999', refusal: { kind: 'outside-window', opensOn: '2026-12-20' } },
  { kind: 'refused', meterSerial: serial, value: '99999', refusal: { kind: 'verification-overdue', due: '2026-01-01' } },
  { kind: 'refused', meterSerial: serial, value: '9999999999', refusal: { kind: 'invalid-value' } },
  { kind: 'refused', meterSerial: serial, value: '9999999999', refusal: { kind: 'over-capacity', maxValue: 99999 } },
  { kind: 'refused', meterSerial: serial, value: '99998', refusal: { kind: 'lower', lastValue: 99999 } },
  { kind: 'needs-confirmation', meterSerial: serial, value: 99999, consumption: 99999, days: 30 },
  { kind: 'accepted', receipt: { ...receipt, leak: { perDay: 3333.3, usualPerDay: 0.3, days: 30 } } },
  { kind: 'refused', meterSerial: serial, value: '99999', refusal: { kind: 'photo-required' } },
  { kind: 'ambiguous', target: null, serials },
  { kind: 'unknown-meter', target: 'ХВ-999999', serials },
];
const outcomes: SmsOutcome[] = [
  { kind: 'unknown-phone' },
  { kind: 'no-meters' },
  { kind: 'help' },
  { kind: 'stopped' },
  { kind: 'unreadable', serials },
  { kind: 'unreadable', serials: [serial] },
  { kind: 'nothing-to-confirm' },
  ...eachReading.map((result): SmsOutcome => ({ kind: 'readings', results: [result] })),
  { kind: 'readings', results: eachReading.slice(0, 4) },
];

describe('SMS replies', () => {
  it('every reply fits two UCS-2 parts', () => {
    for (const outcome of outcomes) {
      const text = smsReply(outcome);
      expect(smsParts(text), text).toBeLessThanOrEqual(2);
    }
    expect(smsParts(smsLimitReached)).toBe(1);
  });

  it('one reading reply is whole, never cut', () => {
    for (const result of eachReading) {
      expect(smsReply({ kind: 'readings', results: [result] })).not.toMatch(/…$/);
    }
    for (const text of [smsTexts.help, smsTexts.unknownPhone]) expect(smsParts(text)).toBeLessThanOrEqual(2);
  });

  it('counts parts as UCS-2 does: 70 for one, 67 each when joined', () => {
    expect(smsParts('я'.repeat(70))).toBe(1);
    expect(smsParts('я'.repeat(71))).toBe(2);
    expect(smsParts('я'.repeat(134))).toBe(2);
    expect(smsParts('я'.repeat(135))).toBe(3);
  });

  it('adds the leak warning when the reply still fits, and leaves it out when it does not', () => {
    const leaking: SmsReadingOutcome = { kind: 'accepted', receipt: { ...receipt, leak: { perDay: 3333.3, usualPerDay: 0.3, days: 30 } } };
    const one = smsReply({ kind: 'readings', results: [leaking] });
    expect(one).toContain(smsTexts.leak);
    expect(smsParts(one)).toBeLessThanOrEqual(2);
    const crowded = smsReply({ kind: 'readings', results: [leaking, eachReading[1]!, eachReading[2]!] });
    expect(crowded).not.toContain(smsTexts.leak);
    expect(crowded).toContain(`Прийнято ${serial}`);
  });

  it('tells the lower-value refusal what to do', () => {
    expect(smsReply({ kind: 'readings', results: [eachReading[6]!] })).toContain('Напишіть лист у кабінеті або зателефонуйте');
  });
});
