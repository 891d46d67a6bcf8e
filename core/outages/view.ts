import type { OutageTarget } from '../addresses/targets.ts';
import type { OutageAffect, OutageKind, OutageStatus, OutageView } from './types.ts';

export interface OutageRow {
  id: number;
  kind: OutageKind;
  starts_at: Date;
  ends_at: Date | null;
  affects: OutageAffect[];
  text: string;
  targets: OutageTarget[];
  status: OutageStatus;
  revision: number;
  source: 'staff' | 'import';
  created_by: string;
  created_at: Date;
  closed_at: Date | null;
}

export const OUTAGE_COLUMNS = 'o.id, o.kind, o.starts_at, o.ends_at, o.affects, o.text, o.targets, o.status, o.revision, o.source, o.created_by, o.created_at, o.closed_at';

const iso = (at: Date | string) => new Date(at).toISOString();

export function outageFromRow(row: OutageRow): OutageView {
  return {
    id: row.id,
    kind: row.kind,
    startsAt: iso(row.starts_at),
    endsAt: row.ends_at === null ? null : iso(row.ends_at),
    affects: row.affects,
    text: row.text,
    targets: row.targets,
    status: row.status,
    revision: row.revision,
    source: row.source,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    closedAt: row.closed_at === null ? null : iso(row.closed_at),
  };
}

/** In force at `now`: announced, started, and not ended. */
export function inForce(outage: OutageView, now: Date): boolean {
  return outage.status === 'announced' && new Date(outage.startsAt) <= now && (outage.endsAt === null || now < new Date(outage.endsAt));
}
