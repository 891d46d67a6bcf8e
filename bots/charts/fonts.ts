import { createRequire } from 'node:module';
import path from 'node:path';

// Fonts with Cyrillic, from a registry package (dejavu-fonts-ttf: DejaVu Sans, TrueType), so a picture is drawn
// the same on every machine and nothing is fetched while the app runs: the renderer loads these files only,
// never the system's fonts.

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const CHART_FONT_FAMILY = 'DejaVu Sans';
export const chartFontFiles: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => path.join(fontDir, file));
