import type { MiddlewareFn } from 'grammy';
import type { CoreDeps } from '../../core/accounts/types.ts';
import type { Logger } from '../logger.ts';
import type { BotContext } from './context.ts';
import { Coalescer } from '../../core/coalescer.ts';
import { beginUpdates, commitUpdates, pruneTelegramState, releaseUpdate, type BeginRequest, type BegunUpdate, type UpdateCommit } from './storage.ts';
import type { UpdateOutcomes } from './update-outcome.ts';

// Every update is claimed before it is handled and committed after: the claim turns `done` in the statement that
// stores the chat's new flow state, and is released when the handling fails. So a delivery of an update that
// was handled is skipped, and one whose handling failed or died is handled again (see storage.ts).

/** Processed ids are pruned about once per this many updates. */
const PRUNE_EVERY = 500;
/** At most this many updates' claims, or commits, go in one statement. */
const BATCH_MAX = 64;

export interface UpdateClaimOptions {
  core: CoreDeps;
  logger: Logger;
  outcomes: UpdateOutcomes;
  /** A claim older than this whose update is not done is taken to belong to a handler that died. */
  leaseMs: number;
  /** The telegram_state key of a chat's flow state. */
  stateKey: (chatId: number) => string;
  statePrefix: string;
  /** A person left the chat (blocked the bot). */
  onBlocked: (chatId: string) => Promise<void>;
}

export function updateClaim(options: UpdateClaimOptions): MiddlewareFn<BotContext> {
  const { core, logger, outcomes } = options;
  let handled = 0;
  // Group commit: the updates that arrive while a claim is in flight are claimed together in the next statement,
  // and those that finish while a commit is in flight commit together; alone, an update goes at once.
  const claimer = new Coalescer<BeginRequest, BegunUpdate>((items) => beginUpdates(core.db, options.leaseMs, items), BATCH_MAX);
  const committer = new Coalescer<UpdateCommit, boolean>((items) => commitUpdates(core.db, items), BATCH_MAX);
  return async (ctx, next) => {
    ctx.subscriber = null;
    ctx.stateChange = { kind: 'keep' };
    const updateId = ctx.update.update_id;
    const from = ctx.from;
    const person = ctx.chat?.type === 'private' && from && !from.is_bot ? from : undefined;
    const kicked = person !== undefined && ctx.myChatMember?.new_chat_member.status === 'kicked';
    const chatId = ctx.chatId;
    // One round trip: the update claimed, the subscriber touched (every update from a person refreshes them, and
    // writing again clears a "blocked" mark), and the chat's flow state read.
    const begun = await claimer.submit({
      updateId,
      touch:
        person && !kicked
          ? { deps: core, contact: { channel: 'telegram', channelUserId: String(person.id), name: [person.first_name, person.last_name].filter(Boolean).join(' ') } }
          : null,
      stateKeys: chatId === undefined ? [] : [options.stateKey(chatId)],
    });
    if (begun.status !== 'claimed') {
      logger.info({ updateId }, begun.status === 'done' ? 'duplicate update skipped' : 'update is being handled by another delivery');
      outcomes.set(ctx.update, { kind: begun.status === 'done' ? 'duplicate' : 'busy' });
      return;
    }
    if (++handled % PRUNE_EVERY === 0) {
      void pruneTelegramState(core.db, { updatesOlderThanMs: 2 * 86_400_000, statesOlderThanMs: 7 * 86_400_000, statePrefix: options.statePrefix }).catch(
        (err: unknown) => logger.warn({ err }, 'pruning telegram state failed'),
      );
    }
    ctx.prefetchedState = begun.state;
    const release = async () => {
      await releaseUpdate(core.db, { updateId, claim: begun.claim }).catch((err: unknown) =>
        // The claim then runs out its lease, and a redelivery after it is handled.
        logger.warn({ err, updateId }, 'could not release the claim of a failed update'),
      );
    };
    try {
      if (person) {
        if (kicked) await options.onBlocked(String(person.id));
        else ctx.subscriber = begun.subscriber;
      }
      if (!ctx.myChatMember) await next();
    } catch (error) {
      await release();
      outcomes.set(ctx.update, { kind: 'failed', redeliver: true });
      throw error;
    }
    if (ctx.failure) {
      await release();
      outcomes.set(ctx.update, { kind: 'failed', redeliver: !ctx.failure.told });
      return;
    }
    const committed = await committer.submit({ updateId, claim: begun.claim, state: ctx.stateChange });
    // Not committed: this handler outlived its lease and another delivery took the update over; that one's result stands.
    if (!committed) logger.warn({ updateId }, 'update claim was taken over before it committed');
    outcomes.set(ctx.update, { kind: 'handled' });
  };
}
