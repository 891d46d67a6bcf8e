import { Keyboard } from 'grammy';
import { menu, menuLayout } from '../../texts/menu.ts';

/** The persistent reply keyboard shown under every message that ends a step. */
export function mainMenuKeyboard(): Keyboard {
  const keyboard = new Keyboard();
  menuLayout.forEach((row, index) => {
    for (const item of row) keyboard.text(menu[item]);
    if (index < menuLayout.length - 1) keyboard.row();
  });
  return keyboard.resized().persistent();
}
