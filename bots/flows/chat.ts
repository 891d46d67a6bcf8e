import type { Attachment, Channel } from '../../models/models.ts';
import type { OutgoingAction } from '../notifier.ts';
import type { MenuItem } from '../texts/menu.ts';

// The chat port: the small interface every subscriber flow is written against, once. Each channel (Telegram,
// Viber, later SMS or a web page) is an adapter that turns its events into `Input`s and renders what a flow
// says (`say` with its options) in its own way. A flow never sees a platform object, a keyboard type or
// callback data; it asks, calls core through `step`, and shows the answer with texts from bots/texts/.

/** A button a flow offers. `id` is what comes back when it is pressed; typing the label counts as pressing it. */
export interface Choice {
  /** Short ASCII, at most 32 bytes: adapters carry it in callback data (Telegram: 64 bytes in all). */
  id: string;
  /** What the button shows; adapters shorten a long one at a character boundary. */
  label: string;
}

/** Rows of buttons, as a flow wants them laid out (adapters may re-flow them to fit their platform). */
export type Choices = readonly (readonly Choice[])[];

/**
 * What stays at the bottom of the chat after a message (Telegram's reply keyboard, Viber's keyboard):
 * - `flow` (the default inside a flow): only «Скасувати», the main menu is hidden while a flow runs;
 * - `menu`: the main menu, for the last message of a flow;
 * - `contact`: the messenger's own "share my phone" button, then the choices, then «Скасувати».
 */
export type Keyboard = 'flow' | 'menu' | 'contact';

export interface SayOptions {
  /** Buttons offered with this message; the next `wait` resolves a press (or the label typed) as a `choice`. */
  choices?: Choices;
  keyboard?: Keyboard;
  /**
   * These choices are the ones already on offer, said again under a hint (an answer that fit none of them): the
   * older message's buttons stay live, and a channel whose keyboard belongs to the last message (Viber) keeps
   * showing them.
   */
  again?: boolean;
  /**
   * A button that opens a web page (a payment's checkout). Pressing it sends nothing back to the flow. Adapters
   * render it their way (Viber: an open-url button above the keyboard; Telegram: an inline URL button).
   */
  link?: { label: string; url: string };
  /**
   * A stored order the channel takes payment for itself (Telegram: an invoice with its «Pay» button; Viber: a
   * payment message). It follows the text as a message of its own. An adapter that cannot take it shows `link`
   * instead, so a flow gives both; which channel gets an invoice at all is bots/payments' checkoutFor.
   */
  invoice?: Invoice;
  /**
   * A picture or document the app stored (core/media/store.ts: storeMedia or cachedMedia give its id), sent with
   * this message's text as its caption. `photo` is shown inline (Telegram sendPhoto, a Viber picture); `document`
   * is a file to save (Telegram sendDocument, a Viber file message). `filename` is what the subscriber sees.
   * Adapters fit a caption their platform cannot carry into a message of its own.
   */
  media?: MediaAttachment;
}

/** An order as a channel's own checkout shows it. */
export interface Invoice {
  orderId: string;
  /** Telegram: 1–32 characters. */
  title: string;
  /** Telegram: 1–255 characters. */
  description: string;
  amountKop: number;
  /** Viber's payment message: what its payment service provider is given (Viber passes these key/value pairs on). */
  pspParameters?: readonly { key: string; value: string }[];
}

/** A stored media to send: see SayOptions.media. */
export interface MediaAttachment {
  kind: 'photo' | 'document';
  mediaId: string;
  filename: string;
}

/** What the subscriber did, as flows tell it apart. */
export type Input =
  /** A button of the message the flow is waiting on was pressed, or its label typed. */
  | { kind: 'choice'; id: string }
  /** Words the subscriber typed themselves (not a command, not forwarded). */
  | { kind: 'text'; text: string }
  /** A photo, with its caption when it came with one. */
  | { kind: 'photo'; photo: Attachment; caption: string | null }
  /**
   * A contact card. `verified` only when the platform proves it is the sender's own number (Telegram's
   * request_contact carries the sender's user id); a Viber contact can be any address-book card.
   */
  | { kind: 'contact'; phone: string | null; verified: boolean }
  /** A button of an older message (a finished step or flow): answered as stale, never acted on. */
  | { kind: 'stale' }
  /** Anything else: a sticker, a voice note, a location, a forwarded message, a file. */
  | { kind: 'other'; forwarded?: boolean };

/**
 * What starts or leaves a flow from anywhere: a menu item (its button, its label typed, its command), a button
 * on a message the app started on its own (a reminder's «Передати показники»), /start with its payload, cancel.
 */
export type Intent =
  | { kind: 'menu-item'; item: MenuItem }
  | { kind: 'action'; action: OutgoingAction }
  | { kind: 'start'; payload: string | null }
  | { kind: 'cancel' };

/** One event from a subscriber, as an adapter hands it to the router. */
export type Event = { kind: 'intent'; intent: Intent } | { kind: 'input'; input: Input };

/** The flow's view of the conversation. Every method is safe under replay (see runner.ts). */
export interface Chat {
  readonly channel: Channel;
  /** The subscriber this conversation belongs to (the same on every replay). */
  readonly subscriberId: number;
  /** Sends a message once: on a replay it is not sent again. */
  say(text: string, options?: SayOptions): Promise<void>;
  /**
   * The subscriber's next input; the flow is suspended (and its state stored) until it comes. With `secret`
   * (an ownership proof's answer) the text is blanked in the stored state once the flow has moved past this
   * wait: use such an input only inside the `step` it is checked by, so a replay needs no more than its kind.
   */
  wait(options?: { secret?: boolean }): Promise<Input>;
  /**
   * Runs `work` once and records its result, so a replay takes the same path without running it again. Every
   * database call, clock reading or randomness goes through here; the result must be plain JSON. `key` is the
   * same on every replay and on every instance, so a use case that must act once however often it is asked
   * (storing a letter on «Так, надіслати» pressed twice) keeps it under a unique constraint.
   */
  step<T>(work: (key: string) => Promise<T>): Promise<T>;
}

/** A subscriber flow: written once, run by every channel's adapter through the runner. */
export interface FlowDefinition<Deps, Args = unknown> {
  /** Stored with the state; a stored flow of an unknown id is dropped. */
  id: string;
  /** `args` are what the flow was started with (plain JSON, stored with the state). */
  run(chat: Chat, deps: Deps, args: Args): Promise<void>;
}
