import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bots/logger.ts';
import { menu, menuLayoutWithPay } from '../../../bots/texts/menu.ts';
import { renderStartedMessage } from '../../../bots/viber/notifier.ts';
import { messagesFor } from '../../../bots/viber/render.ts';

describe('the main menu as Viber draws it', () => {
  it('the menu keyboard and a started message’s keyboard are the cabinet’s layout: «Оплатити» only when it is in it', () => {
    const [message] = messagesFor('Головне меню', { keyboard: 'menu' }, 0, 0, menuLayoutWithPay);
    expect(message!.keyboard!.Buttons.map((b) => b.ActionBody)).toEqual(menuLayoutWithPay.flat().map((item) => menu[item]));
    const [plain] = messagesFor('Головне меню', { keyboard: 'menu' }, 0);
    expect(plain!.keyboard!.Buttons.map((b) => b.ActionBody)).not.toContain(menu.pay);
    // A reminder's «Оплатити» and the menu's are one button, not two.
    const started = renderStartedMessage({ text: 'Нагадування', actions: [{ label: menu.pay, action: 'pay:start' }] }, createLogger('silent'), menuLayoutWithPay);
    expect(started.at(-1)!.keyboard!.Buttons.map((b) => b.ActionBody).filter((body) => body === menu.pay)).toHaveLength(1);
  });

  it('a checkout link is an open-url button above the keyboard, sending nothing back', () => {
    const [message] = messagesFor('До сплати', { link: { label: 'Перейти до оплати', url: 'https://pay.example/c' }, keyboard: 'menu' }, 1, 0, menuLayoutWithPay);
    expect(message!.keyboard!.Buttons[0]).toMatchObject({ ActionType: 'open-url', ActionBody: 'https://pay.example/c', Silent: true });
  });
});
