export * from './types.ts';
export { previewOutage, announceOutage, updateOutage, closeOutage, getOutage, openOutages } from './announce.ts';
export { outagesAtSubscriberAddresses, outageInForceForAccount, emergencyForAccount } from './lookup.ts';
export { setPlannedOutageNotices, plannedOutageNoticesOn } from './preferences.ts';
export { deliverDueOutageNotices, type DeliveryPassOptions } from './deliver.ts';
export { importOutagesFile, isOutagesHeader, OUTAGES_HEADER, type OutageImportOutcome } from './import.ts';
