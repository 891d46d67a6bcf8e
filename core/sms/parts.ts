import { fitText } from '../text.ts';

// What an SMS reply may cost. Ukrainian needs UCS-2: 70 characters fit one SMS, and a longer text is sent in parts
// of 67 (each part loses 3 to the header that joins them). Every reply is kept to two parts.

export const SMS_SINGLE_PART_UNITS = 70;
export const SMS_CONCAT_PART_UNITS = 67;
export const SMS_MAX_PARTS = 2;

/** How many SMS parts a text takes in UCS-2 (UTF-16 code units). */
export function smsParts(text: string): number {
  if (text.length <= SMS_SINGLE_PART_UNITS) return 1;
  return Math.ceil(text.length / SMS_CONCAT_PART_UNITS);
}

/** The reply cut to the part limit (a long list of serials is what could run over). */
export function fitSmsReply(text: string): string {
  return fitText(text, SMS_CONCAT_PART_UNITS * SMS_MAX_PARTS);
}
