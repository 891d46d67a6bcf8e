import { createHash } from 'node:crypto';
import type { CoreDeps } from '../../core/deps.ts';
import { cachedMedia } from '../../core/media/store.ts';
import { statementOf, type UtilityDetails } from '../../core/statements/index.ts';
import { statements } from '../texts/statements.ts';
import { renderStatementPdf } from './statement-pdf.ts';

// A linked account's statement as a stored PDF, ready for `chat.say(…, { media })`: core gives the data, the
// PDF is drawn from it and stored once per account, period and data (the same statement asked again, on any
// channel or instance, is sent from the stored copy instead of being drawn again).

/** How long a drawn statement is kept (and so the longest its Viber address can live). */
export const STATEMENT_KEEP_MS = 7 * 24 * 3_600_000;

export const DEFAULT_UTILITY: UtilityDetails = { name: 'Водоканал' };

export type StatementDocumentOutcome =
  | { kind: 'ready'; mediaId: string; filename: string; number: string; period: string; toPayKop: number; cached: boolean }
  | { kind: 'not-linked' }
  | { kind: 'no-charges' };

export async function statementDocument(
  core: CoreDeps,
  request: { subscriberId: number; accountId: number; period?: string | undefined },
): Promise<StatementDocumentOutcome> {
  const outcome = await statementOf(core, request);
  if (outcome.kind !== 'statement') return outcome;
  const { statement } = outcome;
  const utility = core.settings.utility ?? DEFAULT_UTILITY;
  // The data version: every figure printed and the utility's details, so a re-import or a new IBAN draws anew.
  const version = createHash('sha256').update(JSON.stringify({ statement, utility })).digest('base64url').slice(0, 32);
  const filename = statements.fileName(statement.account.number, statement.period);
  const media = await cachedMedia(core, {
    cacheKey: `statement:${request.accountId}:${statement.period}:${version}`,
    keepMs: STATEMENT_KEEP_MS,
    make: async () => ({ contentType: 'application/pdf', filename, bytes: await renderStatementPdf(statement, utility) }),
  });
  return {
    kind: 'ready',
    mediaId: media.id,
    filename,
    number: statement.account.number,
    period: statement.period,
    toPayKop: statement.toPayKop,
    cached: media.cached,
  };
}
