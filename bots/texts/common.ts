// Words every flow may need: errors, cancelling, answers to what the bot did not expect.

export const common = {
  error: 'Вибачте, сталася помилка з нашого боку. Спробуйте, будь ласка, ще раз трохи згодом.',
  cancelled: 'Дію скасовано.',
  nothingToCancel: 'Зараз немає дії, яку можна скасувати.',
  cancelButton: 'Скасувати',
  /** Above a question whose buttons are in the message, where the chat's own keyboard turns to «Скасувати». */
  leaveWithCancel: 'Щоб вийти, натисніть «Скасувати» внизу.',
  yes: 'Так',
  no: 'Ні',
  back: 'Назад',
  /** The last button of a list shown a page at a time: the next page. */
  moreButton: 'Ще…',
  /** A sticker, a voice message, a photo where words were expected. */
  notUnderstoodMedia: 'Вибачте, я розумію лише текст і кнопки. Напишіть, будь ласка, словами або натисніть кнопку.',
  forwarded: 'Пересланих повідомлень я не обробляю. Напишіть, будь ласка, самі або натисніть кнопку.',
  /** Text typed when one of the buttons above was expected. */
  pressAButton: 'Будь ласка, оберіть одну з кнопок. Щоб вийти, натисніть «Скасувати».',
  /** A button of a message whose flow is over (finished, cancelled, or lost in a restart). */
  staleButton: 'Ця кнопка вже не діє. Почніть, будь ласка, знову з меню.',
  unknownText: 'Не зовсім зрозумів вас. Оберіть, будь ласка, дію в меню нижче або надішліть /help.',
};
