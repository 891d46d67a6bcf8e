import { createRequire } from 'node:module';
import jsqr from 'jsqr';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// Reading a PDF the app made, as a person's viewer would: pdf.js (Mozilla's) extracts the text and renders a
// page (on @napi-rs/canvas, pdf.js's own canvas for Node), and jsQR reads any QR code on the rendering.

const require = createRequire(import.meta.url);
// jsqr is CommonJS whose module.exports is the function and also carries it as `default`; NodeNext types the
// default import as the module object, so take `default` from it.
const jsQR = jsqr.default;
const standardFontDataUrl = `${require.resolve('pdfjs-dist/package.json').replace(/package\.json$/, '')}standard_fonts/`;

async function open(pdf: Buffer) {
  return getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, isEvalSupported: false, verbosity: 0 }).promise;
}

export interface PdfFacts {
  pages: number;
  /** Each page's text, its lines joined by "\n". */
  text: string[];
  /** Page 1's size in points. */
  width: number;
  height: number;
  /** The document's information dictionary (Title, Author, CreationDate…). */
  info: Record<string, unknown>;
}

export async function readPdf(pdf: Buffer): Promise<PdfFacts> {
  const doc = await open(pdf);
  const text: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    let pageText = '';
    for (const item of content.items) {
      if ('str' in item) pageText += item.str + (item.hasEOL ? '\n' : '');
    }
    text.push(pageText);
  }
  const first = await doc.getPage(1);
  const [, , width, height] = first.view as [number, number, number, number];
  const info = (await doc.getMetadata()).info as unknown as Record<string, unknown>;
  await doc.destroy();
  return { pages: text.length, text, width, height, info };
}

/** Renders a page and reads the QR codes jsQR finds on it (it finds one per call: the page's one code). */
export async function readQrOnPage(pdf: Buffer, pageNumber = 1, scale = 3): Promise<string | null> {
  const doc = await open(pdf);
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale });
  // pdf.js's own canvas factory (on @napi-rs/canvas in Node); its types are the browser's, which this project's lib leaves out.
  type Context = { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } };
  const canvasFactory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: unknown; context: Context } } }).canvasFactory;
  const { canvas, context } = canvasFactory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<typeof page.render>[0]).promise;
  const image = context.getImageData(0, 0, Math.ceil(viewport.width), Math.ceil(viewport.height));
  await doc.destroy();
  return jsQR(image.data, image.width, image.height)?.data ?? null;
}
