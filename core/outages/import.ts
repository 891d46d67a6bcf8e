import type { CoreDeps } from '../deps.ts';
import type { BadLine } from '../billing/import-file.ts';
import type { BillingSource } from '../billing/read-csv.ts';

export const OUTAGES_HEADER = ['street', 'houses', 'kind', 'starts_at', 'ends_at', 'text'] as const;

export type OutageImportOutcome =
  | { kind: 'imported'; rows: number; announced: number; updated: number; unchanged: number }
  | { kind: 'rejected'; errors: BadLine[]; moreErrors: number };

export function isOutagesHeader(header: readonly string[]): boolean {
  return header.length === OUTAGES_HEADER.length && OUTAGES_HEADER.every((name, i) => header[i] === name);
}

export async function importOutagesFile(deps: CoreDeps, source: BillingSource, options: { by?: string; maxErrors?: number } = {}): Promise<OutageImportOutcome> {
  void deps;
  void source;
  void options;
  throw new Error('not implemented yet');
}
