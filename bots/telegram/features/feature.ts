import type { Composer } from 'grammy';
import type { ConversationBuilder } from '@grammyjs/conversations';
import type { BotContext, FlowContext, TelegramDeps } from '../context.ts';

/**
 * One area of the bot (accounts, settings, readings, …): its conversations and its handlers. The bot installs
 * every feature's conversations first (so any handler may enter any flow), then the handlers in list order.
 */
export interface TelegramFeature {
  name: string;
  conversations?: (deps: TelegramDeps) => Array<{ id: string; builder: ConversationBuilder<BotContext, FlowContext> }>;
  composer: (deps: TelegramDeps) => Composer<BotContext>;
}

/** Leaves whatever flow is open (a button of an older message may start a new one) and enters `id`. */
export async function enterFresh(ctx: BotContext, id: string, ...args: unknown[]): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) await ctx.conversation.exitAll();
  await ctx.conversation.enter(id, ...args);
}
