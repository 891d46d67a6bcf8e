import { QueryTypes } from 'sequelize';
import { localHour } from '../calendar.ts';
import { Coalescer } from '../coalescer.ts';
import { KeysetFeed } from '../keyset-feed.ts';
import { errorText } from '../reminders/send.ts';
import { isQuietHour } from '../reminders/slot.ts';
import { claimNotices, reclaimNotices, settleNotices, unsettledNotices, type NoticeClaim, type NoticeKey, type Settled } from './notice-claims.ts';
import { recipientsOf, type Recipient } from './recipients.ts';
import type { OutageChange, OutageDeliveryCounts, OutageDeliveryDeps, OutageNotice, OutageView } from './types.ts';
import { OUTAGE_COLUMNS, outageFromRow, type OutageRow } from './view.ts';

export interface DeliveryPassOptions {
  signal?: AbortSignal;
}

/** Most claims or settles in one statement. */
const BATCH_MAX = 100;
/** A failed send is tried again after this long (by a later pass), up to maxAttempts in all. */
const RETRY_AFTER_MS = 60_000;

interface DueChange extends NoticeKey {
  walked: boolean;
  outage: OutageView;
}

/** The next change due now that this pass has not worked on; planned works wait out quiet hours, emergencies first. */
async function nextDueChange(deps: OutageDeliveryDeps, now: Date, quiet: boolean, worked: string[]): Promise<DueChange | null> {
  const [row] = await deps.db.sequelize.query<OutageRow & { change: OutageChange; walked_at: Date | null }>(
    `SELECT c.change, c.walked_at, ${OUTAGE_COLUMNS}
       FROM outage_changes c JOIN outages o ON o.id = c.outage_id
      WHERE c.status = 'pending' AND c.due_at <= :now AND (o.kind = 'emergency' OR NOT :quiet)
        AND NOT (c.outage_id || ':' || c.change = ANY(ARRAY[:worked]::text[]))
      ORDER BY (o.kind = 'emergency') DESC, c.due_at, c.outage_id, c.change
      LIMIT 1`,
    { replacements: { now, quiet, worked: worked.length > 0 ? worked : [''] }, type: QueryTypes.SELECT },
  );
  if (!row) return null;
  return { outageId: row.id, change: row.change, walked: row.walked_at !== null, outage: outageFromRow(row) };
}

/** Why a due change is no longer worth sending, if it is not: the news it carries is old. */
function pointless(due: DueChange, now: Date): string | null {
  const { outage, change } = due;
  if (outage.status === 'closed' && change !== 'restored') return 'closed';
  if (change === 'before' && new Date(outage.startsAt) <= now) return 'started';
  if ((change === 'start' || change === 'before') && outage.endsAt !== null && new Date(outage.endsAt) <= now) return 'over';
  if (change.startsWith('update-') && Number(change.slice('update-'.length)) < outage.revision) return 'superseded';
  return null;
}

async function changeStatus(deps: OutageDeliveryDeps, key: NoticeKey): Promise<string | undefined> {
  const [row] = await deps.db.sequelize.query<{ status: string }>(
    'SELECT status FROM outage_changes WHERE outage_id = :outageId AND change = :change',
    { replacements: { outageId: key.outageId, change: key.change }, type: QueryTypes.SELECT },
  );
  return row?.status;
}

async function setChange(deps: OutageDeliveryDeps, key: NoticeKey, set: 'walked' | 'done' | 'dropped', now: Date): Promise<void> {
  const assignment = set === 'walked' ? 'walked_at = :now' : `status = '${set}', done_at = :now`;
  await deps.db.sequelize.query(`UPDATE outage_changes SET ${assignment} WHERE outage_id = :outageId AND change = :change AND status = 'pending'`, {
    replacements: { outageId: key.outageId, change: key.change, now },
  });
}

/**
 * One delivery pass: every outage notice due now goes to each affected subscriber once. For each due change
 * (an emergency's at once; planned works' outside quiet hours), `concurrency` workers share a keyset feed of
 * recipients; each notice is claimed in PostgreSQL before it is sent and settled after (notice-claims.ts), so
 * passes in two instances, or after a restart, send only what nobody has claimed. A change is walked once; later
 * passes take over what a dead sender left (after the lease) and retry failed sends, and mark it done when
 * nothing is left open. The schedule runs a pass every few seconds (bots/outages/schedule.ts).
 */
export async function deliverDueOutageNotices(deps: OutageDeliveryDeps, options: DeliveryPassOptions = {}): Promise<OutageDeliveryCounts> {
  const { db, clock, settings, sender } = deps;
  const counts: OutageDeliveryCounts = { changes: 0, sent: 0, failed: 0, blocked: 0, skipped: 0, alreadyDone: 0, rateLimited: 0 };
  const worked: string[] = [];
  const quietNow = () => isQuietHour(localHour(clock.now(), settings.timeZone), settings.quietHours);
  const claimOptions = () => ({ now: clock.now(), leaseMs: settings.leaseMs, maxAttempts: settings.maxAttempts });
  const settles = new Coalescer<Settled, void>(async (batch) => {
    await settleNotices(db, batch);
    return batch.map(() => undefined);
  }, BATCH_MAX);

  async function send(due: DueChange, recipient: Recipient, claim: NoticeClaim): Promise<void> {
    const notice: OutageNotice = {
      subscriberId: recipient.subscriberId,
      channel: recipient.channel,
      channelUserId: recipient.channelUserId,
      change: due.change,
      outage: due.outage,
      accounts: recipient.accounts,
    };
    let settled: Settled;
    try {
      const delivery = await sender.deliver(notice);
      if (delivery.kind === 'skipped') settled = { claim, status: 'skipped', at: clock.now(), error: delivery.reason };
      else {
        counts.rateLimited += delivery.rateLimitedWaits;
        settled = delivery.kind === 'blocked' ? { claim, status: 'blocked', at: clock.now(), error: delivery.reason } : { claim, status: 'sent', at: clock.now() };
      }
    } catch (error) {
      settled = { claim, status: 'failed', at: clock.now(), error: errorText(error) };
    }
    counts[settled.status] += 1;
    await settles.submit(settled);
  }

  /** Walks every recipient of the change; false if it stopped early (abort, or quiet hours for planned works). */
  async function walk(due: DueChange): Promise<boolean> {
    let stopped = false;
    const feed = new KeysetFeed<Recipient>(
      // A change dropped meanwhile (a newer update, the outage closed) stops at the next page.
      async (after, limit) => ((await changeStatus(deps, due)) === 'pending' ? recipientsOf(db, due.outage, { after, limit }) : []),
      (r) => r.subscriberId,
      { pageSize: settings.pageSize, prefetchBelow: settings.concurrency * 2 },
    );
    const claims = new Coalescer<number, NoticeClaim | null>(async (ids) => {
      const taken = await claimNotices(db, due, ids, claimOptions());
      const byId = new Map(taken.map((claim) => [claim.subscriberId, claim]));
      return ids.map((id) => byId.get(id) ?? null);
    }, BATCH_MAX);
    const worker = async () => {
      for (;;) {
        if (stopped) return;
        if (options.signal?.aborted || (due.outage.kind === 'planned' && quietNow())) {
          stopped = true;
          return;
        }
        const recipient = await feed.next();
        if (!recipient) return;
        const claim = await claims.submit(recipient.subscriberId);
        if (!claim) counts.alreadyDone += 1;
        else await send(due, recipient, claim);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, worker));
    return !stopped;
  }

  /** Sends again what a dead sender left of the change, and what failed with tries left. */
  async function mendChange(due: DueChange): Promise<void> {
    for (;;) {
      if (options.signal?.aborted || (due.outage.kind === 'planned' && quietNow())) return;
      const claims = await reclaimNotices(db, due, BATCH_MAX, { ...claimOptions(), retryAfterMs: RETRY_AFTER_MS });
      if (claims.length === 0) return;
      const recipients = new Map((await recipientsOf(db, due.outage, { subscriberIds: claims.map((c) => c.subscriberId) })).map((r) => [r.subscriberId, r]));
      let next = 0;
      const worker = async () => {
        while (next < claims.length) {
          const claim = claims[next++]!;
          const recipient = recipients.get(claim.subscriberId);
          if (recipient) await send(due, recipient, claim);
          else {
            // No longer linked, blocked, or turned planned-works notices off meanwhile.
            counts.skipped += 1;
            await settles.submit({ claim, status: 'skipped', at: clock.now(), error: 'no-longer-affected' });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.concurrency, claims.length)) }, worker));
      await settles.idle();
      if (claims.length < BATCH_MAX) return;
    }
  }

  for (;;) {
    if (options.signal?.aborted) break;
    const now = clock.now();
    const due = await nextDueChange(deps, now, quietNow(), worked);
    if (!due) break;
    worked.push(`${due.outageId}:${due.change}`);
    counts.changes += 1;
    if (pointless(due, now)) {
      await setChange(deps, due, 'dropped', now);
      continue;
    }
    if (!due.walked) {
      const complete = await walk(due);
      await settles.idle();
      if (!complete) continue;
      await setChange(deps, due, 'walked', clock.now());
    }
    await mendChange(due);
    await settles.idle();
    if ((await unsettledNotices(db, due, settings.maxAttempts)) === 0) await setChange(deps, due, 'done', clock.now());
  }
  await settles.idle();
  return counts;
}
