import type { CoreDeps } from '../../../core/accounts/types.ts';
import type { SubscriberView } from '../../../core/subscribers.ts';
import type { Logger } from '../../logger.ts';
import type { ViberKeyboard } from '../api-types.ts';
import type { FlowState } from '../state-store.ts';

/** What a subscriber sent, reduced to what flows tell apart. */
export type Inbound =
  | { kind: 'text'; text: string }
  /** A contact card: from the share-phone button it is the subscriber's own number; Viber Desktop sends none. */
  | { kind: 'contact'; phone: string | null }
  | { kind: 'picture'; media: string }
  | { kind: 'other'; type: string };

/** One handled message: who wrote, and how to answer (answers are inside the 24-hour window, so free). */
export interface Turn {
  subscriber: SubscriberView;
  core: CoreDeps;
  logger: Logger;
  say(text: string, keyboard?: ViberKeyboard): Promise<void>;
  /** The main menu, with the text above it (the shared "menu shown" line by default). */
  showMenu(text?: string): Promise<null>;
}

/** A flow step: gets the state it left, returns the next one (null: the flow is over). */
export type FlowHandler = (turn: Turn, state: FlowState, input: Inbound) => Promise<FlowState | null>;

export function textOf(input: Inbound): string | null {
  return input.kind === 'text' ? input.text.trim() : null;
}

/** Typed words compared the way people type them: case, spaces and the apostrophe variants do not matter. */
export function sameWords(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLocaleLowerCase('uk').replace(/[’'ʼ`]/g, "'").replace(/\s+/g, ' ');
  return norm(a) === norm(b);
}
