import type { Context } from 'grammy';
import { common } from '../texts/common.ts';

/** A message the person typed themselves (not forwarded), with text. */
export function isTypedText(ctx: Context): boolean {
  const message = ctx.message;
  return message?.text !== undefined && message.forward_origin === undefined && !message.text.startsWith('/');
}

/**
 * Answers whatever arrived where something else was expected, so the person knows what to do and the flow
 * goes on: an old inline button gets its spinner stopped and a word, media and forwards are explained.
 */
export async function explainUnexpected(ctx: Context, expected: 'text' | 'button' | 'contact', hint?: string): Promise<void> {
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: common.staleButton }).catch(() => undefined);
    return;
  }
  const message = ctx.message;
  if (!message) return;
  if (message.forward_origin !== undefined) {
    await ctx.reply(hint ? `${common.forwarded}\n\n${hint}` : common.forwarded);
    return;
  }
  if (message.text === undefined) {
    await ctx.reply(hint ? `${common.notUnderstoodMedia}\n\n${hint}` : common.notUnderstoodMedia);
    return;
  }
  if (expected === 'button') {
    await ctx.reply(common.pressAButton);
    return;
  }
  await ctx.reply(hint ?? common.unknownText);
}
