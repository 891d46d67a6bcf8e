export { handleSms, CONFIRMATION_MS } from './handle.ts';
export { parseSms, matchKey, MAX_READINGS_PER_SMS } from './parse.ts';
export { accountsForPhone } from './phone-meters.ts';
export { answerInboxSms, type AnsweredSms, type SmsAnswer, type SmsLimits } from './answer.ts';
export { fitSmsReply, smsParts, SMS_CONCAT_PART_UNITS, SMS_MAX_PARTS, SMS_SINGLE_PART_UNITS } from './parts.ts';
export type * from './types.ts';
