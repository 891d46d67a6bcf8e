// Drawing a consumption chart, beside the cost of sending one photo to the fake Telegram in the same run:
//   npm run bench:media            (BENCH_CHARTS=40 charts, BENCH_SENDS=40 photos)
// BENCH_CHART_PNG=docs/consumption-chart.png also writes the first chart there (the README shows it).
// Each chart is of its own data (a two-meter account, 24 months, figures varied per item), so nothing is
// reused between items but the loaded modules; the first one, which loads Vega and the fonts, is reported on
// its own. Each send is grammY's sendPhoto of the chart's PNG as a multipart upload to the fake Bot API over
// loopback HTTP (the fake checks the image's size and proportions as Telegram does): what the Telegram adapter
// does for every chart it sends. The cached path (a chart already drawn for the same data) costs a send only.
// A measurement: it exits 0 whatever the figures (1 only when it could not measure).
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { Bot, InputFile } from 'grammy';
import { drawConsumptionChart } from '../bots/charts/consumption-chart.ts';
import { consumptionFrom, monthBefore, type HistoryInput } from '../core/consumption/history.ts';
import { FakeTelegram } from '../dev/fake-telegram/index.ts';
import { ms, summarize } from './support/stats.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CHARTS = env('BENCH_CHARTS', 40);
const SENDS = env('BENCH_SENDS', 40);

/** A two-meter account over 24 months, its monthly figures varied by `seed`. */
function historyOf(seed: number): HistoryInput {
  const today = '2026-12-05';
  const months = Array.from({ length: 24 }, (_, i) => monthBefore('2026-12', 23 - i));
  const meterOf = (meterId: number, base: number) => {
    let value = 100 * meterId;
    const points = months.map((month, i) => {
      value += base + ((seed * 7 + i * 3 + meterId) % 5);
      return { date: `${month}-01`, value };
    });
    return { meterId, serial: `B-${meterId}`, place: meterId === 1 ? 'кухня' : 'ванна', digits: 5, points: [...points, { date: '2026-12-04', value: value + 1 }] };
  };
  return { today, months: 24, meters: [meterOf(1, 4), meterOf(2, 2)], billed: [] };
}

async function main(): Promise<void> {
  console.log(`media bench: ${CHARTS} charts, ${SENDS} photo sends; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  let started = performance.now();
  const first = await drawConsumptionChart(consumptionFrom(historyOf(0)), '990001');
  const coldMs = performance.now() - started;
  if (process.env.BENCH_CHART_PNG) await writeFile(process.env.BENCH_CHART_PNG, first.png);
  const draws: number[] = [];
  const svgs: number[] = [];
  const pngs: number[] = [];
  let bytes = 0;
  for (let i = 1; i <= CHARTS; i++) {
    const history = consumptionFrom(historyOf(i));
    started = performance.now();
    const chart = await drawConsumptionChart(history, String(990_000 + i));
    draws.push(performance.now() - started);
    bytes += chart.png.length;
    svgs.push(chart.timings.svgMs);
    pngs.push(chart.timings.pngMs);
  }

  const tg = await FakeTelegram.start();
  const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  const user = tg.user({ id: 777_001, first_name: 'Олена' });
  const sends: number[] = [];
  try {
    // One untimed send: the connection and grammY's first call.
    await bot.api.sendPhoto(user.id, new InputFile(first.png, 'chart.png'));
    for (let i = 0; i < SENDS; i++) {
      started = performance.now();
      await bot.api.sendPhoto(user.id, new InputFile(first.png, 'chart.png'), { caption: 'Графік споживання' });
      sends.push(performance.now() - started);
    }
  } finally {
    await tg.stop();
  }

  const draw = summarize(draws);
  const send = summarize(sends);
  console.log(`chart: ${first.width}×${first.height} px, ${(bytes / CHARTS / 1024).toFixed(0)} KB PNG on average`);
  console.log(`first chart (loads Vega and the fonts): ${ms(coldMs)}`);
  console.log(`draw one chart:   p50 ${ms(draw.p50)}, p90 ${ms(draw.p90)}, max ${ms(draw.max)}, mean ${ms(draw.mean)} (${draw.count} items)`);
  console.log(`  of it Vega to SVG p50 ${ms(summarize(svgs).p50)} (event loop), resvg to PNG p50 ${ms(summarize(pngs).p50)} (thread pool)`);
  console.log(`send one photo:   p50 ${ms(send.p50)}, p90 ${ms(send.p90)}, max ${ms(send.max)}, mean ${ms(send.mean)} (${send.count} sends to the fake Telegram)`);
  console.log(`drawing / sending (p50): ${(draw.p50 / send.p50).toFixed(1)}×`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
