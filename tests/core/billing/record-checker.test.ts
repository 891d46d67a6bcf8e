import { describe, expect, it } from 'vitest';
import { BadRecords, unsafeCharacterIn } from '../../../core/billing/record-checker.ts';

describe('characters no value may hold', () => {
  it('names NUL, control characters, tabs and half a character, and lets whole emoji and letters through', () => {
    expect(unsafeCharacterIn('вул.\u0000 Соборна')).toMatch(/^a NUL byte/);
    expect(unsafeCharacterIn('a\u0085b')).toBe('the control character U+0085');
    expect(unsafeCharacterIn('a\u007fb')).toBe('the control character U+007F');
    expect(unsafeCharacterIn('a\tb')).toBe('a tab');
    expect(unsafeCharacterIn('лист \ud83d')).toBe('half a character (a lone surrogate, U+D83D), which no text can hold');
    expect(unsafeCharacterIn('\ude00 лист')).toMatch(/lone surrogate, U\+DE00/);
    expect(unsafeCharacterIn("Ґудзь-Їжак 😀 🇺🇦 é, кв. 5 'a' \"b\"")).toBeNull();
  });
});

describe('the bad records of a file', () => {
  it('keeps the first 100 in file order, whatever order they are found in, and only counts the rest', () => {
    const bad = new BadRecords(100);
    for (let ordinal = 100_000; ordinal > 0; ordinal -= 1) bad.add(ordinal, `bad ${ordinal}`);
    expect(bad.count).toBe(100_000);
    expect(bad.listed).toHaveLength(100);
    expect(bad.listed.map((b) => b.ordinal)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
