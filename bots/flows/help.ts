import { help } from '../texts/help.ts';
import { menuTexts } from '../texts/menu.ts';
import type { Flow } from './router.ts';

// «Допомога», and a notice's «Меню» button: one message each, with the menu.

export const helpFlow: Flow<null> = {
  id: 'help',
  async run(chat) {
    await chat.say(help.text, { keyboard: 'menu' });
  },
};

export const menuFlow: Flow<null> = {
  id: 'menu',
  async run(chat) {
    await chat.say(menuTexts.shown, { keyboard: 'menu' });
  },
};
