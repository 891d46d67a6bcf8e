import { describe, expect, it } from 'vitest';
import { createPacer, toParts } from '../../../bots/sms/outgoing.ts';

describe('outgoing SMS', () => {
  it('sends up to 70 UCS-2 units as one part, longer as 67-unit parts that join back exactly', () => {
    expect(toParts('я'.repeat(70), 1)).toEqual([{ text: 'я'.repeat(70), udh: null }]);
    const text = `${'слово '.repeat(20)}кінець`;
    const parts = toParts(text, 9);
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.every((p) => p.text.length <= 67)).toBe(true);
    expect([...parts[1]!.udh!]).toEqual([0x05, 0x00, 0x03, 9, 2, 2]);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const parts = toParts(`${'я'.repeat(66)}😀${'я'.repeat(10)}`, 1);
    expect(parts[0]!.text).toBe('я'.repeat(66));
    expect(parts[1]!.text.startsWith('😀')).toBe(true);
  });

  it('paces sends to SMS_PER_SECOND', async () => {
    const pace = createPacer(20);
    const started = Date.now();
    for (let i = 0; i < 5; i++) await pace();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
