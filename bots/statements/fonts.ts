import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// DejaVu Sans from the dejavu-fonts-ttf package: Cyrillic, «₴» and «м³» all in one TrueType font, read from
// node_modules once and embedded (subset) in each PDF; nothing is fetched at run time.

const require = createRequire(import.meta.url);

let loaded: { regular: Buffer; bold: Buffer } | undefined;

export function statementFonts(): { regular: Buffer; bold: Buffer } {
  loaded ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return loaded;
}
