import type { Event } from '../flows/chat.ts';
import type { Incoming } from '../flows/runner.ts';
import { sameWords } from '../flows/words.ts';
import type { OutgoingAction } from '../notifier.ts';
import type { ViberInboundMessage } from './api-types.ts';
import { viberTexts } from './texts-viber.ts';

// What a Viber callback means to the shared router. Viber has no callback data: a reply button sends its
// ActionBody as an ordinary text message. Flow buttons carry their label as ActionBody (see render.ts), so the
// chat shows what the subscriber pressed, and the runner's label matching (inputFor) turns the text into the
// choice; typing the label does the same. Technical bodies (notifier actions, a start payload, the next page of a
// long keyboard) travel on Silent buttons, which Viber does not show in the chat, in the shapes below.

/** The welcome's «Почати» carries a deep link's context (a cross-channel link code) as `start:<context>`. */
const START_PREFIX = 'start:';
/** Viber limits a deep link's context to 255 characters; anything unlike a code is not taken as one. */
const CONTEXT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The «Ще…» of a keyboard too long for one screen: `more:<prompt>:<page>`. */
const MORE_PATTERN = /^more:(\d{1,6}):(\d{1,3})$/;

/** Action bodies of the notifier's buttons (notifier.ts ACTION_BODIES) that are not menu labels, and the ids. */
const ACTIONS: readonly OutgoingAction[] = ['readings:start', 'reminders:off', 'letters:list', 'menu'];

export function startBody(context: string | undefined): string {
  return context && CONTEXT_PATTERN.test(context) ? `${START_PREFIX}${context}` : viberTexts.startButton;
}

export function startPayload(context: string | undefined): string | null {
  return context && CONTEXT_PATTERN.test(context) ? context : null;
}

export function moreBody(prompt: number, page: number): string {
  return `more:${prompt}:${page}`;
}

/** A request for another page of the keyboard of message `prompt`; handled by the adapter, never by a flow. */
export type PageRequest = { kind: 'page'; prompt: number; page: number };

export type RouterEvent = Event | { kind: 'incoming'; incoming: Incoming };

/**
 * The router event a Viber message stands for, or a page request. `offered`: the labels of the buttons the waiting
 * flow offers; a press of one is the flow's answer even when its label is also one of the words typed for /start
 * («Головне меню» is both a flow's button and a start word).
 */
export function eventOfMessage(message: ViberInboundMessage, offered: readonly { label: string }[] = []): RouterEvent | PageRequest {
  switch (message.type) {
    case 'text':
      if (offered.some((choice) => sameWords(choice.label, message.text ?? ''))) return { kind: 'input', input: { kind: 'text', text: message.text ?? '' } };
      return eventOfText(message.text ?? '');
    case 'contact':
      // Anyone can send any address-book card as a contact message, and the share-phone button's contact looks
      // the same: a Viber contact never proves whose number it is.
      return { kind: 'input', input: { kind: 'contact', phone: message.contact?.phone_number?.trim() || null, verified: false } };
    case 'picture':
      return message.media
        ? { kind: 'input', input: { kind: 'photo', photo: { kind: 'photo', ref: message.media, channel: 'viber' }, caption: message.text?.trim() || null } }
        : { kind: 'input', input: { kind: 'other' } };
    default:
      return { kind: 'input', input: { kind: 'other' } };
  }
}

function eventOfText(raw: string): RouterEvent | PageRequest {
  const text = raw.trim();
  const more = MORE_PATTERN.exec(text);
  if (more) return { kind: 'page', prompt: Number(more[1]), page: Number(more[2]) };
  if (text.startsWith(START_PREFIX)) {
    return { kind: 'intent', intent: { kind: 'start', payload: startPayload(text.slice(START_PREFIX.length)) } };
  }
  const action = ACTIONS.find((a) => a === text);
  if (action) return { kind: 'intent', intent: { kind: 'action', action } };
  if (viberTexts.startWords.some((w) => sameWords(w, text))) return { kind: 'intent', intent: { kind: 'start', payload: null } };
  // «Скасувати» itself (and menu labels) the router recognises; these are the words people type instead.
  if (viberTexts.cancelWords.some((w) => sameWords(w, text))) return { kind: 'intent', intent: { kind: 'cancel' } };
  return { kind: 'input', input: { kind: 'text', text: raw } };
}
