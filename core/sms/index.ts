export { handleSms, CONFIRMATION_MS } from './handle.ts';
export { parseSms, matchKey, MAX_READINGS_PER_SMS } from './parse.ts';
export { accountsForPhone } from './phone-meters.ts';
export type * from './types.ts';
