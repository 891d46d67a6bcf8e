/**
 * The longest text a flow says in one message: Telegram takes 4,096 UTF-16 units, Viber 7,000; a flow's text is
 * cut to fit both (core/text.ts fitText, at a character boundary) rather than refused by one of them.
 */
export const MESSAGE_MAX = 4000;

/** Offers and accounts shown as buttons on one message; the rest behind «Ще…». */
export const PAGE_SIZE = 8;
