import { Keyboard } from 'grammy';
import { menu, menuLayout, type MenuLayout } from '../../texts/menu.ts';

/** The persistent reply keyboard shown under every message that ends a step. */
export function mainMenuKeyboard(layout: MenuLayout = menuLayout): Keyboard {
  const keyboard = new Keyboard();
  layout.forEach((row, index) => {
    for (const item of row) keyboard.text(menu[item]);
    if (index < layout.length - 1) keyboard.row();
  });
  return keyboard.resized().persistent();
}
