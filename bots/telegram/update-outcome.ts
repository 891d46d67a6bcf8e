import type { Update } from 'grammy/types';

/**
 * What became of one delivery of an update, for the webhook's answer:
 * - `handled`: done and committed; `duplicate`: handled before (by any instance);
 * - `busy`: another handler holds a live claim on it (it may still fail or die);
 * - `failed`: its claim was released; `redeliver` when nobody was told and a later delivery should try again.
 */
export type UpdateOutcome = { kind: 'handled' } | { kind: 'duplicate' } | { kind: 'busy' } | { kind: 'failed'; redeliver: boolean };

/** Outcomes by the update object grammY was handed (the webhook keeps that object and reads its outcome). */
export class UpdateOutcomes {
  private readonly byUpdate = new WeakMap<Update, UpdateOutcome>();

  set(update: Update, outcome: UpdateOutcome): void {
    this.byUpdate.set(update, outcome);
  }

  get(update: Update): UpdateOutcome | undefined {
    return this.byUpdate.get(update);
  }
}
