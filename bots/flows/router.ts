import type { PaymentOrder, PaymentProvider, PaymentRules } from '../../core/payments/types.ts';
import type { CoreDeps } from '../../core/deps.ts';
import type { SubscriberView } from '../../core/subscribers.ts';
import type { Logger } from '../logger.ts';
import type { PhotoSources } from '../media/photo-sources.ts';
import { common } from '../texts/common.ts';
import { menu, menuLayout, menuLayoutWithPay, type MenuItem, type MenuLayout } from '../texts/menu.ts';
import type { Event, FlowDefinition, Intent, SayOptions } from './chat.ts';
import type { Channel } from '../../models/models.ts';
import { isLive, resumeFlow, startFlow, type ChatOutput, type FlowState, type Incoming } from './runner.ts';
import { sameWords } from './words.ts';

// The one place that decides, for every channel, what a subscriber's event does: leave the flow (cancel, a
// menu item, a button of a message the app started), continue the flow that waits, start onboarding for a
// subscriber who has not consented yet, or answer what fits nothing. Adapters only translate.

/** What every flow is given: core, and a logger (never given texts the subscriber typed). */
export interface FlowDeps {
  core: CoreDeps;
  logger: Logger;
  /**
   * How the cabinet is reached on each channel, for the one-time links that pair a subscriber's chats
   * (settings → «Підключити Viber»/«Підключити Telegram»): the Telegram bot's username (t.me/<username>) and the
   * Viber bot's chat URI (viber://pa?chatURI=<uri>). A channel left out is not offered.
   */
  channels?: { telegramUsername?: string; viberChatUri?: string };
  /** Online payment (bots/payments): its rules and the checkout link of a stored order. Absent without LiqPay keys. */
  payments?: {
    rules: PaymentRules;
    linkFor(order: PaymentOrder): string;
    /** Who takes the money on a channel (its own payments where configured, else LiqPay); stored with the order. */
    providerFor?(channel: Channel): PaymentProvider;
    /** How a stored order is offered for payment on its channel: the link always, the channel's invoice where it pays itself. */
    checkoutFor?(order: PaymentOrder): Pick<SayOptions, 'link' | 'invoice'>;
  };
  /** The bytes of a photo a subscriber sent (a meter photo with a reading), from its channel. */
  photos?: PhotoSources;
  /** How long stored pictures and documents are kept (MEDIA_KEEP_DAYS); a week when not given. */
  media?: { keepMs: number };
}

export type Flow<Args = unknown> = FlowDefinition<FlowDeps, Args>;

export interface CabinetFlows {
  /** Consent (and then what follows it); args: the /start payload, or null. */
  onboarding: Flow<{ payload: string | null }>;
  /** /start (or its menu equivalent) by a subscriber who has consented; args as onboarding's. */
  start: Flow<{ payload: string | null }>;
  /** One flow per menu item. */
  menu: Record<MenuItem, Flow<null>>;
  /** Buttons on messages the app starts on its own (reminders, answers, notices). */
  actions: Record<'readings:start' | 'reminders:off' | 'letters:list' | 'menu' | 'pay:start', Flow<null>>;
  /** Any other flow a stored state may name (a flow started by another flow's choice). */
  others?: readonly Flow<any>[];
}

export interface CabinetOptions {
  flows: CabinetFlows;
  deps: FlowDeps;
  /** A flow left unanswered this long is over: the next message is handled as if there had been none. */
  timeoutMs: number;
}

export interface Turn {
  out: ChatOutput;
  subscriber: SubscriberView;
  /** The stored state of this subscriber's flow, if any. */
  state: FlowState | null;
  event: Event | { kind: 'incoming'; incoming: Incoming };
  /** The injected clock's now, ms. */
  now: number;
  /** An id of this event that is the same on every delivery of it: a flow it starts takes it as its run id. */
  eventKey?: string;
}

export interface Cabinet {
  /** The main menu's items, as every adapter shows them: «Оплатити» only when payment is offered. */
  readonly menu: MenuLayout;
  /** Handles one event and returns the state to store (null: no flow waits). Throws what the flow threw. */
  handle(turn: Turn): Promise<FlowState | null>;
}

export function createCabinet(options: CabinetOptions): Cabinet {
  const { flows, deps, timeoutMs } = options;
  const byId = new Map<string, Flow<any>>();
  for (const flow of [flows.onboarding, flows.start, ...Object.values(flows.menu), ...Object.values(flows.actions), ...(flows.others ?? [])]) {
    byId.set(flow.id, flow);
  }

  const layout = paymentOffered(deps) ? menuLayoutWithPay : menuLayout;
  const items = new Set(layout.flat());

  function intentOf(event: Turn['event'], live: FlowState | null): Intent | null {
    if (event.kind === 'intent') return event.intent;
    const input = event.kind === 'input' ? event.input : event.incoming;
    if (input.kind !== 'text') return null;
    if (sameWords(input.text, common.cancelButton)) return { kind: 'cancel' };
    // A button of the waiting flow worded like a menu item (the account view's «Оплатити») is the flow's: on
    // Viber a press arrives as its label.
    if (live?.offered.some((choice) => sameWords(choice.label, input.text))) return null;
    const item = [...items].find((key) => sameWords(menu[key], input.text));
    return item ? { kind: 'menu-item', item } : null;
  }

  return {
    menu: layout,
    async handle({ out, subscriber, state, event, now, eventKey }) {
      const live = isLive(state, { now, timeoutMs }) && byId.has(state!.flow) ? state : null;
      const start = (flow: Flow<any>, args: unknown) => startFlow(flow, deps, out, { now, args, ...(eventKey ? { run: eventKey } : {}) });
      const intent = intentOf(event, live);

      if (!subscriber.consented) {
        // Nothing works before consent: the onboarding flow takes every event until it is given.
        if (live && live.flow === flows.onboarding.id && !intent) return resumeFlow(flows.onboarding, deps, out, live, incomingOf(event), { now });
        return start(flows.onboarding, { payload: intent?.kind === 'start' ? intent.payload : null });
      }
      if (intent) {
        switch (intent.kind) {
          case 'cancel':
            await out.send(live ? common.cancelled : common.nothingToCancel, { keyboard: 'menu' }, 0);
            return null;
          case 'start':
            return start(flows.start, { payload: intent.payload });
          case 'menu-item':
            if (items.has(intent.item)) return start(flows.menu[intent.item], null);
            break;
          case 'action':
            if (intent.action !== 'pay:start' || paymentOffered(deps)) return start(flows.actions[intent.action], null);
            break;
        }
      }
      // What is left of an intent is one this cabinet does not offer (a reminder's «Оплатити» from before
      // payment was switched off): a button that no longer acts.
      const incoming: Incoming = intent ? { kind: 'stale' } : incomingOf(event);
      if (live) return resumeFlow(byId.get(live.flow)!, deps, out, live, incoming, { now });
      const answer =
        incoming.kind === 'press' || incoming.kind === 'stale'
          ? common.staleButton
          : incoming.kind === 'text'
            ? common.unknownText
            : incoming.kind === 'other' && incoming.forwarded
              ? common.forwarded
              : common.notUnderstoodMedia;
      await out.send(answer, { keyboard: 'menu' }, 0);
      return null;
    },
  };
}

/** Whether the subscriber is offered «Оплатити» at all: some payment provider is configured. */
export function paymentOffered(deps: FlowDeps): boolean {
  return deps.payments !== undefined;
}

function incomingOf(event: Turn['event']): Incoming {
  if (event.kind === 'intent') return { kind: 'other' };
  return event.kind === 'input' ? event.input : event.incoming;
}
