import type { Context, SessionFlavor } from 'grammy';
import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { CoreDeps } from '../../core/accounts/types.ts';
import type { SubscriberView } from '../../core/subscribers.ts';
import type { Logger } from '../logger.ts';
import type { PrefetchedStateFlavor } from './storage.ts';

/** What the bot remembers per chat between updates (in PostgreSQL, beside the conversations' state). */
export interface SessionData {
  /** The subscriber said "later" to sharing their phone: /start does not ask again. */
  phoneDeferred?: boolean;
}

export interface SubscriberFlavor {
  /**
   * The subscriber behind a private-chat update, fresh from touchSubscriber (so a blocked mark is already
   * cleared). Null in groups and for updates that do not come from a person.
   */
  subscriber: SubscriberView | null;
}

/** The context of the outside middleware tree. */
export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & SubscriberFlavor & PrefetchedStateFlavor>;

/** Context objects inside conversations are rebuilt from the update on every replay: plain grammY contexts. */
export type FlowContext = Context;
export type Flow = Conversation<BotContext, FlowContext>;

/** What every feature and flow of the Telegram bot is given. */
export interface TelegramDeps {
  core: CoreDeps;
  logger: Logger;
}
