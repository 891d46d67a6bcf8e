import type { Attachment } from '../../../models/models.ts';
import { common } from '../../texts/common.ts';
import type { ViberKeyboard } from '../api-types.ts';
import { choicesKeyboard, type Choice } from '../keyboards.ts';
import type { FlowState } from '../state-store.ts';
import { viberTexts } from '../texts-viber.ts';
import { sameWords, textOf, type Inbound, type Turn } from './types.ts';

// What the flows of the menu share: button labels that fit a phone, long texts that fit Viber, and the one
// answer to whatever a step did not expect (the step stays, its keyboard is shown again).

/** Viber shows long labels over several lines; a label this long still reads as one button. */
const LABEL_MAX = 60;

/** Viber takes up to 7000 characters a text message; the rest of a long history is cut, not lost in an error. */
const TEXT_MAX = 6500;

export function buttonLabel(label: string): string {
  return label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1)}…` : label;
}

export function fitText(text: string): string {
  return text.length > TEXT_MAX ? `${text.slice(0, TEXT_MAX)}…` : text;
}

/** A flow's state with its typed data (the store keeps it as JSON). */
export function stateOf(flow: string, step: string, data: object = {}): FlowState {
  return { flow, step, data: data as Record<string, unknown> };
}

export function dataOf<T>(state: FlowState): Partial<T> {
  return state.data as Partial<T>;
}

/** Whether the text is this button's label, typed or pressed. */
export function pressed(text: string | null, label: string): boolean {
  return text !== null && sameWords(text, buttonLabel(label));
}

/** The option whose button was pressed, matched on the label it was shown with. */
export function chosen<T>(text: string | null, options: readonly T[] | undefined, labelOf: (option: T) => string): T | undefined {
  if (text === null || !options) return undefined;
  return options.find((option) => sameWords(text, buttonLabel(labelOf(option))));
}

/** Rows of choices with a last row of its own (cancel or back), each label fitted. */
export function keyboard(rows: readonly (readonly string[])[], last: string = common.cancelButton): ViberKeyboard {
  const fitted: Choice[][] = rows.map((row) => row.map((label) => ({ label: buttonLabel(label) })));
  return choicesKeyboard([...fitted, [{ label: last }]]);
}

/** A sticker, location, file or a word where a button was expected: say what to do, stay at the step. */
export async function unexpected(
  turn: Turn,
  state: FlowState,
  input: Inbound,
  keyboardOfStep: ViberKeyboard,
  hint?: string,
): Promise<FlowState> {
  const text = textOf(input);
  await turn.say(text === null ? common.notUnderstoodMedia : (hint ?? viberTexts.pressAButton), keyboardOfStep);
  return state;
}

export const photoOf = (media: string): Attachment => ({ kind: 'photo', ref: media, channel: 'viber' });
