import { QueryTypes, type Transaction } from 'sequelize';
import { loadStreetAliases } from '../addresses/aliases.ts';
import type { StreetAliases } from '../addresses/street-names.ts';
import type { CoreDeps } from '../deps.ts';
import type { Database } from '../../models/database.ts';
import { anyNoticeStarted, dropPending, initialChanges, insertChanges } from './changes.ts';
import { matchAccounts } from './match.ts';
import { reachOf } from './reach.ts';
import { defaultOutageSettings, OUTAGE_AFFECTS, OUTAGE_TEXT_MAX } from './types.ts';
import type { AnnounceOutcome, CloseOutcome, DraftProblem, OutageDraft, OutageView, PreviewOutcome, UpdateOutcome } from './types.ts';
import { OUTAGE_COLUMNS, outageFromRow, type OutageRow } from './view.ts';

const time = (text: string | null) => (text === null ? null : new Date(text));
const isTime = (at: Date | null) => at === null || !Number.isNaN(at.getTime());

/** Every problem of a draft at once; none means it can be announced. */
export function draftProblems(draft: OutageDraft, now: Date): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (draft.targets.length === 0) problems.push({ kind: 'no-targets' });
  const startsAt = time(draft.startsAt);
  const endsAt = time(draft.endsAt);
  if (!startsAt || !isTime(startsAt)) problems.push({ kind: 'bad-time', field: 'startsAt' });
  if (!isTime(endsAt)) problems.push({ kind: 'bad-time', field: 'endsAt' });
  problems.push(...endProblems(startsAt, endsAt, now));
  if (draft.affects.length === 0 || draft.affects.some((a) => !OUTAGE_AFFECTS.includes(a))) problems.push({ kind: 'no-affects' });
  if (draft.text.length > OUTAGE_TEXT_MAX) problems.push({ kind: 'text-too-long', max: OUTAGE_TEXT_MAX });
  return problems;
}

function endProblems(startsAt: Date | null, endsAt: Date | null, now: Date): DraftProblem[] {
  if (!startsAt || !endsAt || !isTime(startsAt) || !isTime(endsAt)) return [];
  if (endsAt <= startsAt) return [{ kind: 'ends-before-start' }];
  if (endsAt <= now) return [{ kind: 'already-over' }];
  return [];
}

/** Who the draft would reach now, without storing anything: what staff see before they confirm. */
export async function previewOutage(deps: CoreDeps, draft: OutageDraft): Promise<PreviewOutcome> {
  const problems = draftProblems(draft, deps.clock.now());
  if (problems.length > 0) return { kind: 'invalid', problems };
  const matched = await matchAccounts(deps.db, draft.targets, await loadStreetAliases(deps.db));
  return { kind: 'reach', reach: await reachOf(deps, { accountIds: matched.accountIds, kind: draft.kind }, matched.streetsNotFound) };
}

async function loadOutage(db: Database, where: string, replacements: Record<string, unknown>, transaction?: Transaction, lock = false): Promise<OutageView | null> {
  const [row] = await db.sequelize.query<OutageRow>(`SELECT ${OUTAGE_COLUMNS} FROM outages o WHERE ${where}${lock ? ' FOR UPDATE' : ''}`, {
    replacements,
    type: QueryTypes.SELECT,
    ...(transaction ? { transaction } : {}),
  });
  return row ? outageFromRow(row) : null;
}

export function getOutage(deps: Pick<CoreDeps, 'db'>, id: number): Promise<OutageView | null> {
  return loadOutage(deps.db, 'o.id = :id', { id });
}

/** Outages not closed yet, soonest first: what staff may update or close. */
export async function openOutages(deps: Pick<CoreDeps, 'db'>): Promise<OutageView[]> {
  const rows = await deps.db.sequelize.query<OutageRow>(
    `SELECT ${OUTAGE_COLUMNS} FROM outages o WHERE o.status = 'announced' ORDER BY o.starts_at, o.id`,
    { type: QueryTypes.SELECT },
  );
  return rows.map(outageFromRow);
}

/**
 * Stores the outage, the accounts at its addresses and the notices it owes, in the caller's transaction;
 * null if an outage with this idempotency key is there already (another instance stored it meanwhile).
 */
export async function insertOutage(
  deps: CoreDeps,
  draft: OutageDraft,
  options: { idempotencyKey: string; by: string; source?: 'staff' | 'import' },
  aliases: StreetAliases,
  transaction: Transaction,
): Promise<{ id: number; streetsNotFound: string[] } | null> {
  const { db } = deps;
  const now = deps.clock.now();
  const settings = { timeZone: deps.settings.timeZone, eveningHour: deps.settings.outageEveningHour ?? defaultOutageSettings.eveningHour };
  const [row] = await db.sequelize.query<{ id: number }>(
    `INSERT INTO outages (kind, starts_at, ends_at, affects, text, targets, source, created_by, idempotency_key, created_at, updated_at)
     VALUES (:kind, :startsAt, :endsAt, ARRAY[:affects]::text[], :text, CAST(:targets AS jsonb), :source, :by, :key, :now, :now)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    {
      replacements: {
        kind: draft.kind,
        startsAt: new Date(draft.startsAt),
        endsAt: time(draft.endsAt),
        affects: [...new Set(draft.affects)],
        text: draft.text,
        targets: JSON.stringify(draft.targets),
        source: options.source ?? 'staff',
        by: options.by,
        key: options.idempotencyKey,
        now,
      },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  if (!row) return null;
  const matched = await matchAccounts(db, draft.targets, aliases, transaction);
  if (matched.accountIds.length > 0) {
    await db.sequelize.query('INSERT INTO outage_accounts (outage_id, account_id) SELECT :id, unnest(ARRAY[:ids]::integer[])', {
      replacements: { id: row.id, ids: matched.accountIds },
      transaction,
    });
  }
  await insertChanges(db, row.id, initialChanges({ kind: draft.kind, startsAt: new Date(draft.startsAt) }, now, settings), now, transaction);
  return { id: row.id, streetsNotFound: matched.streetsNotFound };
}

/** The outage with this idempotency key, if any (in the transaction, locked, when one is given). */
export function outageByKey(deps: Pick<CoreDeps, 'db'>, key: string, transaction?: Transaction): Promise<OutageView | null> {
  return loadOutage(deps.db, 'o.idempotency_key = :key', { key }, transaction, transaction !== undefined);
}

/**
 * Stores the outage, the accounts at its addresses and the notices it owes, in one transaction; the delivery
 * (deliver.ts) sends them when due. The idempotency key (the staff form's, or an import line's) makes a second
 * announcement of the same thing, by a double press or a second instance, a no-op that returns the first.
 */
export async function announceOutage(
  deps: CoreDeps,
  draft: OutageDraft,
  options: { idempotencyKey: string; by: string; source?: 'staff' | 'import' },
): Promise<AnnounceOutcome> {
  const existing = await outageByKey(deps, options.idempotencyKey);
  if (existing) return { kind: 'already-announced', outage: existing };
  const problems = draftProblems(draft, deps.clock.now());
  if (problems.length > 0) return { kind: 'invalid', problems };
  const aliases = await loadStreetAliases(deps.db);
  const stored = await deps.db.sequelize.transaction((transaction) => insertOutage(deps, draft, options, aliases, transaction));
  if (!stored) return { kind: 'already-announced', outage: (await outageByKey(deps, options.idempotencyKey))! };
  const outage = (await getOutage(deps, stored.id))!;
  const reach = await reachOf(deps, { outageId: outage.id, kind: outage.kind }, stored.streetsNotFound);
  return { kind: 'announced', outage, reach };
}

/**
 * A new end time (and, if given, text). The subscribers who were already told get the update at once (planned
 * works: after quiet hours); notices not sent yet simply carry the new times. An older update still going out
 * stops where it is: everyone gets the newest.
 */
export function updateOutage(deps: CoreDeps, id: number, change: { endsAt: string | null; text?: string }): Promise<UpdateOutcome> {
  return deps.db.sequelize.transaction((transaction) => updateWithin(deps, id, change, transaction));
}

/** updateOutage in the caller's transaction (the outages import applies a whole file in one). */
export async function updateWithin(deps: CoreDeps, id: number, change: { endsAt: string | null; text?: string }, transaction: Transaction): Promise<UpdateOutcome> {
  const { db } = deps;
  const now = deps.clock.now();
  const outage = await loadOutage(db, 'o.id = :id', { id }, transaction, true);
  if (!outage) return { kind: 'not-found' };
  if (outage.status === 'closed') return { kind: 'closed', outage };
  const endsAt = time(change.endsAt);
  const problems: DraftProblem[] = [];
  if (!isTime(endsAt)) problems.push({ kind: 'bad-time', field: 'endsAt' });
  problems.push(...endProblems(new Date(outage.startsAt), endsAt, now));
  if (change.text !== undefined && change.text.length > OUTAGE_TEXT_MAX) problems.push({ kind: 'text-too-long', max: OUTAGE_TEXT_MAX });
  if (problems.length > 0) return { kind: 'invalid', problems };
  const text = change.text ?? outage.text;
  const sameEnd = (endsAt === null ? null : endsAt.getTime()) === (outage.endsAt === null ? null : new Date(outage.endsAt).getTime());
  if (sameEnd && text === outage.text) return { kind: 'unchanged', outage };
  const revision = outage.revision + 1;
  await db.sequelize.query('UPDATE outages SET ends_at = :endsAt, text = :text, revision = :revision, updated_at = :now WHERE id = :id', {
    replacements: { id, endsAt, text, revision, now },
    transaction,
  });
  if (await anyNoticeStarted(db, id, transaction)) {
    await dropPending(db, id, 'updates', now, transaction);
    await insertChanges(db, id, [{ change: `update-${revision}`, dueAt: now }], now, transaction);
  }
  return { kind: 'updated', outage: { ...outage, endsAt: endsAt === null ? null : endsAt.toISOString(), text, revision } };
}

/**
 * «Воду відновлено»: the outage is over. Notices still pending are dropped; whoever was told of it (any notice
 * started going out) is told it is over, at once (planned works: after quiet hours).
 */
export async function closeOutage(deps: CoreDeps, id: number): Promise<CloseOutcome> {
  const { db } = deps;
  const now = deps.clock.now();
  return db.sequelize.transaction(async (transaction) => {
    const outage = await loadOutage(db, 'o.id = :id', { id }, transaction, true);
    if (!outage) return { kind: 'not-found' as const };
    if (outage.status === 'closed') return { kind: 'already-closed' as const, outage };
    await db.sequelize.query(`UPDATE outages SET status = 'closed', closed_at = :now, updated_at = :now WHERE id = :id`, {
      replacements: { id, now },
      transaction,
    });
    const told = await anyNoticeStarted(db, id, transaction);
    await dropPending(db, id, 'all', now, transaction);
    if (told) await insertChanges(db, id, [{ change: 'restored', dueAt: now }], now, transaction);
    return { kind: 'closed' as const, outage: { ...outage, status: 'closed' as const, closedAt: now.toISOString() } };
  });
}
