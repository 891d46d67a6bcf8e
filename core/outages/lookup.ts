import type { CoreDeps } from '../deps.ts';
import type { OutageView, SubscriberOutages } from './types.ts';

export async function outagesAtSubscriberAddresses(deps: Pick<CoreDeps, 'db'>, subscriberId: number, now: Date): Promise<SubscriberOutages> {
  void deps;
  void subscriberId;
  void now;
  throw new Error('not implemented yet');
}

export async function outageInForceForAccount(deps: Pick<CoreDeps, 'db'>, accountId: number, now: Date): Promise<OutageView | null> {
  void deps;
  void accountId;
  void now;
  throw new Error('not implemented yet');
}

export async function emergencyForAccount(deps: Pick<CoreDeps, 'db'>, accountId: number, now: Date): Promise<OutageView | null> {
  void deps;
  void accountId;
  void now;
  throw new Error('not implemented yet');
}
