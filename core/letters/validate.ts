import { codePointLength } from '../text.ts';
import type { Attachment } from '../../models/models.ts';
import { LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, type TextRefusal } from './types.ts';

/**
 * A letter's length as the rule counts it: characters as PostgreSQL counts them (code points) in the trimmed
 * text, so an emoji is one, as the table's check sees it. Flows quote this number; they never count themselves.
 */
export function letterLength(text: string): number {
  return codePointLength(text.trim());
}

/** The trimmed text, or why it cannot be stored. */
export function checkText(
  text: string,
  attachments: readonly Attachment[],
  options: { emptyAllowedWithAttachments: boolean },
): { ok: true; text: string } | { ok: false; refusal: TextRefusal } {
  const trimmed = text.trim();
  if (attachments.length > LETTER_ATTACHMENTS_MAX) {
    return { ok: false, refusal: { kind: 'too-many-attachments', max: LETTER_ATTACHMENTS_MAX } };
  }
  if (trimmed === '' && !(options.emptyAllowedWithAttachments && attachments.length > 0)) {
    return { ok: false, refusal: { kind: 'empty' } };
  }
  const length = letterLength(trimmed);
  if (length > LETTER_TEXT_MAX) return { ok: false, refusal: { kind: 'too-long', max: LETTER_TEXT_MAX, length } };
  return { ok: true, text: trimmed };
}
