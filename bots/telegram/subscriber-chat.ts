import { Composer } from 'grammy';
import type { Cabinet } from '../flows/router.ts';
import type { FlowState } from '../flows/runner.ts';
import type { BotContext, TelegramDeps } from './context.ts';
import { eventOf } from './events.ts';
import { telegramOutput } from './chat-output.ts';
import { loadMedia } from '../../core/media/store.ts';

// The subscribers' side of the bot: a private chat's update becomes an event for the shared cabinet (the
// router and its flows, bots/flows), whose answer is rendered here and whose new flow state is committed with
// the update's claim (update-claim.ts).

export interface SubscriberChatOptions {
  cabinet: Cabinet;
  /** The telegram_state key of a chat's flow state. */
  stateKey: (chatId: number) => string;
  /** BotFather's payment provider token: a flow's invoice becomes sendInvoice; without it, the invoice's link is shown. */
  paymentProviderToken?: string;
}

export function subscriberChat(deps: TelegramDeps, options: SubscriberChatOptions): Composer<BotContext> {
  const { core, logger } = deps;
  const composer = new Composer<BotContext>();
  composer.on(['message', 'callback_query:data'], async (ctx, next) => {
    const subscriber = ctx.subscriber;
    if (ctx.chat?.type !== 'private' || !subscriber) return next();
    const event = eventOf(ctx);
    if (!event) return next();
    const key = options.stateKey(ctx.chat.id);
    const stored = (ctx.prefetchedState.get(key) as FlowState | undefined) ?? null;
    const press = event.kind === 'incoming' && event.incoming.kind === 'press' ? ctx.callbackQuery?.message : undefined;
    // Stops the button's spinner at once, while the press is handled (awaited below, by when it is long done); a
    // redelivered press finds its query too old, which changes nothing.
    const spinnerStopped = ctx.callbackQuery ? ctx.answerCallbackQuery().catch(() => undefined) : undefined;

    const after = await options.cabinet.handle({
      out: telegramOutput(ctx, subscriber.id, {
        menu: options.cabinet.menu,
        loadBytes: (mediaId) => loadMedia(core, mediaId),
        ...(options.paymentProviderToken ? { paymentProviderToken: options.paymentProviderToken } : {}),
      }),
      subscriber,
      state: stored,
      event,
      now: core.clock.now().getTime(),
      // A flow this update starts is the same run on every delivery of it: its steps' keys find done work.
      eventKey: `tg:${ctx.update.update_id}`,
    });
    ctx.stateChange = after ? { kind: 'write', key, json: JSON.stringify(after) } : stored ? { kind: 'delete', key } : { kind: 'keep' };

    if (press) {
      // The pressed message's buttons go once the press is handled: a press fails, its buttons stay to try again.
      // In webhook mode this call rides in the webhook's answer (bot.ts), which Telegram runs only on a 200, so
      // after the press's claim is committed too.
      await ctx.api
        .editMessageReplyMarkup(ctx.chat.id, press.message_id, { reply_markup: { inline_keyboard: [] } })
        .catch((err: unknown) => logger.debug({ err, updateId: ctx.update.update_id }, 'pressed buttons not removed'));
    }
    await spinnerStopped;
  });
  return composer;
}
