import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CHART_COLOURS, CHART_WIDTH, drawConsumptionChart } from '../../../bots/charts/consumption-chart.ts';
import { consumptionFrom, type HistoryInput } from '../../../core/consumption/history.ts';

// The chart decoded back from its PNG: its size, that it is not blank, and its bars counted on the picture
// itself, along the row just above the baseline, as runs of the palette's colours.

function decoded(png: Buffer): PNG {
  return PNG.sync.read(png);
}

const palette = CHART_COLOURS.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number]);

/** Whether a pixel is one of the series colours, drawn solid or at the current month's lighter opacity on white. */
function isBar(r: number, g: number, b: number): boolean {
  return palette.some(([pr, pg, pb]) =>
    [1, 0.5].some((alpha) => {
      const [er, eg, eb] = [pr, pg, pb].map((c) => c * alpha + 255 * (1 - alpha)) as [number, number, number];
      return Math.abs(r - er) + Math.abs(g - eg) + Math.abs(b - eb) < 30;
    }),
  );
}

/** Runs of bar colour along one row. */
function barsOnRow(image: PNG, y: number): number {
  let runs = 0;
  let inside = false;
  for (let x = 0; x < image.width; x++) {
    const at = (y * image.width + x) * 4;
    const bar = isBar(image.data[at]!, image.data[at + 1]!, image.data[at + 2]!);
    if (bar && !inside) runs += 1;
    inside = bar;
  }
  return runs;
}

function distinctColours(image: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4 * 7) seen.add(image.data.readUInt32BE(i));
  return seen.size;
}

const months = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const [y, m] = from.split('-').map(Number) as [number, number];
    const index = y * 12 + m - 1 + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });

describe('the consumption chart', () => {
  it('is a 1080 px wide PNG with one bar per month that has consumption, gaps left empty', async () => {
    // Billing tells 14 of the last 18 months; three in the middle and the current one are missing.
    const billed = months('2025-07', 17)
      .filter((period) => !['2026-01', '2026-02', '2026-03'].includes(period))
      .map((period, i) => ({ period, volumeM3: 4 + (i % 4) }));
    const input: HistoryInput = { today: '2026-12-03', months: 24, meters: [], billed };
    const history = consumptionFrom(input);
    expect(history.months).toHaveLength(18);
    const chart = await drawConsumptionChart(history, '990001');
    const image = decoded(chart.png);
    expect([image.width, image.height]).toEqual([CHART_WIDTH, chart.height]);
    expect(image.height).toBeGreaterThan(600);
    expect(distinctColours(image)).toBeGreaterThan(20);
    expect(chart.bars).toBe(14);
    expect(barsOnRow(image, chart.baselineY - 4)).toBe(14);
    // Viber takes a picture of at most 1 MB.
    expect(chart.png.length).toBeLessThan(1024 * 1024);
  });

  it('stacks the meters of a month into one bar, the current month included', async () => {
    const point = (month: string, value: number) => ({ date: `${month}-01`, value });
    const history = consumptionFrom({
      today: '2026-12-20',
      months: 24,
      meters: [
        { meterId: 1, serial: 'K-1', place: 'кухня', digits: 5, points: [...months('2025-12', 13).map((m, i) => point(m, 100 + 5 * i)), { date: '2026-12-19', value: 163 }] },
        { meterId: 2, serial: 'B-2', place: 'ванна', digits: 5, points: [...months('2025-12', 13).map((m, i) => point(m, 10 + 2 * i)), { date: '2026-12-19', value: 36 }] },
      ],
      billed: [],
    });
    const chart = await drawConsumptionChart(history, '990002');
    const image = decoded(chart.png);
    expect(chart.bars).toBe(13);
    expect(barsOnRow(image, chart.baselineY - 4)).toBe(13);
  });

  it('draws an empty frame with a word, not a blank, when nothing is known', async () => {
    const chart = await drawConsumptionChart(consumptionFrom({ today: '2026-12-03', months: 24, meters: [], billed: [] }), '990003');
    const image = decoded(chart.png);
    expect(chart.bars).toBe(0);
    expect(barsOnRow(image, chart.baselineY - 4)).toBe(0);
    expect(distinctColours(image)).toBeGreaterThan(5);
  });
});
