import { consumptionHistory } from '../../core/consumption/history.ts';
import { cachedMedia, findCachedMedia } from '../../core/media/store.ts';
import { drawConsumptionChart } from '../charts/consumption-chart.ts';
import { accounts } from '../texts/accounts.ts';
import { chartTexts } from '../texts/chart.ts';
import type { Chat, Choices } from './chat.ts';
import { choose } from './kit.ts';
import type { FlowDeps } from './router.ts';

// «Графік споживання» of an account: its consumption history from core, drawn once per data version (the
// picture is cached under the account and the history's digest), said with the choices the caller offers.
// Drawing takes a moment (about half a second; more on the first one after a start): «Готую графік…» is said
// first when the picture is not cached, so the subscriber sees an answer at once.

/** Bump when the drawing changes: every account's chart is drawn anew. */
const CHART_DESIGN = 'v1';
const WEEK_MS = 7 * 86_400_000;

/** Shows the chart and waits for one of `choices`; null when there is nothing to draw or the account is not linked (said). */
export async function showConsumptionChart(chat: Chat, deps: FlowDeps, accountId: number, choices: Choices): Promise<string | null> {
  const keepMs = deps.media?.keepMs ?? WEEK_MS;
  const found = await chat.step(() => consumptionHistory(deps.core, { subscriberId: chat.subscriberId, accountId }));
  if (found.kind === 'not-linked') {
    await chat.say(accounts.notLinked, { keyboard: 'menu' });
    return null;
  }
  const { history, accountNumber } = found;
  if (history.source === 'none') {
    await chat.say(chartTexts.noData, { keyboard: 'menu' });
    return null;
  }
  const cacheKey = `consumption-chart:${CHART_DESIGN}:account:${accountId}:${history.version}`;
  const filename = chartTexts.fileName(accountNumber);
  let media = await chat.step(() => findCachedMedia(deps.core, cacheKey, keepMs));
  if (!media) {
    await chat.say(chartTexts.preparing);
    media = await chat.step(() =>
      cachedMedia(deps.core, {
        cacheKey,
        keepMs,
        make: async () => ({ contentType: 'image/png', filename, bytes: (await drawConsumptionChart(history, accountNumber)).png }),
      }),
    );
  }
  return choose(chat, chartTexts.caption(accountNumber, history.average), choices, { media: { kind: 'photo', mediaId: media.id, filename } });
}
