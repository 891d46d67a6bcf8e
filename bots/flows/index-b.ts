import type { MenuItem } from '../texts/menu.ts';
import { myLettersFlow } from './my-letters.ts';
import { readingsFlow } from './readings.ts';
import type { CabinetFlows, Flow } from './router.ts';
import { writeLetterFlow } from './write-letter.ts';

// The readings and letters flows, for the lead to assemble into the cabinet's registry (createCabinet's flows).
export { myLettersFlow, readingsFlow, writeLetterFlow };

export const flowsB = {
  menu: { readings: readingsFlow, letter: writeLetterFlow, letters: myLettersFlow },
  /** A reminder's «Передати показники» starts the readings flow; an answer's «Мої листи» the list. */
  actions: { 'readings:start': readingsFlow, 'letters:list': myLettersFlow },
} satisfies { menu: Partial<Record<MenuItem, Flow<null>>>; actions: Partial<CabinetFlows['actions']> };
