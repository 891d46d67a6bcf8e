import type { RequestHandler } from 'express';
import type { CoreDeps } from '../../core/deps.ts';
import { markBlocked, touchSubscriber } from '../../core/subscribers.ts';
import type { Config } from '../config.ts';
import type { ChatOutput, FlowState } from '../flows/runner.ts';
import type { Cabinet } from '../flows/router.ts';
import type { Logger } from '../logger.ts';
import { common } from '../texts/common.ts';
import { onboarding } from '../texts/onboarding.ts';
import type { ViberCallback, ViberCallbackOf, ViberEventType } from './api-types.ts';
import { createBillableSender } from './billable-sender.ts';
import { createViberClient, ViberApiError, type ViberClient, type ViberClientOptions } from './client.ts';
import { eventOfMessage, startBody, startPayload, type PageRequest, type RouterEvent } from './events.ts';
import { createViberInbox, type InboxEntry, type SubscriberLease } from './inbox.ts';
import { choicesKeyboard, replyButton } from './keyboards.ts';
import { createViberNotifier, type ViberNotifier } from './notifier.ts';
import { mediaMessagesFor, messagesFor } from './render.ts';
import { findMedia } from '../../core/media/store.ts';
import type { MediaLinks } from '../media/links.ts';
import type { MediaAttachment, SayOptions } from '../flows/chat.ts';
import { viberTexts } from './texts-viber.ts';
import { cannotPayInViber, paymentMessage, reportOfClientStatus, walletChooser } from './payments.ts';
import { recordProviderReport, type PaymentsDeps } from '../../core/payments/index.ts';
import { payments as paymentTexts } from '../texts/payments.ts';
import { createViberWebhookHandler } from './webhook.ts';

export interface ViberBotDeps {
  viber: NonNullable<Config['viber']>;
  core: CoreDeps;
  logger: Logger;
  /** The shared cabinet (bots/flows/router.ts createCabinet): what every subscriber event does. */
  cabinet: Cabinet;
  /** Online payment's rules, for the payment messages' status callbacks (payments.ts); absent: they are ignored. */
  payments?: PaymentsDeps;
  /** Signed addresses of stored media (pictures, files): without them a flow's media cannot be sent. */
  mediaLinks?: MediaLinks;
  /** Knobs tests turn (fewer retries, shorter backoff, a shorter lease, a faster sweep). */
  tuning?: {
    client?: Pick<ViberClientOptions, 'maxAttempts' | 'baseDelayMs' | 'timeoutMs'>;
    inbox?: Partial<InboxTuning>;
  };
}

export interface InboxTuning {
  /** A handler that dies keeps its subscriber at most this long; then another instance (or the restart) goes on. */
  leaseMs: number;
  /** How often the inbox is searched for callbacks nobody is handling (a dead instance's). */
  sweepMs: number;
  /** A callback whose handling failed and whose error reply could not be sent either is tried this many times. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles it. */
  retryBaseMs: number;
  /** Handled callbacks are kept this long, so a late redelivery of one is still recognised. */
  retentionMs: number;
}

const defaultTuning: InboxTuning = {
  leaseMs: 60_000,
  sweepMs: 5_000,
  maxAttempts: 5,
  retryBaseMs: 5_000,
  retentionMs: 7 * 24 * 3_600_000,
};

export interface ViberBot {
  /** Mount with POST at `webhookPath` before any body parser (it reads the raw body for the signature). */
  webhookHandler: RequestHandler;
  webhookPath: string | undefined;
  client: ViberClient;
  /** For the outbox and the reminders job; every message it sends goes through the billable sender. */
  notifier: ViberNotifier;
  /**
   * Handles what the inbox holds from before (a crash), starts the periodic sweep, and registers the webhook
   * with Viber. Call once the HTTP server listens: Viber calls the webhook back at once.
   */
  start(): Promise<void>;
  /** Refuses new callbacks (503, so Viber redelivers them elsewhere) and waits for the ones being handled. */
  stop(): Promise<void>;
  /** Resolves when every callback kept so far by this instance has been handled (or left for a retry). */
  idle(): Promise<void>;
}

/** Callbacks asked for; `message` always comes. delivered/seen are not asked for: nothing uses them. */
export const WEBHOOK_EVENTS: ViberEventType[] = ['subscribed', 'unsubscribed', 'conversation_started', 'failed'];

/** The subscriber a callback is about, for the ones the inbox keeps. */
function subscriberOf(event: ViberCallback): { id: string; name: string } | null {
  switch (event.event) {
    case 'message':
      return { id: event.sender.id, name: event.sender.name };
    case 'subscribed':
      return { id: event.user.id, name: event.user.name };
    case 'unsubscribed':
      return { id: event.user_id, name: '' };
    case 'client_status':
      return { id: event.user.id, name: event.user.name };
    case 'conversation_started':
      // Only a subscriber can be written to; someone who has not subscribed gets the welcome in the answer.
      return event.subscribed && startPayload(event.context) ? { id: event.user.id, name: event.user.name } : null;
    default:
      return null;
  }
}

/** What may be logged of an error: never its message (a database error can quote the values it refused). */
function loggable(error: unknown): Record<string, unknown> {
  if (error instanceof ViberApiError) return { error: error.name, status: error.status };
  const e = error as { name?: unknown; code?: unknown; parent?: { code?: unknown } };
  return { error: typeof e?.name === 'string' ? e.name : typeof error, code: e?.parent?.code ?? e?.code };
}

export function createViberBot(deps: ViberBotDeps): ViberBot {
  const { viber, core, cabinet } = deps;
  const tuning: InboxTuning = { ...defaultTuning, ...deps.tuning?.inbox };
  const logger = deps.logger.child({ bot: 'viber' });
  const sender = { name: viber.name, ...(viber.avatar ? { avatar: viber.avatar } : {}) };
  const client = createViberClient({ authToken: viber.authToken, apiUrl: viber.apiUrl, sender, ...deps.tuning?.client });
  const inbox = createViberInbox({ db: core.db, leaseMs: tuning.leaseMs });
  const billable = createBillableSender({ client, core, logger });
  const notifier = createViberNotifier({ sender: billable, core, logger, remindersEnabled: viber.remindersEnabled, menu: cabinet.menu });
  const walletFor = walletChooser(client);

  let stopping = false;
  let sweeper: NodeJS.Timeout | undefined;
  let sweeps = 0;
  const drains = new Map<string, { again: boolean; done: Promise<void> }>();

  /** Viber fetches media by URL: a signed, expiring address of the stored bytes (bots/media/links.ts). */
  async function withMedia(text: string, options: SayOptions, prompt: number, attachment: MediaAttachment) {
    const ref = await findMedia(core, attachment.mediaId);
    // A flow sends media it has just stored: a missing one is a bug or a purge race, answered as an error.
    if (!ref || !deps.mediaLinks) throw new Error(ref ? 'media links are not configured' : 'media to send is missing or expired');
    return mediaMessagesFor(text, options, prompt, { ref, url: deps.mediaLinks.urlFor(ref), kind: attachment.kind, filename: attachment.filename }, cabinet.menu);
  }

  function outputFor(viberUserId: string, subscriberId: number): ChatOutput {
    return {
      channel: 'viber',
      subscriberId,
      async send(text, options, prompt) {
        if (options.media) {
          for (const message of await withMedia(text, options, prompt, options.media)) await client.sendMessage(viberUserId, message);
          return;
        }
        const invoice = options.invoice?.pspParameters?.length ? options.invoice : undefined;
        if (!invoice) {
          for (const message of messagesFor(text, options, prompt, 0, cabinet.menu)) await client.sendMessage(viberUserId, message);
          return;
        }
        // The payment message first: the text after it carries the keyboard, which in Viber belongs to the last message.
        let paying = true;
        try {
          await client.sendMessage(viberUserId, paymentMessage(invoice, await walletFor(viberUserId)));
        } catch (error) {
          if (!cannotPayInViber(error) || !options.link) throw error;
          paying = false;
        }
        for (const message of messagesFor(text, { ...options, link: undefined }, prompt, 0, cabinet.menu)) await client.sendMessage(viberUserId, message);
        if (!paying) {
          // This client or bot cannot pay in Viber (an old app, payments not enabled): LiqPay's page under the same order.
          for (const message of messagesFor(paymentTexts.invoiceRefused, { ...options, invoice: undefined }, prompt, 0, cabinet.menu)) await client.sendMessage(viberUserId, message);
        }
      },
    };
  }

  function routerEventOf(event: ViberCallback, state: FlowState | null): RouterEvent | PageRequest {
    switch (event.event) {
      case 'message':
        return eventOfMessage(event.message, state?.offered ?? []);
      case 'conversation_started':
        return { kind: 'intent', intent: { kind: 'start', payload: startPayload(event.context) } };
      default:
        // subscribed: the same as pressing «Почати».
        return { kind: 'intent', intent: { kind: 'start', payload: null } };
    }
  }

  /** The next page of a long keyboard, when the flow still waits on the message it belongs to. */
  async function showPage(viberUserId: string, state: FlowState | null, request: PageRequest): Promise<boolean> {
    if (!state || state.prompt !== request.prompt || state.offered.length === 0) return false;
    const choices = state.offered.map((choice) => [choice]);
    for (const message of messagesFor(viberTexts.morePage, { choices }, request.prompt, request.page, cabinet.menu)) {
      await client.sendMessage(viberUserId, message);
    }
    return true;
  }

  /** Handles one kept callback; false when the subscriber's queue must stop here for now. */
  async function handleEntry(lease: SubscriberLease, entry: InboxEntry): Promise<boolean> {
    const event = entry.event as ViberCallback;
    const who = subscriberOf(event);
    const viberUserId = lease.viberUserId;
    if (!who || event.event === 'unsubscribed') {
      if (event.event === 'unsubscribed') {
        // Until core has its own "unsubscribed" state, blocked is what stops reminders and notices.
        await markBlocked(core, { channel: 'viber', channelUserId: viberUserId });
        logger.info({ viberUserId }, 'viber subscriber unsubscribed');
      }
      return finish(lease, entry, lease.state, 'handled');
    }
    if (event.event === 'client_status') return paymentStatus(lease, entry, event);
    let out: ChatOutput | undefined;
    try {
      const subscriber = await touchSubscriber(core, { channel: 'viber', channelUserId: viberUserId, name: who.name });
      out = outputFor(viberUserId, subscriber.id);
      let routed = routerEventOf(event, lease.state);
      if (routed.kind === 'page') {
        if (await showPage(viberUserId, lease.state, routed)) return finish(lease, entry, lease.state, 'handled');
        routed = { kind: 'input', input: { kind: 'stale' } };
      }
      const next = await cabinet.handle({ out, subscriber, state: lease.state, event: routed, now: core.clock.now().getTime() });
      return finish(lease, entry, next, 'handled');
    } catch (error) {
      if (error instanceof ViberApiError && error.unreachable) {
        await markBlocked(core, { channel: 'viber', channelUserId: viberUserId });
        logger.info({ viberUserId, status: error.status }, 'viber subscriber unreachable while answering; marked');
        return finish(lease, entry, lease.state, 'handled');
      }
      logger.error({ viberUserId, event: event.event, attempt: entry.attempts + 1, ...loggable(error) }, 'viber callback handling failed');
      // The flow stays where the last handled callback left it: the subscriber is told and can simply try again.
      try {
        const state = lease.state;
        const choices = state && state.offered.length > 0 ? state.offered.map((choice) => [choice]) : undefined;
        for (const message of messagesFor(common.error, { ...(choices ? { choices } : {}), keyboard: state ? 'flow' : 'menu' }, state?.prompt ?? 0, 0, cabinet.menu)) {
          await client.sendMessage(viberUserId, message);
        }
        return finish(lease, entry, state, 'answered-error');
      } catch (replyError) {
        if (entry.attempts + 1 >= tuning.maxAttempts) {
          logger.error({ viberUserId, attempts: entry.attempts + 1, ...loggable(replyError) }, 'viber callback given up: neither handled nor answered');
          return finish(lease, entry, lease.state, 'gave-up');
        }
        await lease.retryLater(entry, tuning.retryBaseMs * 2 ** entry.attempts);
        return false;
      }
    }
  }

  /**
   * A payment message's status callback, recorded through core once (the inbox keeps a callback once; core moves an
   * order forward only). A failure to record is retried, never answered: nobody asked anything.
   */
  async function paymentStatus(lease: SubscriberLease, entry: InboxEntry, event: ViberCallbackOf<'client_status'>): Promise<boolean> {
    const report = reportOfClientStatus(event);
    if (!report || !deps.payments) {
      logger.info({ viberUserId: lease.viberUserId, type: event.status.type }, 'viber client_status not about an order of ours; ignored');
      return finish(lease, entry, lease.state, 'handled');
    }
    try {
      const outcome = await recordProviderReport(deps.payments, report);
      logger.info({ orderId: report.orderId, providerStatus: report.providerStatus, outcome: outcome.kind }, 'viber payment status recorded');
      if (outcome.kind === 'applied' && outcome.status === 'failed' && lease.state === null) {
        for (const message of messagesFor(paymentTexts.notCompleted, { keyboard: 'menu' }, 0, 0, cabinet.menu)) await client.sendMessage(lease.viberUserId, message);
      }
      return finish(lease, entry, lease.state, 'handled');
    } catch (error) {
      logger.error({ viberUserId: lease.viberUserId, attempt: entry.attempts + 1, ...loggable(error) }, 'viber payment status could not be recorded');
      if (entry.attempts + 1 >= tuning.maxAttempts) return finish(lease, entry, lease.state, 'gave-up');
      await lease.retryLater(entry, tuning.retryBaseMs * 2 ** entry.attempts);
      return false;
    }
  }

  async function finish(lease: SubscriberLease, entry: InboxEntry, state: FlowState | null, outcome: 'handled' | 'answered-error' | 'gave-up'): Promise<boolean> {
    if (await lease.finish(entry, state, outcome)) return true;
    logger.warn({ viberUserId: lease.viberUserId }, 'viber lease ran out while handling; the callback is left to its new holder');
    return false;
  }

  async function drainOnce(viberUserId: string): Promise<void> {
    for (;;) {
      const lease = await inbox.lease(viberUserId);
      // Another handler holds the subscriber: it looks for new callbacks again after it lets go.
      if (!lease) return;
      let blocked = false;
      try {
        while (!stopping) {
          const entry = await lease.next();
          if (!entry) break;
          if (!(await handleEntry(lease, entry))) {
            blocked = true;
            break;
          }
        }
      } finally {
        await lease.release().catch((error: unknown) => logger.warn({ viberUserId, ...loggable(error) }, 'viber lease not released; it runs out'));
      }
      // A callback kept by another instance while this one held the lease found it taken: look once more.
      if (blocked || stopping || !(await inbox.hasReady(viberUserId))) return;
    }
  }

  /** Starts handling the subscriber's kept callbacks, unless this instance is already at it. */
  function kick(viberUserId: string): void {
    const running = drains.get(viberUserId);
    if (running) {
      running.again = true;
      return;
    }
    const drain = { again: false, done: Promise.resolve() };
    drains.set(viberUserId, drain);
    drain.done = (async () => {
      try {
        do {
          drain.again = false;
          await drainOnce(viberUserId);
        } while (drain.again && !stopping);
      } catch (error) {
        // The callbacks stay kept: the sweep comes back to them once the lease runs out.
        logger.error({ viberUserId, ...loggable(error) }, 'viber inbox handling failed');
      } finally {
        drains.delete(viberUserId);
      }
    })();
  }

  async function sweep(): Promise<void> {
    sweeps += 1;
    for (const viberUserId of await inbox.orphans(100)) kick(viberUserId);
    if (sweeps % 720 === 1) {
      const pruned = await inbox.prune(tuning.retentionMs);
      if (pruned > 0) logger.info({ pruned }, 'viber inbox: old handled callbacks forgotten');
    }
  }

  function welcome(event: ViberCallbackOf<'conversation_started'>): object | null {
    if (event.subscribed && startPayload(event.context)) return null;
    // A deep link's code rides on «Почати» (Silent, so the chat does not show it); pressing it subscribes.
    const context = startPayload(event.context);
    const button = replyButton({ label: viberTexts.startButton, actionBody: startBody(event.context), ...(context ? { silent: true } : {}) });
    return {
      sender,
      type: 'text',
      // No name: Viber's profile name is in the nominative; the agreement that follows greets in the vocative.
      text: `${onboarding.greeting('')}\n\n${viberTexts.welcomeHint}`,
      keyboard: { ...choicesKeyboard([]), Buttons: [button] },
    };
  }

  const webhook = createViberWebhookHandler({
    authToken: viber.authToken,
    logger,
    welcome,
    async keep(event) {
      const who = subscriberOf(event);
      if (!who) return;
      const token = 'message_token' in event ? event.message_token : undefined;
      if (token === undefined) return;
      if (!(await inbox.keep(token, who.id, event))) logger.info({ viberUserId: who.id }, 'viber callback delivered twice; kept once');
    },
    onEvent(event) {
      if (event.event === 'webhook') logger.info('viber webhook confirmed by viber');
      else if (event.event === 'failed') logger.warn({ viberUserId: event.user_id }, 'viber could not deliver a message');
      const who = subscriberOf(event);
      if (who && !stopping) kick(who.id);
    },
  });

  async function idle(): Promise<void> {
    while (drains.size > 0) await Promise.allSettled([...drains.values()].map((d) => d.done));
  }

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
      // What a crashed run left: handled now where no live lease holds it, the rest once its lease runs out.
      await sweep().catch((error: unknown) => logger.warn(loggable(error), 'viber inbox sweep failed'));
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) => logger.warn(loggable(error), 'viber inbox sweep failed'));
      }, tuning.sweepMs);
      sweeper.unref();
      if (!viber.webhook) {
        logger.warn('VIBER_WEBHOOK_URL not set: viber will not deliver anything');
        return;
      }
      const { eventTypes } = await client.setWebhook(viber.webhook.url, WEBHOOK_EVENTS);
      logger.info({ url: viber.webhook.url, eventTypes }, 'viber webhook registered');
    },
    async stop() {
      stopping = true;
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      await idle();
    },
    idle,
  };
}
