import cron, { type ScheduledTask } from 'node-cron';
import { reconcilePayments, type PaymentStatusSource, type PaymentsDeps, type ReconcileSummary } from '../../core/payments/index.ts';
import type { Logger } from '../logger.ts';

export interface ReconcileSchedule {
  start(): void;
  stop(): Promise<void>;
  /** One pass now (the CLI's reconcile-payments, tests). */
  runOnce(): Promise<ReconcileSummary>;
}

/**
 * Every two minutes, asks the provider about orders open longer than PaymentRules.reconcileAfterMs. Every
 * instance may run it: each order is claimed by one pass (core stamps checked_at under SKIP LOCKED).
 */
export function createReconcileSchedule(deps: {
  payments: PaymentsDeps;
  sources: PaymentStatusSource[];
  logger: Logger;
  cron?: string;
}): ReconcileSchedule {
  const expression = deps.cron ?? '*/2 * * * *';
  const sources = Object.fromEntries(deps.sources.map((s) => [s.provider, s]));
  if (!cron.validate(expression)) throw new Error(`PAYMENT_RECONCILE_CRON is not a valid cron expression: ${expression}`);
  let task: ScheduledTask | undefined;
  let running: Promise<ReconcileSummary> | undefined;

  function runOnce(): Promise<ReconcileSummary> {
    running ??= reconcilePayments(deps.payments, sources).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    start() {
      if (task) return;
      task = cron.schedule(
        expression,
        async () => {
          try {
            const summary = await runOnce();
            if (summary.asked > 0) deps.logger.info(summary, 'payments reconciled');
          } catch (error) {
            deps.logger.error({ err: error }, 'payments reconciliation failed');
          }
        },
        { name: 'payments-reconcile', noOverlap: true },
      );
    },
    async stop() {
      const stopping = task;
      task = undefined;
      if (stopping) await stopping.destroy();
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}
