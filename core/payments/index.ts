export { createOrder, findOrder, paymentOffer } from './orders.ts';
export { precheckOrder } from './precheck.ts';
export { recordProviderReport, canMove } from './record.ts';
export { reconcilePayments, ORDER_LIFETIME_MS, type ReconcileSummary } from './reconcile.ts';
export { matchBillingPayments } from './billing-match.ts';
export { onlinePaymentsOf, paymentOfOrder, unbookedPaymentsOf, unconfirmedPayments, type OnlinePayment, type UnbookedPayment } from './listings.ts';
export { exportPayments, PAYMENTS_CSV_HEADER, type ExportEncoding, type PaymentsExport } from './export.ts';
export { countForgedCallback } from './forged.ts';
export * from './types.ts';
