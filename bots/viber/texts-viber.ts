// Words only the Viber bot needs (the shared texts are in bots/texts/). Plain text: Viber shows no markup.

export const viberTexts = {
  /** The one button of the welcome message Viber shows before someone has written to the bot. */
  startButton: 'Почати',
  welcomeHint: 'Натисніть «Почати» внизу, щоб розпочати.',
  /** Viber Desktop shows the share-phone button but sends nothing when it is pressed. */
  desktopPhoneHint: 'Якщо ви користуєтеся Viber на комп’ютері, ця кнопка там не працює: натисніть «Пізніше», а номер додасте з телефона.',
  /** A contact came without a number (Viber Desktop, or a contact without one). */
  contactWithoutPhone: 'Viber не передав номер телефону (так буває у Viber на комп’ютері). Продовжимо без номера — його можна додати пізніше з телефона.',
  /** Words a subscriber may type instead of a command Viber does not have. */
  cancelWords: ['/cancel', 'скасувати', 'відміна', 'скасування'],
  startWords: ['/start', 'почати', 'старт', 'меню', 'головне меню'],
};
