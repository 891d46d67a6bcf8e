import type { Context } from 'grammy';
import type { Flow, FlowContext } from '../context.ts';
import { explainUnexpected, isTypedText } from '../unexpected.ts';

// Waits shared by the readings and letters flows. Whatever does not fit the step is answered and dropped
// (skip: it never enters the replay log), so the flow stays where it was. A button that belongs to another
// part of the bot (a reminder's "submit readings", "my letters", an account) is passed on to its handler.

export type ButtonContext = FlowContext & { callbackQuery: NonNullable<Context['callbackQuery']> & { data: string } };
export type TextContext = FlowContext & { message: NonNullable<Context['message']> & { text: string } };

async function passOrExplain(conversation: Flow, next: FlowContext, ownButton: RegExp, expected: 'text' | 'button', hint?: string): Promise<never> {
  const data = next.callbackQuery?.data;
  if (data !== undefined && !ownButton.test(data)) return conversation.skip({ next: true });
  await explainUnexpected(next, expected, hint);
  return conversation.skip();
}

/** The next callback whose data `accepts` takes; its spinner is stopped and its buttons removed. */
export async function waitForButton(
  conversation: Flow,
  options: { ownButton: RegExp; accepts: (data: string) => boolean; hint?: string },
): Promise<ButtonContext> {
  const next = await conversation.wait();
  const data = next.callbackQuery?.data;
  if (data === undefined || !options.accepts(data)) return passOrExplain(conversation, next, options.ownButton, 'button', options.hint);
  await next.answerCallbackQuery();
  // The choice is made: the buttons go, so an old press cannot be mistaken for a new one.
  await next.editMessageReplyMarkup().catch(() => undefined);
  return next as ButtonContext;
}

/** The next text the person typed themselves (not a command, not forwarded). */
export async function waitForText(conversation: Flow, options: { ownButton: RegExp; hint: string }): Promise<TextContext> {
  const next = await conversation.wait();
  if (isTypedText(next)) return next as TextContext;
  return passOrExplain(conversation, next, options.ownButton, 'text', options.hint);
}
