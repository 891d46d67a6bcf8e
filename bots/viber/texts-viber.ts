// Words only the Viber bot needs (the shared texts are in bots/texts/). Plain text: Viber shows no markup.

export const viberTexts = {
  /** The one button of the welcome message Viber shows before someone has written to the bot. */
  startButton: 'Почати',
  /** The last button of a keyboard too long for one screen, and the line above its next page. */
  moreButton: 'Ще…',
  morePage: 'Інші варіанти — на кнопках унизу.',
  welcomeHint: 'Натисніть «Почати» внизу, щоб розпочати.',
  /** Words a subscriber may type instead of a command Viber does not have. */
  cancelWords: ['/cancel', 'скасувати', 'відміна', 'скасування'],
  startWords: ['/start', 'почати', 'старт', 'меню', 'головне меню'],

};
