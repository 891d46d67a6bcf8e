import type { Spec } from 'vega';
import type { ConsumptionHistory } from '../../core/consumption/history.ts';
import { chartTexts } from '../texts/chart.ts';
import { CHART_FONT_FAMILY } from './fonts.ts';
import { svgToPng, type RenderedPng } from './svg-to-png.ts';

// The consumption chart as a Vega specification (a chart grammar: data, scales, marks), rendered headless to
// SVG and then to PNG. Sized for a phone: 1080 px wide, type of 24-40 px. Colours from Okabe and Ito's palette,
// told apart with any of the common colour-vision deficiencies; the current month is drawn lighter with a
// dashed outline and a label, so it is not told by colour alone; the average is a dashed line with its figure.

export const CHART_WIDTH = 1080;
export const CHART_HEIGHT = 860;

/** Okabe-Ito: blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow. */
export const CHART_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

export interface ConsumptionChart extends RenderedPng {
  /** How many bars stand on the baseline: months with any consumption drawn. */
  bars: number;
  /** The baseline's row in the PNG (y of 0 m³), for a reader that counts bars. */
  baselineY: number;
  /** Where the time went: Vega's scenegraph to SVG (on the event loop), resvg's SVG to PNG (on the thread pool). */
  timings: { svgMs: number; pngMs: number };
}

function seriesLabel(series: ConsumptionHistory['series'][number]): string {
  return series.meter ? chartTexts.meterSeries(series.meter.serial, series.meter.place) : chartTexts.billedSeries;
}

/**
 * The months' labels. Over 14 months the names at 24 px do not fit under each bar, so every second month is
 * named, counting back from the current one; the year is written where it changes.
 */
function axisLabels(months: readonly string[]): Record<string, string[]> {
  const step = months.length > 14 ? 2 : 1;
  let lastYear = '';
  const labels: Record<string, string[]> = {};
  months.forEach((month, i) => {
    if ((months.length - 1 - i) % step !== 0) {
      labels[month] = [''];
      return;
    }
    labels[month] = chartTexts.axisLabel(month, month.slice(0, 4) !== lastYear);
    lastYear = month.slice(0, 4);
  });
  return labels;
}

export function consumptionSpec(history: ConsumptionHistory, accountNumber: string): Spec {
  const labels = axisLabels(history.months);
  const names = history.series.map(seriesLabel);
  const rows = history.series.flatMap((series, order) =>
    history.months.flatMap((month, i) => {
      const value = series.values[i];
      return value === null || value === undefined || value <= 0 ? [] : [{ month, series: names[order]!, order, value, current: month === history.current }];
    }),
  );
  const currentIndex = history.months.indexOf(history.current);
  const currentTotal = currentIndex >= 0 ? (history.totals[currentIndex] ?? 0) : 0;
  const axisFont = { labelFont: CHART_FONT_FAMILY, titleFont: CHART_FONT_FAMILY, labelFontSize: 24, titleFontSize: 24, labelColor: '#222', titleColor: '#222' };
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    padding: { left: 24, right: 40, top: 24, bottom: 24 },
    autosize: { type: 'fit', contains: 'padding' },
    background: '#ffffff',
    title: {
      text: chartTexts.title,
      subtitle: chartTexts.subtitle(accountNumber, history.months[0]!, history.months.at(-1)!),
      anchor: 'start',
      font: CHART_FONT_FAMILY,
      subtitleFont: CHART_FONT_FAMILY,
      fontSize: 40,
      subtitleFontSize: 26,
      subtitleColor: '#333',
      offset: 24,
    },
    signals: [{ name: 'labels', value: labels }],
    data: [
      { name: 'months', values: history.months.map((month) => ({ month })) },
      {
        name: 'bars',
        values: rows,
        transform: [{ type: 'stack', groupby: ['month'], field: 'value', sort: { field: 'order' } }],
      },
      { name: 'average', values: history.average !== null && history.average > 0 ? [{ value: history.average }] : [] },
      { name: 'current', values: currentIndex >= 0 ? [{ month: history.current, total: currentTotal }] : [] },
      { name: 'empty', values: rows.length === 0 ? [{}] : [] },
    ],
    scales: [
      { name: 'x', type: 'band', domain: { data: 'months', field: 'month' }, range: 'width', paddingInner: 0.25, paddingOuter: 0.15 },
      {
        name: 'y',
        type: 'linear',
        // Room above the tallest bar for the current month's label; ticks at round steps up to the top.
        domain: [0, Math.max(1, ...history.totals.map((t) => t ?? 0), history.average ?? 0) * 1.12],
        range: 'height',
        nice: 6,
        zero: true,
      },
      { name: 'colour', type: 'ordinal', domain: names.length > 0 ? names : [chartTexts.billedSeries], range: CHART_COLOURS },
      { name: 'averageKey', type: 'ordinal', domain: history.average ? [chartTexts.averageLabel(history.average)] : [], range: ['#222'] },
    ] as Spec['scales'],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        labelLineHeight: 28,
        labelPadding: 8,
        ticks: false,
        domainColor: '#222',
        ...axisFont,
        encode: { labels: { update: { text: { signal: 'labels[datum.value]' }, fontWeight: { signal: `datum.value === '${history.current}' ? 'bold' : 'normal'` } } } },
      },
      { orient: 'left', scale: 'y', title: 'м³', grid: true, gridColor: '#d0d0d0', tickCount: 6, domain: false, ...axisFont },
    ],
    legends: [
      ...(names.length > 0 ? [{ fill: 'colour', orient: 'bottom', direction: 'vertical', symbolType: 'square', symbolSize: 500, labelFontSize: 24, labelFont: CHART_FONT_FAMILY, labelLimit: 900, rowPadding: 8, offset: 24 }] : []),
      // The average line's key, under the series: a dashed stroke like the line, with the figure.
      ...(history.average
        ? [{ stroke: 'averageKey', orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolDash: [14, 8], symbolStrokeWidth: 3, symbolSize: 900, labelFontSize: 24, labelFontWeight: 'bold', labelFont: CHART_FONT_FAMILY, labelLimit: 900 }]
        : []),
    ],
    marks: [
      {
        type: 'rect',
        name: 'bar',
        from: { data: 'bars' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'month' },
            width: { scale: 'x', band: 1 },
            y: { scale: 'y', field: 'y1' },
            y2: { scale: 'y', field: 'y0' },
            fill: { scale: 'colour', field: 'series' },
            fillOpacity: { signal: 'datum.current ? 0.5 : 1' },
            stroke: { signal: "datum.current ? '#222' : null" },
            strokeWidth: { value: 2 },
            strokeDash: { signal: 'datum.current ? [8, 5] : []' },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'current' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'month', band: 0.5 },
            y: { scale: 'y', field: 'total', offset: -12 },
            text: { value: chartTexts.currentLabel },
            align: { value: 'center' },
            baseline: { value: 'bottom' },
            font: { value: CHART_FONT_FAMILY },
            fontSize: { value: 24 },
            fontWeight: { value: 'bold' },
            fill: { value: '#222' },
          },
        },
      },
      {
        type: 'rule',
        from: { data: 'average' },
        encode: {
          enter: {
            x: { value: 0 },
            x2: { signal: 'width' },
            y: { scale: 'y', field: 'value' },
            stroke: { value: '#222' },
            strokeWidth: { value: 3 },
            strokeDash: { value: [14, 8] },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'empty' },
        encode: {
          enter: {
            x: { signal: 'width / 2' },
            y: { signal: 'height / 2' },
            text: { value: chartTexts.noBars },
            align: { value: 'center' },
            font: { value: CHART_FONT_FAMILY },
            fontSize: { value: 32 },
            fill: { value: '#555' },
          },
        },
      },
    ],
  } as Spec;
}

/** Draws the chart: Vega's headless view to SVG (no canvas), then resvg to PNG. */
export async function drawConsumptionChart(history: ConsumptionHistory, accountNumber: string): Promise<ConsumptionChart> {
  return drawing.run(() => draw(history, accountNumber));
}

/**
 * At most two pictures drawn at once per process: Vega's part runs on the event loop, and a burst of presses
 * must not starve the webhooks; the others wait their turn (each takes about half a second).
 */
const drawing = (() => {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      try {
        return await work();
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    },
  };
})();

async function draw(history: ConsumptionHistory, accountNumber: string): Promise<ConsumptionChart> {
  // Loaded on first use: the grammar is large, and most of the app never draws.
  const vega = await import('vega');
  const view = new vega.View(vega.parse(consumptionSpec(history, accountNumber)), { renderer: 'none' });
  try {
    const started = performance.now();
    const svg = await view.toSVG();
    const drawn = performance.now();
    const baseline = Math.round((view.origin()[1] ?? 0) + (view.scale('y') as (v: number) => number)(0));
    const rendered = await svgToPng(svg);
    const bars = history.months.filter((_, i) => history.series.some((s) => (s.values[i] ?? 0) > 0)).length;
    return { ...rendered, bars, baselineY: baseline, timings: { svgMs: drawn - started, pngMs: performance.now() - drawn } };
  } finally {
    view.finalize();
  }
}
