import { getLetterForSubscriber, LETTERS_LIST_LENGTH, listLetters, type SubscriberLetter } from '../../core/letters/index.ts';
import { fitText } from '../../core/text.ts';
import { letters, LETTER_HISTORY_MAX } from '../texts/letters.ts';
import { menuTexts } from '../texts/menu.ts';
import { choose } from './kit.ts';
import type { Flow } from './router.ts';

// «Мої листи»: the newest letters with their status and last answer, and one opened with its whole history.
// Core never hands internal notes to the subscriber's side, and decides what "no answer yet" means (`answered`).

const TO_MENU = 'menu';
const TO_LIST = 'list';

export function letterListText(list: readonly SubscriberLetter[], timeZone: string): string {
  const items = list.map((l) =>
    letters.listItem(
      {
        number: l.number,
        category: l.category,
        status: l.status,
        createdAt: l.createdAt,
        text: l.text,
        lastAnswer: l.lastAnswer?.text ?? null,
        answered: l.answered,
      },
      timeZone,
    ),
  );
  return fitText([letters.listHeader, ...items].join('\n\n'), LETTER_HISTORY_MAX);
}

/** The letter and every answer; when it is too long, the subscriber's own text is shortened first, so answers stay. */
export function letterHistoryText(letter: SubscriberLetter, timeZone: string): string {
  const own = (text: string) =>
    letters.message({ author: 'subscriber', text, createdAt: letter.createdAt, photos: letter.attachments.length }, timeZone);
  const rest = [
    ...letter.messages.map((m) => letters.message({ author: m.author, text: m.text, createdAt: m.createdAt, photos: m.attachments.length }, timeZone)),
    ...(letter.answered ? [] : [letters.unanswered(letter.status)]),
  ];
  const compose = (text: string) => [letters.letterHeader(letter), own(text), ...rest].join('\n\n');
  const whole = compose(letter.text);
  if (whole.length <= LETTER_HISTORY_MAX) return whole;
  const room = LETTER_HISTORY_MAX - (whole.length - letter.text.length);
  return fitText(compose(fitText(letter.text, Math.max(200, room))), LETTER_HISTORY_MAX);
}

export const myLettersFlow: Flow<null> = {
  id: 'my-letters',
  async run(chat, { core }) {
    const subscriberId = chat.subscriberId;
    const timeZone = core.settings.timeZone;
    const toMenu = { id: TO_MENU, label: letters.toMenuButton };
    for (;;) {
      const list = await chat.step(() => listLetters(core, subscriberId, { limit: LETTERS_LIST_LENGTH }));
      if (list.length === 0) return chat.say(letters.none, { keyboard: 'menu' });
      const picked = await choose(chat, letterListText(list, timeZone), [
        ...list.map((l) => [{ id: `l${l.letterId}`, label: letters.openButton(l.number) }]),
        [toMenu],
      ]);
      if (picked === TO_MENU) return chat.say(menuTexts.shown, { keyboard: 'menu' });
      const letterId = Number(picked.slice(1));
      const found = await chat.step(() => getLetterForSubscriber(core, { subscriberId, letterId }));
      const shown = found.kind === 'found' ? letterHistoryText(found.letter, timeZone) : letters.notFound;
      const next = await choose(chat, shown, [[{ id: TO_LIST, label: letters.backToListButton }], [toMenu]]);
      if (next === TO_MENU) return chat.say(menuTexts.shown, { keyboard: 'menu' });
    }
  },
};
