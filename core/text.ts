// Shortening text without breaking a character. JavaScript strings are UTF-16: cutting with `slice` can split a
// surrogate pair (an emoji) or a grapheme (a flag, a letter with a combining mark), and a lone surrogate is
// refused by PostgreSQL and by the platforms. Every place that shortens a text uses `fitText`.

const segmenter = new Intl.Segmenter('uk', { granularity: 'grapheme' });

/** Length as the platforms count it for their limits (UTF-16 code units: Telegram, Viber). */
export function unitLength(text: string): number {
  return text.length;
}

/** Length in Unicode code points (what a person would count as characters, closer than UTF-16 units). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** The text with lone surrogates replaced (U+FFFD), so nothing stored or sent is malformed. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * `text` if it fits in `max` UTF-16 units, otherwise its longest run of whole graphemes that fits together with
 * `ellipsis`, followed by it.
 */
export function fitText(text: string, max: number, ellipsis = '…'): string {
  const safe = wellFormed(text);
  if (safe.length <= max) return safe;
  const room = max - ellipsis.length;
  if (room <= 0) return ellipsis.slice(0, Math.max(0, max));
  let end = 0;
  for (const { segment, index } of segmenter.segment(safe)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return safe.slice(0, end) + ellipsis;
}

/**
 * Splits `text` into parts of at most `max` UTF-16 units at grapheme boundaries, preferring a line break, then a
 * space, in the last fifth of each part. For messages longer than a platform takes.
 */
export function splitText(text: string, max: number): string[] {
  const safe = wellFormed(text);
  const parts: string[] = [];
  let rest = safe;
  while (rest.length > max) {
    let end = 0;
    let lastBreak = -1;
    let lastSpace = -1;
    for (const { segment, index } of segmenter.segment(rest)) {
      if (index + segment.length > max) break;
      end = index + segment.length;
      if (segment === '\n') lastBreak = end;
      else if (/^\s$/.test(segment)) lastSpace = end;
    }
    const floor = Math.floor(max * 0.8);
    const cut = lastBreak >= floor ? lastBreak : lastSpace >= floor ? lastSpace : end;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
