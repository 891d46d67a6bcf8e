import { common } from '../texts/common.ts';
import type { Chat, Choices, Input, Keyboard, MediaAttachment } from './chat.ts';

// The waits every flow shares. Whatever does not fit the step is answered and the step waits again, so a
// sticker or a stray word never moves a flow; leaving a flow (cancel, the menu) is the router's, not a step's.

/** The answer to an input a step did not expect, the same on every channel. */
export function unexpectedAnswer(input: Input, expected: 'choice' | 'text', hint?: string): string {
  switch (input.kind) {
    case 'stale':
      return common.staleButton;
    case 'other':
      return input.forwarded ? common.forwarded : common.notUnderstoodMedia;
    case 'text':
    case 'contact':
    case 'photo':
      return expected === 'choice' ? (hint ?? common.pressAButton) : (hint ?? common.notUnderstoodMedia);
    case 'choice':
      return hint ?? common.pressAButton;
  }
}

/** Says `text` with `choices` and returns the id of the one pressed (or typed); anything else is explained. */
export async function choose(chat: Chat, text: string, choices: Choices, options: { hint?: string; keyboard?: Keyboard; media?: MediaAttachment } = {}): Promise<string> {
  await chat.say(text, { choices, ...(options.keyboard ? { keyboard: options.keyboard } : {}), ...(options.media ? { media: options.media } : {}) });
  const ids = new Set(choices.flat().map((c) => c.id));
  for (;;) {
    const input = await chat.wait();
    if (input.kind === 'choice' && ids.has(input.id)) return input.id;
    await chat.say(unexpectedAnswer(input, 'choice', options.hint), { choices, again: true, ...(options.keyboard ? { keyboard: options.keyboard } : {}) });
  }
}

/** Waits for typed text; `prompt` (when given) is said first. */
export async function askText(
  chat: Chat,
  prompt: string | null,
  options: { hint: string; keyboard?: Keyboard; secret?: boolean },
): Promise<string> {
  if (prompt !== null) await chat.say(prompt, options.keyboard ? { keyboard: options.keyboard } : {});
  for (;;) {
    const input = await chat.wait(options.secret ? { secret: true } : undefined);
    if (input.kind === 'text') return input.text;
    await chat.say(unexpectedAnswer(input, 'text', options.hint));
  }
}
