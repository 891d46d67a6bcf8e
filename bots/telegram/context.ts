import type { Context } from 'grammy';
import type { CoreDeps } from '../../core/accounts/types.ts';
import type { SubscriberView } from '../../core/subscribers.ts';
import type { Logger } from '../logger.ts';
import type { StateChange } from './storage.ts';

export interface SubscriberFlavor {
  /**
   * The subscriber behind a private-chat update, fresh from touchSubscriber (so a blocked mark is already
   * cleared). Null in groups and for updates that do not come from a person.
   */
  subscriber: SubscriberView | null;
}

/** What the update claim (update-claim.ts) read for this update, and what it commits with the claim. */
export interface UpdateFlavor {
  /** telegram_state values beginUpdate read for this chat, by key. */
  prefetchedState: Map<string, unknown>;
  /** The state this update leaves; stored in the statement that marks the update handled. */
  stateChange: StateChange;
  /**
   * Set by an error boundary when handling failed: the claim is released instead of committed, so a later
   * delivery is handled afresh. `told`: the person was answered with common.error.
   */
  failure?: { told: boolean };
}

export type BotContext = Context & SubscriberFlavor & UpdateFlavor;

/** What every feature of the Telegram bot is given. */
export interface TelegramDeps {
  core: CoreDeps;
  logger: Logger;
}
