// The accounts area of the core: proving ownership, linking by phone, and what a subscriber (or staff) sees.
export type { AccountOffer, AccountSummary, CoreDeps, MeterSummary, StaffAccountView } from './types.ts';
export { proveOwnership, type ProofByAnswer, type ProofOutcome, type ProofRequest } from './ownership.ts';
export { linkByPhone, phoneOffers, type PhoneLinkOutcome } from './phone.ts';
export { accountView, isVerificationOverdue, listLinkedAccounts, unlinkAccount, type AccountDetails, type AccountViewOutcome, type UnlinkOutcome } from './links.ts';
export { findAccountForStaff } from './staff.ts';
export { lastKnownValues, type LastKnownValue } from './meter-state.ts';
export { maskHolder, maskPhone } from './summaries.ts';
