// Words only the Viber bot needs (the shared texts are in bots/texts/). Plain text: Viber shows no markup.

export const viberTexts = {
  /** The one button of the welcome message Viber shows before someone has written to the bot. */
  startButton: 'Почати',
  /** The last button of a keyboard too long for one screen, and the line above its next page. */
  moreButton: 'Ще…',
  morePage: 'Інші варіанти — на кнопках унизу.',
  welcomeHint: 'Натисніть «Почати» внизу, щоб розпочати.',
  /** Viber Desktop shows the share-phone button but sends nothing when it is pressed. */
  desktopPhoneHint: 'Якщо ви користуєтеся Viber на комп’ютері, ця кнопка там не працює: натисніть «Пізніше», а номер додасте з телефона.',
  /** A contact came without a number (Viber Desktop, or a contact without one). */
  contactWithoutPhone: 'Viber не передав номер телефону (так буває у Viber на комп’ютері). Продовжимо без номера — його можна додати пізніше з телефона.',
  /** Words a subscriber may type instead of a command Viber does not have. */
  cancelWords: ['/cancel', 'скасувати', 'відміна', 'скасування'],
  startWords: ['/start', 'почати', 'старт', 'меню', 'головне меню'],

  /**
   * Text typed where a button was expected. The shared line speaks of buttons "under the message above"
   * (Telegram's inline keyboards); Viber's buttons are at the bottom of the screen.
   */
  pressAButton: 'Будь ласка, натисніть одну з кнопок унизу екрана. Щоб вийти, натисніть «Скасувати».',
  /** A picture sent where the letter's text was expected: photos come in the next step. */
  letterTextFirst: 'Спочатку напишіть, будь ласка, текст листа одним повідомленням. Фото можна буде додати наступним кроком.',
  /** A file or video where photos were expected: Viber sends them as other message types. */
  onlyPhotos: 'До листа можна додати лише фото (не файли й не відео). Надішліть фото або натисніть «Готово» чи «Без фото».',
  /** After "delete my data": the shared text says to send /start, Viber people press the button below. */
  deleted:
    'Ваші дані видалено: номер телефону, прив’язки до особових рахунків, налаштування та згоду на обробку даних. Щоб почати знову, натисніть «Почати».',
  /** "Change phone" in settings: what the share-phone button does, and that Viber Desktop sends nothing. */
  askNewPhone:
    'Натисніть кнопку «Надіслати мій номер» нижче — Viber надішле ваш номер телефону. За ним ми знайдемо ваші рахунки.',
  phoneUnchanged: 'Добре, номер телефону залишається без змін.',
};
