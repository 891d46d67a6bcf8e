import type { Attachment } from '../../models/models.ts';
import { LETTER_ATTACHMENTS_MAX, LETTER_TEXT_MAX, type TextRefusal } from './types.ts';

/**
 * The trimmed text, or why it cannot be stored. Length is counted in characters as PostgreSQL counts them
 * (code points), so an emoji is one, as the table's check sees it.
 */
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
  if ([...trimmed].length > LETTER_TEXT_MAX) return { ok: false, refusal: { kind: 'too-long', max: LETTER_TEXT_MAX } };
  return { ok: true, text: trimmed };
}
