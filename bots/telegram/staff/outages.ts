import { Composer, InlineKeyboard } from 'grammy';
import { QueryTypes } from 'sequelize';
import { splitText } from '../../../core/text.ts';
import { getOutage, openOutages, type OutageView } from '../../../core/outages/index.ts';
import { FLOW_TIMEOUT_MS } from '../../flows/index.ts';
import { isLive, resumeFlow, startFlow, type ChatOutput, type FlowState, type Incoming } from '../../flows/runner.ts';
import { sameWords } from '../../flows/words.ts';
import { outageDesk } from '../../texts/outages.ts';
import { parseChoiceData } from '../callback-data.ts';
import { MESSAGE_MAX, inlineChoices } from '../chat-output.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import { announceOutageForm, closeOutageForm, outageEndForm, outageForms, type OutageFlow, type OutageFormDeps } from './outage-form.ts';
import type { GroupPacer } from './pacer.ts';

// The staff group's outages: /outage (the guided form), /outages (the active ones), and each outage's card with
// «Змінити час завершення» and «Воду відновлено». Only the staff group's updates reach here (feature.ts filters).
// Each staff member has their own form, kept in telegram_state under their id and written in the statement
// that marks the update handled, so a restart (or another instance) continues it where it was.

/** Buttons on an outage's card: not a form's choices, they work for as long as the outage is open. */
export const outageCb = {
  end: (outageId: number) => `oc:end:${outageId}`,
  close: (outageId: number) => `oc:close:${outageId}`,
  pattern: /^oc:(end|close):(\d{1,9})$/,
} as const;

/** A staff member's form and the topic it runs in (their messages elsewhere are not its answers). */
interface StoredForm {
  form: FlowState;
  threadId: number | null;
}

const formKey = (chatId: number, userId: number) => `flow:staff-outage:${chatId}:${userId}`;
const formsById = new Map(outageForms.map((f) => [f.id, f]));

export interface OutageDeskOptions {
  chatId: number;
  pacer: GroupPacer;
  staffName: (ctx: BotContext) => string;
  /** Whether a message replies to a letter's message in the group (then it is an answer, not the form's). */
  repliesToLetter: (ctx: BotContext) => Promise<boolean>;
}

export function outageCardKeyboard(outage: Pick<OutageView, 'id' | 'status'>): InlineKeyboard | undefined {
  if (outage.status !== 'announced') return undefined;
  return new InlineKeyboard().text(outageDesk.newEndButton, outageCb.end(outage.id)).row().text(outageDesk.closeButton, outageCb.close(outage.id));
}

export function outageDeskComposer(deps: TelegramDeps, options: OutageDeskOptions): Composer<BotContext> {
  const { core, logger } = deps;
  const { chatId, pacer } = options;
  const tz = core.settings.timeZone;

  const threadOf = (ctx: BotContext): number | null => {
    const message = ctx.msg ?? ctx.callbackQuery?.message;
    return message && 'is_topic_message' in message && message.is_topic_message ? (message.message_thread_id ?? null) : null;
  };

  type Api = BotContext['api'];

  async function send(api: Api, threadId: number | null, text: string, markup?: InlineKeyboard): Promise<void> {
    const parts = splitText(text, MESSAGE_MAX);
    for (const [i, part] of parts.entries()) {
      await pacer.take();
      await api.sendMessage(chatId, part, {
        ...(threadId === null ? {} : { message_thread_id: threadId }),
        ...(markup && i === parts.length - 1 ? { reply_markup: markup } : {}),
      });
    }
  }
  async function postCard(api: Api, threadId: number | null, outage: OutageView): Promise<void> {
    await send(api, threadId, outageDesk.card(outage, tz), outageCardKeyboard(outage));
  }

  function output(api: Api, threadId: number | null, userId: number): ChatOutput {
    return {
      channel: 'telegram',
      subscriberId: userId,
      async send(text, sayOptions, prompt) {
        const choices = sayOptions.choices && sayOptions.choices.length > 0 ? inlineChoices(sayOptions.choices, prompt) : undefined;
        await send(api, threadId, text, choices);
      },
    };
  }

  function formDeps(api: Api, threadId: number | null): OutageFormDeps {
    return {
      core,
      async postCard(outageId) {
        const outage = await getOutage(core, outageId);
        if (outage) await postCard(api, threadId, outage);
      },
      async redrawCard(outageId, messageId) {
        const outage = await getOutage(core, outageId);
        if (!outage) return;
        await api
          .editMessageText(chatId, messageId, outageDesk.card(outage, tz), { reply_markup: outageCardKeyboard(outage) ?? { inline_keyboard: [] } })
          .catch((err: unknown) => logger.debug({ err: String(err), outageId }, 'outage card not redrawn'));
      },
    };
  }

  async function readForm(userId: number): Promise<StoredForm | null> {
    const [row] = await core.db.sequelize.query<{ value: StoredForm }>(`SELECT value FROM telegram_state WHERE key = :key`, {
      replacements: { key: formKey(chatId, userId) },
      type: QueryTypes.SELECT,
    });
    const stored = row?.value ?? null;
    return stored && isLive(stored.form, { now: core.clock.now().getTime(), timeoutMs: FLOW_TIMEOUT_MS }) && formsById.has(stored.form.flow) ? stored : null;
  }

  /** What the update leaves: the form's new state, committed with the update's claim (update-claim.ts). */
  function keep(ctx: BotContext, userId: number, threadId: number | null, after: FlowState | null, before: StoredForm | null): void {
    const key = formKey(chatId, userId);
    ctx.stateChange = after
      ? { kind: 'write', key, json: JSON.stringify({ form: after, threadId } satisfies StoredForm) }
      : before
        ? { kind: 'delete', key }
        : { kind: 'keep' };
  }

  async function start<Args>(ctx: BotContext, flow: OutageFlow<Args>, args: Args): Promise<void> {
    const userId = ctx.from!.id;
    const threadId = threadOf(ctx);
    const before = await readForm(userId);
    const after = await startFlow(flow, formDeps(ctx.api, threadId), output(ctx.api, threadId, userId), {
      now: core.clock.now().getTime(),
      args,
      // A redelivered update starts the same run: its steps' keys find the work already done.
      run: `tg-staff:${ctx.update.update_id}`,
    });
    keep(ctx, userId, threadId, after, before);
  }

  async function resume(ctx: BotContext, stored: StoredForm, incoming: Incoming): Promise<void> {
    const userId = ctx.from!.id;
    const after = await resumeFlow(formsById.get(stored.form.flow)!, formDeps(ctx.api, stored.threadId), output(ctx.api, stored.threadId, userId), stored.form, incoming, {
      now: core.clock.now().getTime(),
    });
    keep(ctx, userId, stored.threadId, after, stored);
  }

  const composer = new Composer<BotContext>();
  const staff = composer.filter((ctx) => ctx.from !== undefined && !ctx.from.is_bot);
  staff.command('outage', (ctx) => start(ctx, announceOutageForm, { by: options.staffName(ctx) }));

  staff.command('outages', async (ctx) => {
    const open = await openOutages(core);
    const threadId = threadOf(ctx);
    if (open.length === 0) return send(ctx.api, threadId, outageDesk.noActive);
    await send(ctx.api, threadId, outageDesk.activeHeader(open.length));
    for (const outage of open) await postCard(ctx.api, threadId, outage);
  });

  staff.command('cancel', async (ctx) => {
    const stored = await readForm(ctx.from!.id);
    await send(ctx.api, threadOf(ctx), stored ? outageDesk.cancelled : outageDesk.nothingToCancel);
    keep(ctx, ctx.from!.id, null, null, stored);
  });

  staff.callbackQuery(outageCb.pattern, async (ctx) => {
    const outageId = Number(ctx.match[2]);
    const outage = await getOutage(core, outageId);
    if (!outage || outage.status !== 'announced') {
      await ctx.answerCallbackQuery({ text: outage ? outageDesk.alreadyClosed(outageId) : outageDesk.notFound });
      // An older card of a closed outage (/outages shows one per call): it loses its buttons too.
      const message = ctx.callbackQuery.message;
      if (outage && message) await formDeps(ctx.api, threadOf(ctx)).redrawCard(outageId, message.message_id);
      return;
    }
    await ctx.answerCallbackQuery();
    const cardMessageId = ctx.callbackQuery.message?.message_id ?? null;
    if (ctx.match[1] === 'end') await start(ctx, outageEndForm, { outageId, startsAt: outage.startsAt, endsAt: outage.endsAt, cardMessageId });
    else await start(ctx, closeOutageForm, { outageId, cardMessageId });
  });

  staff.on('callback_query:data', async (ctx, next) => {
    const choice = parseChoiceData(ctx.callbackQuery.data);
    if (!choice) return next();
    const stored = await readForm(ctx.from.id);
    if (!stored) {
      await ctx.answerCallbackQuery({ text: outageDesk.staleButton });
      return;
    }
    await ctx.answerCallbackQuery();
    await resume(ctx, stored, { kind: 'press', prompt: choice.prompt, id: choice.id });
    const message = ctx.callbackQuery.message;
    if (message) {
      // The pressed message's buttons go once the press is handled; a failed press keeps them to try again.
      await ctx.api
        .editMessageReplyMarkup(chatId, message.message_id, { reply_markup: { inline_keyboard: [] } })
        .catch((err: unknown) => logger.debug({ err: String(err) }, 'outage form buttons not removed'));
    }
  });

  staff.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const stored = await readForm(ctx.from.id);
    if (!stored || stored.threadId !== threadOf(ctx) || (await options.repliesToLetter(ctx))) return next();
    if (sameWords(ctx.message.text, outageDesk.cancelButton)) {
      await send(ctx.api, stored.threadId, outageDesk.cancelled);
      keep(ctx, ctx.from.id, stored.threadId, null, stored);
      return;
    }
    await resume(ctx, stored, { kind: 'text', text: ctx.message.text });
  });

  return composer;
}
