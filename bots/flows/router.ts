import type { PaymentOrder, PaymentRules } from '../../core/payments/types.ts';
import type { CoreDeps } from '../../core/deps.ts';
import type { SubscriberView } from '../../core/subscribers.ts';
import type { Logger } from '../logger.ts';
import { common } from '../texts/common.ts';
import { menu, type MenuItem } from '../texts/menu.ts';
import type { Event, FlowDefinition, Intent } from './chat.ts';
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
  payments?: { rules: PaymentRules; linkFor(order: PaymentOrder): string };
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
  actions: Record<'readings:start' | 'reminders:off' | 'letters:list' | 'menu', Flow<null>>;
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
  /** Handles one event and returns the state to store (null: no flow waits). Throws what the flow threw. */
  handle(turn: Turn): Promise<FlowState | null>;
}

export function createCabinet(options: CabinetOptions): Cabinet {
  const { flows, deps, timeoutMs } = options;
  const byId = new Map<string, Flow<any>>();
  for (const flow of [flows.onboarding, flows.start, ...Object.values(flows.menu), ...Object.values(flows.actions), ...(flows.others ?? [])]) {
    byId.set(flow.id, flow);
  }

  function intentOf(event: Turn['event']): Intent | null {
    if (event.kind === 'intent') return event.intent;
    const input = event.kind === 'input' ? event.input : event.incoming;
    if (input.kind !== 'text') return null;
    if (sameWords(input.text, common.cancelButton)) return { kind: 'cancel' };
    const item = (Object.keys(menu) as MenuItem[]).find((key) => sameWords(menu[key], input.text));
    return item ? { kind: 'menu-item', item } : null;
  }

  return {
    async handle({ out, subscriber, state, event, now, eventKey }) {
      const live = isLive(state, { now, timeoutMs }) && byId.has(state!.flow) ? state : null;
      const start = (flow: Flow<any>, args: unknown) => startFlow(flow, deps, out, { now, args, ...(eventKey ? { run: eventKey } : {}) });
      const intent = intentOf(event);

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
            return start(flows.menu[intent.item], null);
          case 'action':
            return start(flows.actions[intent.action], null);
        }
      }
      const incoming = incomingOf(event);
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

function incomingOf(event: Turn['event']): Incoming {
  if (event.kind === 'intent') return { kind: 'other' };
  return event.kind === 'input' ? event.input : event.incoming;
}
