import { common } from '../texts/common.ts';
import type { Chat, Choice } from './chat.ts';
import { choose } from './kit.ts';

// A choice among a list that may be long (a subscriber's meters, their accounts): shown a page at a time with
// «Ще…», so no message carries more buttons than a platform takes (Telegram refuses about 100, Viber fewer).

/** Buttons of one page; with «Ще…» and any fixed rows it stays well inside both platforms' limits. */
export const PAGE_SIZE = 8;

const MORE = 'more';

export interface PagedChoiceOptions {
  /** Rows shown under every page (e.g. «Не стосується рахунку»). */
  fixed?: readonly Choice[];
  /** Words added to the text on every page of a list longer than one page, e.g. "(сторінка 2 з 3)". */
  pageNote?: (page: number, pages: number) => string;
  hint?: string;
}

/**
 * Offers `items` one per row, a page at a time; `text` is given the items on the page (so a list in the message
 * matches its buttons). Returns the id of the item (or fixed choice) pressed.
 */
export async function choosePaged<T>(
  chat: Chat,
  text: (onPage: readonly T[]) => string,
  items: readonly T[],
  choiceOf: (item: T) => Choice,
  options: PagedChoiceOptions = {},
): Promise<string> {
  const fixed = (options.fixed ?? []).map((c) => [c]);
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  for (let page = 0; ; page = (page + 1) % pages) {
    const onPage = items.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    const more = pages > 1 ? [[{ id: MORE, label: common.moreButton }]] : [];
    const note = pages > 1 && options.pageNote ? `\n${options.pageNote(page + 1, pages)}` : '';
    const choices = [...onPage.map((item) => [choiceOf(item)]), ...fixed, ...more];
    const id = await choose(chat, `${text(onPage)}${note}`, choices, options.hint ? { hint: options.hint } : {});
    if (id !== MORE) return id;
  }
}
