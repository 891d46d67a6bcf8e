import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font } from 'fontkit';

// DejaVu Sans from the dejavu-fonts-ttf package: Cyrillic, «₴» and «м³» all in one TrueType font, read from
// node_modules and embedded (subset) in each PDF; nothing is fetched at run time. The fonts are parsed once
// per process and the parsed fontkit objects handed to pdfkit (which takes one in place of bytes): parsing
// DejaVu anew for every document cost more than drawing the statement.

const require = createRequire(import.meta.url);

let loaded: { regular: Font; bold: Font } | undefined;

function parsed(path: string): Font {
  const font = create(readFileSync(require.resolve(path)));
  if (!('layout' in font)) throw new Error(`${path} is a font collection, not one font`);
  return font;
}

export function statementFonts(): { regular: Font; bold: Font } {
  loaded ??= {
    regular: parsed('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    bold: parsed('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  };
  return loaded;
}
