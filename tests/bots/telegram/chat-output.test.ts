import { describe, expect, it } from 'vitest';
import { markupOf } from '../../../bots/telegram/chat-output.ts';

describe('what a flow says, as Telegram markup', () => {
  it('a link is an inline URL button above the choices, which keep their callback data', () => {
    const markup = markupOf(
      { choices: [[{ id: 'menu', label: 'Головне меню' }]], link: { label: 'Оплатити 250,50 грн', url: 'https://pay.example/checkout?data=x' } },
      3,
    );
    expect('inline_keyboard' in markup && markup.inline_keyboard).toEqual([
      [{ text: 'Оплатити 250,50 грн', url: 'https://pay.example/checkout?data=x' }],
      [{ text: 'Головне меню', callback_data: 'f:3:menu' }],
    ]);
  });

  it('a link alone is an inline keyboard of that one button; without a link or choices the reply keyboard stays', () => {
    const linkOnly = markupOf({ link: { label: 'Оплатити', url: 'https://pay.example/c' } }, 1);
    expect('inline_keyboard' in linkOnly && linkOnly.inline_keyboard).toEqual([[{ text: 'Оплатити', url: 'https://pay.example/c' }]]);
    expect('keyboard' in markupOf({}, 1)).toBe(true);
  });
});
