import PDFDocument from 'pdfkit';
import type { Statement, UtilityDetails } from '../../core/statements/index.ts';
import { nbuQrLink } from '../../core/statements/index.ts';
import { statements } from '../texts/statements.ts';
import { statementFonts } from './fonts.ts';
import { paymentQrMatrix } from './payment-qr-code.ts';

// The statement as an A4 PDF: the utility's details, the account, the period's balances, charges, payments,
// meters, and (with IBAN and ЄДРПОУ configured) the NBU payment QR code. One page for an ordinary account; a
// long one flows on to a second.

const t = statements.pdf;
const PAGE = { width: 595.28, height: 841.89, margin: 42 };
const CONTENT = PAGE.width - 2 * PAGE.margin;
const INK = '#1a1a1a';
const MUTED = '#555555';
const RULE = '#b8c4cc';
const BAND = '#eef3f6';

type Doc = PDFKit.PDFDocument;

interface Column {
  width: number;
  align?: 'left' | 'right';
}

/** The payment QR code is printed when both the IBAN and the ЄДРПОУ are configured; it carries the debt, if any. */
export function statementQrLink(statement: Statement, utility: UtilityDetails): string | null {
  if (!utility.iban || !utility.edrpou) return null;
  return nbuQrLink({
    receiver: utility.name,
    iban: utility.iban,
    receiverCode: utility.edrpou,
    amountKop: statement.toPayKop > 0 ? statement.toPayKop : null,
    purpose: t.purpose(statement.account.number, statement.period),
  });
}

export async function renderStatementPdf(statement: Statement, utility: UtilityDetails): Promise<Buffer> {
  const fonts = statementFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    info: {
      Title: t.subject(statement.account.number, statement.period),
      Author: utility.name,
      Subject: t.subject(statement.account.number, statement.period),
      CreationDate: new Date(`${statement.issuedOn}T00:00:00Z`),
    },
    compress: true,
  });
  // pdfkit takes a parsed fontkit font (PDFFontFactory.open checks for `layout`); its types list only bytes and names.
  doc.registerFont('regular', fonts.regular as unknown as PDFKit.Mixins.PDFFontSource);
  doc.registerFont('bold', fonts.bold as unknown as PDFKit.Mixins.PDFFontSource);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  let y = PAGE.margin;
  const room = (height: number) => {
    if (y + height > PAGE.height - PAGE.margin) {
      doc.addPage();
      y = PAGE.margin;
    }
  };
  const write = (text: string, options: { font?: 'regular' | 'bold'; size?: number; color?: string; x?: number; width?: number; align?: 'left' | 'right' | 'center' } = {}) => {
    doc.font(options.font ?? 'regular').fontSize(options.size ?? 9.5).fillColor(options.color ?? INK);
    const width = options.width ?? CONTENT;
    doc.text(text, options.x ?? PAGE.margin, y, { width, align: options.align ?? 'left' });
    return doc.heightOfString(text, { width });
  };
  const line = (text: string, options: Parameters<typeof write>[1] = {}) => {
    y += write(text, options) + 2;
  };
  const rule = (color = RULE) => {
    doc.moveTo(PAGE.margin, y).lineTo(PAGE.margin + CONTENT, y).lineWidth(0.6).strokeColor(color).stroke();
  };
  const heading = (text: string) => {
    room(40);
    y += 10;
    line(text, { font: 'bold', size: 11 });
    rule();
    y += 4;
  };
  const row = (cells: string[], columns: Column[], options: { font?: 'regular' | 'bold'; band?: boolean } = {}) => {
    doc.font(options.font ?? 'regular').fontSize(9.5);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: columns[i]!.width - 6 }))) + 5;
    room(height);
    if (options.band) doc.rect(PAGE.margin, y - 2, CONTENT, height).fill(BAND);
    let x = PAGE.margin;
    cells.forEach((cell, i) => {
      const column = columns[i]!;
      write(cell, { font: options.font ?? 'regular', x: x + 3, width: column.width - 6, align: column.align ?? 'left' });
      x += column.width;
    });
    y += height;
  };

  // The utility.
  line(utility.name, { font: 'bold', size: 13 });
  const details = [
    utility.address,
    utility.edrpou ? t.edrpou(utility.edrpou) : undefined,
    utility.iban ? t.iban(utility.iban) : undefined,
    utility.bank ? t.bank(utility.bank) : undefined,
    utility.phone ? t.phone(utility.phone) : undefined,
  ].filter((d): d is string => Boolean(d));
  if (details.length > 0) line(details.join(' · '), { size: 8.5, color: MUTED });
  y += 6;
  rule(INK);
  y += 12;

  // The statement and the account.
  line(t.title(statement.period), { font: 'bold', size: 17 });
  line(t.periodLine(statement.period, statement.periodEnd), { color: MUTED });
  y += 6;
  const labelled: Column[] = [{ width: 120 }, { width: CONTENT - 120 }];
  row([t.account, statement.account.number], labelled, { font: 'bold' });
  row([t.holder, statement.account.holder], labelled);
  row([t.address, statement.account.address], labelled);

  // The period's balances.
  heading(t.summaryHeader);
  const sums: Column[] = [{ width: CONTENT - 140 }, { width: 140, align: 'right' }];
  row([t.opening(statement.openingKop), t.money(statement.openingKop)], sums);
  row([t.charged, t.money(statement.chargedKop)], sums);
  row([t.paid, t.money(statement.paidKop)], sums);
  row([t.closing(statement.closingKop), t.money(statement.closingKop)], sums, { font: 'bold', band: true });

  // Charges by service.
  heading(t.chargesHeader);
  const charges: Column[] = [{ width: CONTENT - 240 }, { width: 100, align: 'right' }, { width: 140, align: 'right' }];
  row([t.service, t.volume, t.amount], charges, { font: 'bold' });
  for (const c of statement.charges) row([c.service, t.volumeOf(c.volumeM3), t.money(c.amountKop)], charges);
  row([t.total, '', t.money(statement.chargedKop)], charges, { font: 'bold', band: true });

  // Payments.
  heading(t.paymentsHeader);
  if (statement.payments.length === 0) line(t.noPayments, { color: MUTED });
  else {
    const payments: Column[] = [{ width: CONTENT - 140 }, { width: 140, align: 'right' }];
    row([t.paidOn, t.amount], payments, { font: 'bold' });
    for (const p of statement.payments) row([t.dueDay(p.paidOn), t.money(p.amountKop)], payments);
  }

  // Meters.
  heading(t.metersHeader);
  if (statement.meters.length === 0) line(t.noMeters, { color: MUTED });
  else {
    const meters: Column[] = [{ width: CONTENT - 330 }, { width: 125, align: 'right' }, { width: 125, align: 'right' }, { width: 80, align: 'right' }];
    row([t.meter, t.startReading, t.endReading, t.verification], meters, { font: 'bold' });
    for (const m of statement.meters) {
      row([t.meterName(m.serial, m.service, m.place), t.reading(m.startValue, m.startDate), t.reading(m.endValue, m.endDate), t.dueDay(m.verificationDue)], meters);
    }
  }

  // Payment.
  const link = statementQrLink(statement, utility);
  if (link) drawQrBlock(doc, link, statement, () => y, (next) => (y = next), room);
  else {
    y += 10;
    line(t.noQr, { color: MUTED });
  }

  room(30);
  y += 14;
  line(t.issued(statement.issuedOn), { size: 8, color: MUTED });
  doc.end();
  return done;
}

const QR_SIDE = 150;

/** The QR code drawn as vector squares (sharp at any zoom and in print), the hryvnia sign in a white circle. */
function drawQrBlock(doc: Doc, link: string, statement: Statement, getY: () => number, setY: (y: number) => void, room: (h: number) => void) {
  room(QR_SIDE + 50);
  let y = getY() + 14;
  doc.font('bold').fontSize(11).fillColor(INK).text(t.qrHeader, PAGE.margin, y, { width: CONTENT });
  y += 18;
  const matrix = paymentQrMatrix(link);
  // Four modules of quiet zone all round, as the QR standard asks.
  const module = QR_SIDE / (matrix.size + 8);
  const left = PAGE.margin;
  doc.rect(left, y, QR_SIDE, QR_SIDE).fill('#ffffff');
  for (let r = 0; r < matrix.size; r++) {
    for (let c = 0; c < matrix.size; c++) {
      if (matrix.dark(r, c)) doc.rect(left + (c + 4) * module, y + (r + 4) * module, module + 0.05, module + 0.05);
    }
  }
  doc.fill('#000000');
  const cx = left + QR_SIDE / 2;
  const cy = y + QR_SIDE / 2;
  const radius = module * 5.5;
  doc.circle(cx, cy, radius).fill('#ffffff');
  doc.font('bold').fontSize(radius * 1.25).fillColor('#000000');
  const sign = '₴';
  doc.text(sign, cx - doc.widthOfString(sign) / 2, cy - doc.currentLineHeight() / 2, { lineBreak: false });

  const textLeft = left + QR_SIDE + 16;
  const textWidth = CONTENT - QR_SIDE - 16;
  let ty = y + 6;
  const put = (text: string, font: 'regular' | 'bold', size: number, color = INK) => {
    doc.font(font).fontSize(size).fillColor(color).text(text, textLeft, ty, { width: textWidth });
    ty += doc.heightOfString(text, { width: textWidth }) + 6;
  };
  put(t.toPay(statement.toPayKop), 'bold', 13);
  put(t.qrHint, 'regular', 9.5, MUTED);
  put(t.purposeLabel, 'bold', 9.5);
  put(t.purpose(statement.account.number, statement.period), 'regular', 9.5);
  setY(Math.max(y + QR_SIDE, ty));
}
