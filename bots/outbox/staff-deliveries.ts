import type { StaffDesk } from '../telegram/staff/desk.ts';
import type { OutboxHandlers } from './dispatcher.ts';

/**
 * Outbox handlers for what goes into the staff group: new letters (card, photos, in the writer's topic) and
 * security alerts. Without a staff desk configured, leave these out: the entries wait in the outbox until one is.
 */
export function createStaffDeliveryHandlers(deps: { desk: StaffDesk }): OutboxHandlers {
  const { desk } = deps;
  return {
    'letter-to-staff': (entry) => desk.forwardLetter(entry.payload.letterId),
    'security-alert': (entry) => desk.postSecurityAlert(entry.payload),
    'payment-alert': (entry) => desk.postPaymentAlert(entry.payload),
  };
}
