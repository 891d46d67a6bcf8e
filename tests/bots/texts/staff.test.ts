import { describe, expect, it } from 'vitest';
import { staff } from '../../../bots/texts/staff.ts';

// Staff texts shorten names and letters at grapheme boundaries: an emoji, a flag or a letter with its combining mark
// is kept whole or left out whole, never cut into a lone surrogate Telegram would refuse.

const segmenter = new Intl.Segmenter('uk', { granularity: 'grapheme' });
const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);

/** `prefix` followed by `hard` repeated: puts each kind of grapheme across every cut point in turn. */
const across = (prefixLength: number, hard: string) => `${'я'.repeat(prefixLength)}${hard.repeat(40)}`;
const hards = ['👍', '🇺🇦', 'й̆', '👩‍👩‍👧'];

describe('staff texts cut whole graphemes', () => {
  it('the /letters line keeps 80 units of the letter, never half of an emoji, flag or accented letter', () => {
    for (const hard of hards) {
      for (let shift = 70; shift < 82; shift++) {
        const text = across(shift, hard);
        const line = staff.openLetterLine(
          { number: 1, category: 'question', status: 'new', channel: 'telegram', accountNumber: null, createdAt: '2026-11-25T10:00:00Z', text },
          'Europe/Kyiv',
        );
        const preview = line.split('\n')[1]!.trim();
        expect(preview.isWellFormed()).toBe(true);
        expect(preview.length).toBeLessThanOrEqual(80);
        expect(preview.endsWith('…')).toBe(true);
        // What is kept is a run of the text's own graphemes.
        const kept = graphemes(preview.slice(0, -1));
        expect(kept).toEqual(graphemes(text).slice(0, kept.length));
      }
    }
  });

  it('the topic title (120) and an unknown account number (30) are cut the same way', () => {
    for (const hard of hards) {
      for (let shift = 100; shift < 122; shift++) {
        const title = staff.topicTitle(across(shift, hard), []);
        expect(title.isWellFormed()).toBe(true);
        expect(title.length).toBeLessThanOrEqual(120);
      }
      const notFound = staff.accountNotFound(across(25, hard));
      expect(notFound.isWellFormed()).toBe(true);
    }
  });

  it('the card head shortens a long name and address whole, and counts the accounts it leaves out', () => {
    const head = staff.letterCardHead(
      {
        number: 5,
        category: 'emergency',
        status: 'new',
        channel: 'viber',
        createdAt: '2026-11-25T10:00:00Z',
        subscriber: { name: across(95, '🇺🇦'), phone: null },
        accounts: [{ number: '100001', address: across(120, 'й̆'), balanceKop: 0 }],
        moreAccounts: 21,
        correction: null,
        photos: 0,
        closedBy: null,
        lastDelivery: null,
      },
      'Europe/Kyiv',
    );
    expect(head.isWellFormed()).toBe(true);
    expect(head.startsWith('🚨 ТЕРМІНОВО · Лист №5 · Аварія')).toBe(true);
    expect(head).toContain('…і ще 21 рахунок');
    for (const line of head.split('\n')) expect(line.length).toBeLessThanOrEqual(160);
  });
});
