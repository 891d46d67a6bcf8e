import type { RequestHandler } from 'express';
import type { CoreDeps } from '../../core/accounts/types.ts';
import { markBlocked, setReminders, touchSubscriber, type SubscriberView } from '../../core/subscribers.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { common } from '../texts/common.ts';
import { help } from '../texts/help.ts';
import { menu, menuTexts, type MenuItem } from '../texts/menu.ts';
import { onboarding } from '../texts/onboarding.ts';
import { settings as settingsTexts } from '../texts/settings.ts';
import type { ViberCallback, ViberCallbackOf, ViberEventType, ViberInboundMessage, ViberKeyboard } from './api-types.ts';
import { createBillableSender } from './billable-sender.ts';
import { createViberClient, ViberApiError, type ViberClient, type ViberClientOptions } from './client.ts';
import { ACCOUNTS, accountsButtons, accountsFlow, startAccounts } from './flows/accounts.ts';
import { LINK_ACCOUNT, linkAccountFlow, startLinkAccount } from './flows/link-account.ts';
import { MY_LETTERS, myLettersFlow, startMyLetters } from './flows/my-letters.ts';
import { consentGate, ONBOARDING, onboardingFlow } from './flows/onboarding.ts';
import { READINGS, readingsButtons, readingsFlow, startReadings } from './flows/readings.ts';
import { SETTINGS, settingsButtons, settingsFlow, startSettings } from './flows/settings.ts';
import { startWriteLetter, WRITE_LETTER, writeLetterButtons, writeLetterFlow } from './flows/write-letter.ts';
import { sameWords, textOf, type FlowHandler, type Inbound, type Turn } from './flows/types.ts';
import { choicesKeyboard, mainMenuKeyboard, needsApiVersion } from './keyboards.ts';
import { createViberNotifier, type ViberNotifier } from './notifier.ts';
import { createStateStore, type FlowState, type StateStoreOptions } from './state-store.ts';
import { viberTexts } from './texts-viber.ts';
import { createViberWebhookHandler } from './webhook.ts';

export interface ViberBotDeps {
  viber: NonNullable<Config['viber']>;
  core: CoreDeps;
  logger: Logger;
  /** Knobs tests turn (fewer retries, shorter backoff, a shorter lease). */
  tuning?: {
    client?: Pick<ViberClientOptions, 'maxAttempts' | 'baseDelayMs' | 'timeoutMs'>;
    state?: Pick<StateStoreOptions, 'flowTtlMs' | 'leaseMs' | 'waitMs'>;
  };
}

export interface ViberBot {
  /** Mount with POST at `webhookPath` before any body parser (it reads the raw body for the signature). */
  webhookHandler: RequestHandler;
  webhookPath: string | undefined;
  client: ViberClient;
  /** For the outbox and the reminders job; every message it sends goes through the billable sender. */
  notifier: ViberNotifier;
  /** Registers the webhook with Viber. Call once the HTTP server listens: Viber calls the webhook back at once. */
  start(): Promise<void>;
  /** Refuses new callbacks (503, so Viber redelivers them elsewhere) and waits for the ones being handled. */
  stop(): Promise<void>;
  /** Resolves when every callback accepted so far has been handled. */
  idle(): Promise<void>;
}

/** Callbacks asked for; `message` always comes. delivered/seen are not asked for: nothing uses them. */
export const WEBHOOK_EVENTS: ViberEventType[] = ['subscribed', 'unsubscribed', 'conversation_started', 'failed'];

const flows: Record<string, FlowHandler> = {
  [ONBOARDING]: onboardingFlow,
  [LINK_ACCOUNT]: linkAccountFlow,
  [READINGS]: readingsFlow,
  [ACCOUNTS]: accountsFlow,
  [WRITE_LETTER]: writeLetterFlow,
  [MY_LETTERS]: myLettersFlow,
  [SETTINGS]: settingsFlow,
};

/** Every menu item starts its flow afresh, whatever flow the subscriber was in. */
const menuRoutes: Record<MenuItem, (turn: Turn) => Promise<FlowState | null>> = {
  readings: startReadings,
  accounts: (turn) => startAccounts(turn),
  addAccount: startLinkAccount,
  letter: startWriteLetter,
  letters: startMyLetters,
  settings: (turn) => startSettings(turn),
  help: (turn) => turn.showMenu(help.text),
};

/**
 * Notifier actions (see notifier.ts ACTION_BODIES) travel as menu labels; their ids are accepted too, so a
 * button built with the bare id still leads somewhere.
 */
const actionRoutes: Record<string, MenuItem> = { 'readings:start': 'readings', 'letters:list': 'letters' };

/** Fixed buttons of the flows: pressed again once their flow is over, they are answered as stale, not as nonsense. */
const flowButtons = [...readingsButtons, ...accountsButtons, ...writeLetterButtons, ...settingsButtons, common.back];

export function createViberBot(deps: ViberBotDeps): ViberBot {
  const { viber, core } = deps;
  const logger = deps.logger.child({ bot: 'viber' });
  const sender = { name: viber.name, ...(viber.avatar ? { avatar: viber.avatar } : {}) };
  const client = createViberClient({ authToken: viber.authToken, apiUrl: viber.apiUrl, sender, ...deps.tuning?.client });
  const store = createStateStore({ db: core.db, clock: core.clock, ...deps.tuning?.state });
  const billable = createBillableSender({ client, core, logger });
  const notifier = createViberNotifier({ sender: billable, core, logger, remindersEnabled: viber.remindersEnabled });

  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  function makeTurn(subscriber: SubscriberView, viberUserId: string): Turn {
    const say = async (text: string, keyboard?: ViberKeyboard) => {
      const minApi = needsApiVersion(keyboard);
      await client.sendMessage(viberUserId, {
        type: 'text',
        text,
        ...(keyboard ? { keyboard } : {}),
        ...(minApi ? { min_api_version: minApi } : {}),
      });
    };
    return {
      subscriber,
      core,
      logger,
      say,
      async showMenu(text) {
        await say(text ?? menuTexts.shown, mainMenuKeyboard());
        return null;
      },
    };
  }

  async function onMessage(turn: Turn, state: FlowState | null, input: Inbound): Promise<FlowState | null> {
    if (!turn.subscriber.consented) return consentGate(turn, state, input);
    const text = textOf(input);
    if (text !== null) {
      if (viberTexts.cancelWords.some((w) => sameWords(w, text)) || sameWords(text, common.cancelButton)) {
        return turn.showMenu(state ? common.cancelled : common.nothingToCancel);
      }
      if (text === 'menu') return turn.showMenu();
      if (viberTexts.startWords.some((w) => sameWords(w, text))) {
        return turn.showMenu(onboarding.welcomeBack(turn.subscriber.name));
      }
      if (text === 'reminders:off') {
        await setReminders(core, turn.subscriber.id, false);
        return turn.showMenu(settingsTexts.remindersOff);
      }
      const item = Object.hasOwn(actionRoutes, text)
        ? actionRoutes[text]
        : (Object.keys(menu) as MenuItem[]).find((key) => sameWords(menu[key], text));
      if (item) return menuRoutes[item](turn);
    }
    if (state) {
      const handler = flows[state.flow];
      if (handler) return handler(turn, state, input);
      logger.warn({ flow: state.flow }, 'viber state names an unknown flow; dropped');
    }
    if (text !== null && flowButtons.some((label) => sameWords(label, text))) return turn.showMenu(common.staleButton);
    return turn.showMenu(input.kind === 'text' ? common.unknownText : common.notUnderstoodMedia);
  }

  function inboundOf(message: ViberInboundMessage): Inbound {
    switch (message.type) {
      case 'text':
        return { kind: 'text', text: message.text ?? '' };
      case 'contact':
        return { kind: 'contact', phone: message.contact?.phone_number?.trim() || null };
      case 'picture':
        return message.media ? { kind: 'picture', media: message.media } : { kind: 'other', type: 'picture' };
      default:
        return { kind: 'other', type: message.type };
    }
  }

  async function converse(viberUserId: string, name: string, input: Inbound | 'subscribed'): Promise<void> {
    await store.withSubscriber(viberUserId, async (state) => {
      const subscriber = await touchSubscriber(core, { channel: 'viber', channelUserId: viberUserId, name });
      const turn = makeTurn(subscriber, viberUserId);
      try {
        if (input === 'subscribed') {
          const next = subscriber.consented
            ? await turn.showMenu(onboarding.welcomeBack(subscriber.name))
            : await consentGate(turn, null, { kind: 'text', text: '' });
          return { state: next, result: undefined };
        }
        return { state: await onMessage(turn, state, input), result: undefined };
      } catch (error) {
        if (error instanceof ViberApiError && error.unreachable) throw error;
        logger.error({ err: error, viberUserId }, 'viber message handling failed');
        await turn.say(common.error).catch(() => undefined);
        // The step stays where it was: the subscriber can simply try again.
        return { state, result: undefined };
      }
    });
  }

  async function handle(event: ViberCallback): Promise<void> {
    switch (event.event) {
      case 'webhook':
        logger.info('viber webhook confirmed by viber');
        return;
      case 'delivered':
      case 'seen':
      case 'conversation_started':
        // conversation_started was answered with the welcome message in the HTTP response.
        return;
      case 'failed':
        logger.warn({ viberUserId: event.user_id, desc: event.desc }, 'viber could not deliver a message');
        return;
      case 'unsubscribed':
        if (!(await store.claimToken(event.message_token))) return;
        // Until core has its own "unsubscribed" state, blocked is what stops reminders and notices.
        await markBlocked(core, { channel: 'viber', channelUserId: event.user_id });
        logger.info({ viberUserId: event.user_id }, 'viber subscriber unsubscribed');
        return;
      case 'subscribed':
        if (!(await store.claimToken(event.message_token))) return;
        await converse(event.user.id, event.user.name, 'subscribed');
        return;
      case 'message':
        if (!(await store.claimToken(event.message_token))) {
          logger.info({ viberUserId: event.sender.id }, 'viber message delivered twice; handled once');
          return;
        }
        await converse(event.sender.id, event.sender.name, inboundOf(event.message));
        return;
    }
  }

  // One subscriber's callbacks are handled in the order they arrived here, from the first query on: otherwise
  // the second of two quick messages could win the race to the database and be answered first.
  const arrivals = new Map<string, Promise<void>>();
  function inArrivalOrder(event: ViberCallback, work: () => Promise<void>): Promise<void> {
    const userId =
      event.event === 'message' ? event.sender.id : event.event === 'subscribed' ? event.user.id : event.event === 'unsubscribed' ? event.user_id : undefined;
    if (userId === undefined) return work();
    const previous = arrivals.get(userId) ?? Promise.resolve();
    const turn = previous.then(work, work);
    const settled = turn.catch(() => undefined);
    arrivals.set(userId, settled);
    void settled.then(() => {
      if (arrivals.get(userId) === settled) arrivals.delete(userId);
    });
    return turn;
  }

  function welcome(event: ViberCallbackOf<'conversation_started'>): object {
    return {
      sender,
      type: 'text',
      text: `${onboarding.greeting(event.user.name)}\n\n${viberTexts.welcomeHint}`,
      keyboard: choicesKeyboard([{ label: viberTexts.startButton }]),
    };
  }

  const webhook = createViberWebhookHandler({
    authToken: viber.authToken,
    logger,
    welcome,
    onEvent(event) {
      const work = inArrivalOrder(event, () => handle(event))
        .catch(async (error) => {
          if (error instanceof ViberApiError && error.unreachable) {
            const id = event.event === 'message' ? event.sender.id : event.event === 'subscribed' ? event.user.id : undefined;
            if (id) await markBlocked(core, { channel: 'viber', channelUserId: id }).catch(() => undefined);
            logger.info({ viberUserId: id }, 'viber subscriber unreachable while answering; marked');
            return;
          }
          logger.error({ err: error, event: event.event }, 'viber callback handling failed');
        })
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    },
  });

  return {
    webhookPath: viber.webhook?.path,
    client,
    notifier,
    webhookHandler(req, res, next) {
      if (stopping) {
        res.status(503).set('Retry-After', '5').json({ status: 1, status_message: 'shutting down' });
        return;
      }
      webhook(req, res, next);
    },
    async start() {
      stopping = false;
      await store.pruneTokens().catch((error) => logger.warn({ err: error }, 'viber token pruning failed'));
      if (!viber.webhook) {
        logger.warn('VIBER_WEBHOOK_URL not set: viber will not deliver anything');
        return;
      }
      const { eventTypes } = await client.setWebhook(viber.webhook.url, WEBHOOK_EVENTS);
      logger.info({ url: viber.webhook.url, eventTypes }, 'viber webhook registered');
    },
    async stop() {
      stopping = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
