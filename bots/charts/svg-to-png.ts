import resvg from '@resvg/resvg-js';
import { CHART_FONT_FAMILY, chartFontFiles } from './fonts.ts';

// SVG to PNG with resvg (Rust, prebuilt for each platform in the npm package). renderAsync runs on libuv's
// thread pool, so a picture being drawn does not hold the event loop that answers webhooks.

export interface RenderedPng {
  png: Buffer;
  width: number;
  height: number;
}

export async function svgToPng(svg: string, options: { width?: number } = {}): Promise<RenderedPng> {
  const image = await resvg.renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: [...chartFontFiles], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    background: '#ffffff',
    ...(options.width ? { fitTo: { mode: 'width' as const, value: options.width } } : {}),
  });
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height };
}
