import { createHash } from 'node:crypto';
import type { CoreDeps } from '../../core/deps.ts';
import { cachedMedia, findCachedMedia, type MediaRef } from '../../core/media/store.ts';
import { statementOf, type Statement, type UtilityDetails } from '../../core/statements/index.ts';
import { statements } from '../texts/statements.ts';
import { renderStatementPdf } from './statement-pdf.ts';

// A linked account's statement as a stored PDF, ready for `chat.say(…, { media })`: core gives the data, the
// PDF is drawn from it and stored once per account, period and data (the same statement asked again, on any
// channel or instance, is sent from the stored copy instead of being drawn again). Finding and drawing are two
// calls, so a flow can say «Готую рахунок…» before a drawing and say nothing extra when the copy is there.

/** How long a drawn statement is kept when the app does not say (MEDIA_KEEP_DAYS does, through FlowDeps.media). */
export const STATEMENT_KEEP_MS = 7 * 24 * 3_600_000;

export const DEFAULT_UTILITY: UtilityDetails = { name: 'Водоканал' };

export type StatementDocumentOutcome =
  | { kind: 'ready'; mediaId: string; filename: string; number: string; period: string; toPayKop: number }
  | { kind: 'not-linked' }
  | { kind: 'no-charges' };

type Request = { subscriberId: number; accountId: number; period?: string | undefined };

async function prepared(core: CoreDeps, request: Request) {
  const outcome = await statementOf(core, request);
  if (outcome.kind !== 'statement') return outcome;
  const { statement } = outcome;
  const utility = core.settings.utility ?? DEFAULT_UTILITY;
  // The data version: every figure printed and the utility's details, so a re-import or a new IBAN draws anew.
  const version = createHash('sha256').update(JSON.stringify({ statement, utility })).digest('base64url').slice(0, 32);
  return {
    kind: 'prepared' as const,
    statement,
    utility,
    cacheKey: `statement:${request.accountId}:${statement.period}:${version}`,
    filename: statements.fileName(statement.account.number, statement.period),
  };
}

function ready(statement: Statement, filename: string, media: MediaRef): StatementDocumentOutcome {
  return { kind: 'ready', mediaId: media.id, filename, number: statement.account.number, period: statement.period, toPayKop: statement.toPayKop };
}

/** The stored copy of the statement as it stands now; `to-draw` when there is none yet. */
export async function findStatementDocument(core: CoreDeps, request: Request, keepMs = STATEMENT_KEEP_MS): Promise<StatementDocumentOutcome | { kind: 'to-draw' }> {
  const found = await prepared(core, request);
  if (found.kind !== 'prepared') return found;
  const media = await findCachedMedia(core, found.cacheKey, keepMs);
  return media ? ready(found.statement, found.filename, media) : { kind: 'to-draw' };
}

/** The statement drawn and stored (or the copy another instance stored meanwhile). */
export async function statementDocument(core: CoreDeps, request: Request, keepMs = STATEMENT_KEEP_MS): Promise<StatementDocumentOutcome> {
  const found = await prepared(core, request);
  if (found.kind !== 'prepared') return found;
  const media = await cachedMedia(core, {
    cacheKey: found.cacheKey,
    keepMs,
    make: async () => ({ contentType: 'application/pdf', filename: found.filename, bytes: await renderStatementPdf(found.statement, found.utility) }),
  });
  return ready(found.statement, found.filename, media);
}
