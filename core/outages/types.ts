import type { OutageTarget } from '../addresses/targets.ts';
import type { QuietHours } from '../reminders/types.ts';
import type { Channel } from '../../models/models.ts';

export type OutageKind = 'planned' | 'emergency';
/** What an outage takes away. */
export type OutageAffect = 'cold-water' | 'sewage' | 'pressure';
export const OUTAGE_AFFECTS: readonly OutageAffect[] = ['cold-water', 'sewage', 'pressure'];
export const OUTAGE_TEXT_MAX = 1000;

/** An outage as staff fill it in (or an import line gives it). Plain data: times are ISO 8601 instants. */
export interface OutageDraft {
  targets: OutageTarget[];
  kind: OutageKind;
  startsAt: string;
  /** Null: not known yet (an emergency); an update gives it later. */
  endsAt: string | null;
  affects: OutageAffect[];
  text: string;
}

export type DraftProblem =
  | { kind: 'no-targets' }
  | { kind: 'bad-time'; field: 'startsAt' | 'endsAt' }
  | { kind: 'ends-before-start' }
  /** It has already ended by now. */
  | { kind: 'already-over' }
  | { kind: 'no-affects' }
  | { kind: 'text-too-long'; max: number };

export type OutageStatus = 'announced' | 'closed';

/** An outage as stored. Plain data. */
export interface OutageView {
  id: number;
  kind: OutageKind;
  startsAt: string;
  endsAt: string | null;
  affects: OutageAffect[];
  text: string;
  targets: OutageTarget[];
  status: OutageStatus;
  /** Bumped by each update: the notice of update N is change `update-N`. */
  revision: number;
  source: 'staff' | 'import';
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
}

/** Who an outage reaches: counted before staff confirm it, and again when it is announced. */
export interface OutageReach {
  accounts: number;
  subscribers: { telegram: number; viber: number; total: number };
  /** Viber subscribers who have not written within 24 hours: a notice to each of them is billed. */
  billableViber: number;
  /** Planned works only: subscribers who turned planned-works notices off (counted out of `subscribers`). */
  optedOut: number;
  /** Streets of the targets that no account's address is on (a typo, or a name billing does not use). */
  streetsNotFound: string[];
}

export type PreviewOutcome = { kind: 'reach'; reach: OutageReach } | { kind: 'invalid'; problems: DraftProblem[] };

export type AnnounceOutcome =
  | { kind: 'announced'; outage: OutageView; reach: OutageReach }
  /** The same idempotency key was announced before: nothing new is sent. */
  | { kind: 'already-announced'; outage: OutageView }
  | { kind: 'invalid'; problems: DraftProblem[] };

export type UpdateOutcome =
  | { kind: 'updated'; outage: OutageView }
  /** Nothing differs from what is stored: no notice. */
  | { kind: 'unchanged'; outage: OutageView }
  | { kind: 'closed'; outage: OutageView }
  | { kind: 'not-found' }
  | { kind: 'invalid'; problems: DraftProblem[] };

export type CloseOutcome = { kind: 'closed'; outage: OutageView } | { kind: 'already-closed'; outage: OutageView } | { kind: 'not-found' };

/** An account of the subscriber's that an outage is at. */
export interface AffectedAccount {
  accountId: number;
  number: string;
  address: string;
}

export interface SubscriberOutage {
  outage: OutageView;
  accounts: AffectedAccount[];
}

/** «Відключення»: what is in force now and what is announced to come, at the subscriber's accounts. */
export interface SubscriberOutages {
  current: SubscriberOutage[];
  next: SubscriberOutage[];
}

/**
 * Which notice of an outage: `before` (planned works, the evening before), `start`, `update-N` (the N-th
 * update: a new end time or text), `restored` (closed: «воду відновлено»).
 */
export type OutageChange = 'before' | 'start' | `update-${number}` | 'restored';
export type OutageChangeKind = 'before' | 'start' | 'update' | 'restored';

export const changeKindOf = (change: OutageChange): OutageChangeKind => (change.startsWith('update-') ? 'update' : (change as OutageChangeKind));

/** One notice for one subscriber, naming every affected account of theirs. Plain data, rendered in bots/. */
export interface OutageNotice {
  subscriberId: number;
  channel: Channel;
  channelUserId: string;
  change: OutageChange;
  outage: OutageView;
  accounts: AffectedAccount[];
}

export type OutageDelivery =
  | { kind: 'sent'; rateLimitedWaits: number }
  | { kind: 'blocked'; reason: 'blocked' | 'not-subscribed'; rateLimitedWaits: number }
  | { kind: 'skipped'; reason: 'channel-off' };

/** The port notices go out through (bots/outages/ implements it over the notifiers and the shared rate limiter). */
export interface OutageSender {
  deliver(notice: OutageNotice): Promise<OutageDelivery>;
}

export interface OutageSettings {
  timeZone: string;
  /** Planned-works notices wait out these hours; emergencies do not. */
  quietHours: QuietHours | null;
  /** Local hour of the evening before planned works at which their first notice goes out. */
  eveningHour: number;
  concurrency: number;
  pageSize: number;
  leaseMs: number;
  maxAttempts: number;
}

export const defaultOutageSettings: OutageSettings = {
  timeZone: 'Europe/Kyiv',
  quietHours: { fromHour: 21, toHour: 9 },
  eveningHour: 18,
  concurrency: 16,
  pageSize: 500,
  leaseMs: 10 * 60_000,
  maxAttempts: 3,
};

export interface OutageDeliveryDeps {
  db: import('../../models/database.ts').Database;
  clock: import('../clock.ts').Clock;
  settings: OutageSettings;
  sender: OutageSender;
}

export interface OutageDeliveryCounts {
  /** Changes (notices of an outage) this pass worked on. */
  changes: number;
  sent: number;
  failed: number;
  blocked: number;
  skipped: number;
  alreadyDone: number;
  rateLimited: number;
}
