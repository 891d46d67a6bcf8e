// Statements (рахунки): an account's billing period as a document, and the NBU payment QR code it carries.
export type { Statement, StatementCharge, StatementMeter, StatementOutcome, StatementPeriodsOutcome, UtilityDetails } from './types.ts';
export { STATEMENT_PERIODS, nextPeriod, statementOf, statementPeriods } from './statement.ts';
export { NBU_LIMITS, NBU_QR_BASE, decodeNbuQrLink, isUkrainianIban, nbuAmount, nbuPayload, nbuQrLink, type CreditTransfer } from './payment-qr.ts';
