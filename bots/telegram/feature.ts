import type { Composer } from 'grammy';
import type { BotContext, TelegramDeps } from './context.ts';

/** One area of the bot (the subscribers' cabinet, the staff desk): its handlers, installed behind an error boundary. */
export interface TelegramFeature {
  name: string;
  composer: (deps: TelegramDeps) => Composer<BotContext>;
}
