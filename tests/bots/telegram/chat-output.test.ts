import { describe, expect, it } from 'vitest';
import { cabinetOf } from '../../../bots/flows/index.ts';
import { createLogger } from '../../../bots/logger.ts';
import { markupOf } from '../../../bots/telegram/chat-output.ts';
import { menu, menuLayout, menuLayoutWithPay, type MenuLayout } from '../../../bots/texts/menu.ts';
import { renderStartedMessage } from '../../../bots/viber/notifier.ts';
import { messagesFor } from '../../../bots/viber/render.ts';
import type { CoreDeps } from '../../../core/deps.ts';
import { defaultPaymentRules } from '../../../core/payments/index.ts';

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

describe('the main menu as each adapter draws it', () => {
  const labels = (layout: MenuLayout) => layout.map((row) => row.map((item) => menu[item]));

  it('holds «Оплатити» only in the cabinet that offers payment', () => {
    const logger = createLogger('silent');
    const core = {} as CoreDeps;
    const offering = cabinetOf({ core, logger, payments: { rules: defaultPaymentRules, linkFor: () => 'https://pay.example/c' } });
    expect(offering.menu).toBe(menuLayoutWithPay);
    expect(offering.menu.flat()).toContain('pay');
    expect(cabinetOf({ core, logger }).menu).toBe(menuLayout);
    expect(menuLayout.flat()).not.toContain('pay');
    // Every other item stays in both.
    expect(new Set(menuLayoutWithPay.flat().filter((i) => i !== 'pay'))).toEqual(new Set(menuLayout.flat()));
  });

  it('Telegram: the reply keyboard is the cabinet’s layout', () => {
    const withPay = markupOf({ keyboard: 'menu' }, 0, menuLayoutWithPay);
    expect('keyboard' in withPay && withPay.keyboard.map((row) => row.map((b) => (typeof b === 'string' ? b : b.text)))).toEqual(labels(menuLayoutWithPay));
    const without = markupOf({ keyboard: 'menu' }, 0, menuLayout);
    expect('keyboard' in without && without.keyboard.flat().map((b) => (typeof b === 'string' ? b : b.text))).not.toContain(menu.pay);
  });

  it('Viber: the menu keyboard and a started message’s keyboard are the cabinet’s layout', () => {
    const [message] = messagesFor('Головне меню', { keyboard: 'menu' }, 0, 0, menuLayoutWithPay);
    expect(message!.keyboard!.Buttons.map((b) => b.ActionBody)).toEqual(labels(menuLayoutWithPay).flat());
    const [plain] = messagesFor('Головне меню', { keyboard: 'menu' }, 0);
    expect(plain!.keyboard!.Buttons.map((b) => b.ActionBody)).not.toContain(menu.pay);
    const started = renderStartedMessage({ text: 'Нагадування', actions: [{ label: menu.pay, action: 'pay:start' }] }, createLogger('silent'), menuLayoutWithPay);
    expect(started.at(-1)!.keyboard!.Buttons.map((b) => b.ActionBody).filter((body) => body === menu.pay)).toHaveLength(1);
  });
});
