export { writeLetter } from './write.ts';
export { listLetters, getLetterForSubscriber, openLetters, getLetterForStaff } from './read.ts';
export { answerLetter, addNote, closeLetter } from './staff.ts';
export { currentLetterOf } from './current.ts';
export { LETTER_TEXT_MAX, LETTER_ATTACHMENTS_MAX, letterCategories } from './types.ts';
export type * from './types.ts';
