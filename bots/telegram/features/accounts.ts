import { Composer } from 'grammy';
import { accountView, listLinkedAccounts, unlinkAccount } from '../../../core/accounts/index.ts';
import type { AccountViewOutcome } from '../../../core/accounts/index.ts';
import { accounts } from '../../texts/accounts.ts';
import { menu } from '../../texts/menu.ts';
import { cb } from '../callback-data.ts';
import type { BotContext, TelegramDeps } from '../context.ts';
import { accountKeyboard, accountsKeyboard, unlinkConfirmKeyboard } from '../keyboards/inline.ts';
import { mainMenuKeyboard } from '../keyboards/main-menu.ts';
import type { TelegramFeature } from './feature.ts';

/** Telegram refuses messages over 4096 characters; a long history is cut rather than lost. */
const MESSAGE_MAX = 4000;

export function accountDetailsText(view: Extract<AccountViewOutcome, { kind: 'view' }>): string {
  const section = (header: string, lines: string[]) => `${header}\n${lines.length > 0 ? lines.join('\n') : accounts.emptyHistory}`;
  const text = [
    accounts.summary(view.account),
    section(accounts.chargesHeader, view.charges.map(accounts.charge)),
    section(accounts.paymentsHeader, view.payments.map(accounts.payment)),
    section(accounts.readingsHeader, view.readings.map(accounts.reading)),
  ].join('\n\n');
  return text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text;
}

export const accountsFeature: TelegramFeature = {
  name: 'accounts',
  composer: (deps: TelegramDeps) => {
    const composer = new Composer<BotContext>();
    const chat = composer.chatType('private');

    const list = async (ctx: BotContext) => {
      const linked = await listLinkedAccounts(deps.core, ctx.subscriber!.id);
      if (linked.length === 0) {
        await ctx.reply(accounts.none, { reply_markup: mainMenuKeyboard() });
        return;
      }
      const text = [accounts.header, ...linked.map((a) => accounts.summary(a))].join('\n\n');
      await ctx.reply(text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text, { reply_markup: accountsKeyboard(linked) });
    };
    chat.command('accounts', list);
    chat.hears(menu.accounts, list);

    chat.callbackQuery(cb.openAccountPattern, async (ctx) => {
      const view = await accountView(deps.core, { subscriberId: ctx.subscriber!.id, accountId: Number(ctx.match[1]) });
      if (view.kind === 'not-linked') {
        await ctx.answerCallbackQuery({ text: accounts.notLinked });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.reply(accountDetailsText(view), { reply_markup: accountKeyboard(view.account.accountId) });
    });

    chat.callbackQuery(cb.unlinkAskPattern, async (ctx) => {
      const view = await accountView(deps.core, { subscriberId: ctx.subscriber!.id, accountId: Number(ctx.match[1]) });
      if (view.kind === 'not-linked') {
        await ctx.answerCallbackQuery({ text: accounts.notLinked });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.reply(accounts.confirmUnlink(view.account.number, view.account.address), {
        reply_markup: unlinkConfirmKeyboard(view.account.accountId),
      });
    });

    chat.callbackQuery(cb.unlinkYesPattern, async (ctx) => {
      const accountId = Number(ctx.match[1]);
      const subscriberId = ctx.subscriber!.id;
      const view = await accountView(deps.core, { subscriberId, accountId });
      const outcome = await unlinkAccount(deps.core, { subscriberId, accountId });
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      if (outcome.kind === 'not-linked' || view.kind === 'not-linked') {
        await ctx.answerCallbackQuery({ text: accounts.notLinked });
        return;
      }
      await ctx.answerCallbackQuery();
      await ctx.reply(accounts.unlinked(view.account.number), { reply_markup: mainMenuKeyboard() });
    });

    chat.callbackQuery(cb.unlinkNo, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(accounts.kept, { reply_markup: mainMenuKeyboard() });
    });
    return composer;
  },
};
