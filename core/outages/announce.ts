import type { CoreDeps } from '../deps.ts';
import type { AnnounceOutcome, CloseOutcome, OutageDraft, OutageView, PreviewOutcome, UpdateOutcome } from './types.ts';

export async function previewOutage(deps: CoreDeps, draft: OutageDraft): Promise<PreviewOutcome> {
  void deps;
  void draft;
  throw new Error('not implemented yet');
}

export async function announceOutage(deps: CoreDeps, draft: OutageDraft, options: { idempotencyKey: string; by: string; source?: 'staff' | 'import' }): Promise<AnnounceOutcome> {
  void deps;
  void draft;
  void options;
  throw new Error('not implemented yet');
}

export async function updateOutage(deps: CoreDeps, id: number, change: { endsAt: string | null; text?: string }): Promise<UpdateOutcome> {
  void deps;
  void id;
  void change;
  throw new Error('not implemented yet');
}

export async function closeOutage(deps: CoreDeps, id: number): Promise<CloseOutcome> {
  void deps;
  void id;
  throw new Error('not implemented yet');
}

export async function getOutage(deps: Pick<CoreDeps, 'db'>, id: number): Promise<OutageView | null> {
  void deps;
  void id;
  throw new Error('not implemented yet');
}

/** Outages not closed yet, soonest first: what staff may update or close. */
export async function openOutages(deps: Pick<CoreDeps, 'db'>): Promise<OutageView[]> {
  void deps;
  throw new Error('not implemented yet');
}
