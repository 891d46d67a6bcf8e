import { getLetterForSubscriber, listLetters, type SubscriberLetter } from '../../../core/letters/index.ts';
import { common } from '../../texts/common.ts';
import { letters } from '../../texts/letters.ts';
import type { FlowState } from '../state-store.ts';
import { chosen, dataOf, fitText, keyboard, pressed, stateOf, unexpected } from './flow-kit.ts';
import { textOf, type FlowHandler, type Turn } from './types.ts';

// "My letters": the newest letters with their status and the last answer, and one opened in full. Core never
// hands internal notes to the subscriber's side; this flow shows only what it gets.

export const MY_LETTERS = 'my-letters';

/** A keyboard of a few big buttons stays usable; older letters are rarely opened from a chat. */
const LETTERS_SHOWN = 10;

interface LetterOption {
  letterId: number;
  number: number;
}

interface MyLettersData {
  letters: LetterOption[];
}

const openLabel = (l: LetterOption) => letters.openButton(l.number);
const listKeyboard = (list: LetterOption[]) => keyboard(list.map((l) => [openLabel(l)]), common.back);

function lastAnswer(letter: SubscriberLetter): string | null {
  const answers = letter.messages.filter((m) => m.author === 'staff');
  return answers.at(-1)?.text ?? null;
}

export function letterText(letter: SubscriberLetter, timeZone: string): string {
  const own = letters.message(
    { author: 'subscriber', text: letter.text, createdAt: letter.createdAt, photos: letter.attachments.length },
    timeZone,
  );
  const thread = letter.messages.map((m) =>
    letters.message({ author: m.author, text: m.text, createdAt: m.createdAt, photos: m.attachments.length }, timeZone),
  );
  const answered = letter.messages.some((m) => m.author === 'staff');
  return fitText([letters.letterHeader(letter), own, ...thread, ...(answered ? [] : [letters.noAnswerYet])].join('\n\n'));
}

export async function startMyLetters(turn: Turn): Promise<FlowState | null> {
  const list = await listLetters(turn.core, turn.subscriber.id, { limit: LETTERS_SHOWN });
  if (list.length === 0) return turn.showMenu(letters.none);
  const timeZone = turn.core.settings.timeZone;
  const items = list.map((l) =>
    letters.listItem(
      { number: l.number, category: l.category, status: l.status, createdAt: l.createdAt, text: l.text, lastAnswer: lastAnswer(l) },
      timeZone,
    ),
  );
  const options = list.map(({ letterId, number }) => ({ letterId, number }));
  await turn.say(fitText([letters.listHeader, ...items].join('\n\n')), listKeyboard(options));
  return stateOf(MY_LETTERS, 'list', { letters: options } satisfies MyLettersData);
}

export const myLettersFlow: FlowHandler = async (turn, state, input) => {
  const text = textOf(input);
  const data = dataOf<MyLettersData>(state);
  if (state.step !== 'list') return turn.showMenu(common.staleButton);
  if (pressed(text, common.back)) return turn.showMenu();
  const picked = chosen(text, data.letters, openLabel);
  if (!picked) return unexpected(turn, state, input, listKeyboard(data.letters ?? []));
  const found = await getLetterForSubscriber(turn.core, { subscriberId: turn.subscriber.id, letterId: picked.letterId });
  const shown = found.kind === 'found' ? letterText(found.letter, turn.core.settings.timeZone) : letters.notFound;
  // The list's buttons stay: the next letter is one press away.
  await turn.say(shown, listKeyboard(data.letters ?? []));
  return state;
};
