import type { OutageDeliveryCounts, OutageDeliveryDeps } from './types.ts';

export interface DeliveryPassOptions {
  signal?: AbortSignal;
}

export async function deliverDueOutageNotices(deps: OutageDeliveryDeps, options: DeliveryPassOptions = {}): Promise<OutageDeliveryCounts> {
  void deps;
  void options;
  throw new Error('not implemented yet');
}
