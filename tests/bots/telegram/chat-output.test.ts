import { describe, expect, it } from 'vitest';
import { markupOf } from '../../../bots/telegram/chat-output.ts';
import { menu, menuLayout, menuLayoutWithPay, type MenuLayout } from '../../../bots/texts/menu.ts';

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

describe('the main menu as Telegram draws it', () => {
  const labels = (layout: MenuLayout) => layout.map((row) => row.map((item) => menu[item]));

  it('the reply keyboard is the cabinet’s layout: «Оплатити» only when it is in it', () => {
    const withPay = markupOf({ keyboard: 'menu' }, 0, menuLayoutWithPay);
    expect('keyboard' in withPay && withPay.keyboard.map((row) => row.map((b) => (typeof b === 'string' ? b : b.text)))).toEqual(labels(menuLayoutWithPay));
    const without = markupOf({ keyboard: 'menu' }, 0, menuLayout);
    expect('keyboard' in without && without.keyboard.flat().map((b) => (typeof b === 'string' ? b : b.text))).not.toContain(menu.pay);
  });
});
