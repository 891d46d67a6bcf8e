// Settings: reminders, the phone, erasing one's data.

export const settings = {
  header: (s: { remindersEnabled: boolean; phone: string | null }) =>
    `Налаштування\n\nНагадування про показники: ${s.remindersEnabled ? 'увімкнено' : 'вимкнено'}\nТелефон: ${s.phone ? `+${s.phone}` : 'не вказано'}`,
  remindersToggle: (enabled: boolean) => (enabled ? 'Нагадування: увімк. — вимкнути' : 'Нагадування: вимк. — увімкнути'),
  remindersOn: 'Нагадування увімкнено. Ми нагадаємо, коли настане час передати показники.',
  remindersOff: 'Нагадування вимкнено. Увімкнути їх знову можна в «Налаштуваннях».',
  changePhoneButton: 'Змінити номер телефону',
  deleteDataButton: 'Видалити мої дані',
  confirmDelete:
    'Видалити всі ваші дані з кабінету? Буде видалено ваш номер телефону, прив’язку до особових рахунків і налаштування. Цю дію не можна скасувати.',
  confirmDeleteButton: 'Так, видалити все',
  keepDataButton: 'Ні, залишити',
  deleted:
    'Ваші дані видалено: номер телефону, прив’язки до особових рахунків, налаштування та згоду на обробку даних. Щоб почати знову, надішліть /start.',
  notDeleted: 'Добре, ваші дані залишаються.',

  // The flows shared by every channel.
  headerShared: (s: { remindersEnabled: boolean; phone: string | null; phoneUnverified: string | null }) =>
    `Налаштування\n\nНагадування про показники: ${s.remindersEnabled ? 'увімкнено' : 'вимкнено'}\n` +
    (s.phone
      ? `Телефон: +${s.phone}`
      : s.phoneUnverified
        ? `Телефон: +${s.phoneUnverified} (месенджер не підтвердив, що він ваш)`
        : 'Телефон: не вказано'),
  remindersOffButton: 'Вимкнути нагадування',
  remindersOnButton: 'Увімкнути нагадування',
  phoneUnchanged: 'Добре, номер залишається як був.',
  /** Before erasing: what stays in the subscriber's chat on another channel. */
  otherChannelStays: (channels: readonly { name: string; accounts: number }[]) =>
    channels
      .map((c) => `Ваш кабінет у ${c.name} залишиться${c.accounts > 0 ? ` (рахунків там: ${c.accounts})` : ''}; щоб видалити дані й там, зробіть це в ${c.name}.`)
      .join('\n'),
};
