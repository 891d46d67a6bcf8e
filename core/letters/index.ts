export { writeLetter } from './write.ts';
export { listLetters, getLetterForSubscriber, openLetters, getLetterForStaff } from './read.ts';
export { answerLetter, addNote, closeLetter } from './staff.ts';
export { currentLetterOf } from './current.ts';
export { LETTER_TEXT_MAX, LETTER_ATTACHMENTS_MAX, LETTERS_LIST_LENGTH, letterCategories } from './types.ts';
export type * from './types.ts';
export { checkText, letterLength } from './validate.ts';
