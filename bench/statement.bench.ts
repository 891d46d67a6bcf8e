// The monthly statement: how long drawing one PDF takes, beside what sending one document to the fake Telegram
// costs in the same run (grammY's sendDocument, a multipart upload over loopback HTTP, the fake storing it):
//   npm run bench:statement          (BENCH_ITEMS=40 by default)
// Statements are synthetic and varied (2–4 services, 0–3 payments, 1–3 meters, with and without the QR code);
// no database: what is measured is the drawing (pdfkit, DejaVu Sans subset, the QR code's vector modules) and
// the send. The first drawing in a process also loads pdfkit and parses the font: it is reported apart.
// BENCH_SAVE_PDF=file.pdf keeps the first measured statement (the README's picture is its page 1, by pdftoppm).
// A measurement: it exits 0 whatever the figures (1 only when it could not measure).
import { writeFileSync } from 'node:fs';
import { Bot, InputFile } from 'grammy';
import { FakeTelegram } from '../dev/fake-telegram/index.ts';
import type { Statement, UtilityDetails } from '../core/statements/index.ts';
import { ms, summarize } from './support/stats.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 40);

const withQr: UtilityDetails = {
  name: 'КП «Водоканал»',
  address: "м. Кам'янське, вул. Водопровідна, 1",
  edrpou: '03341316',
  iban: 'UA213223130000026007233566001',
  bank: 'АТ «Ощадбанк»',
  phone: '0 800 123 456',
};
const withoutQr: UtilityDetails = { name: 'КП «Водоканал»' };

function statementNo(i: number): Statement {
  const services = ['водопостачання', 'водовідведення', 'полив', 'зливові стоки'].slice(0, 2 + (i % 3));
  const charges = services.map((service, k) => ({ service, volumeM3: `${5 + ((i + k) % 7)}.000`, amountKop: 10_000 + ((i * 137 + k * 911) % 40_000) }));
  const chargedKop = charges.reduce((sum, c) => sum + c.amountKop, 0);
  const payments = Array.from({ length: i % 4 }, (_, k) => ({ paidOn: `2026-11-${String(5 + k * 7).padStart(2, '0')}`, amountKop: 5_000 + k * 1_250 }));
  const paidKop = payments.reduce((sum, p) => sum + p.amountKop, 0);
  const openingKop = ((i * 7_919) % 60_000) - 10_000;
  const closingKop = openingKop + chargedKop - paidKop;
  return {
    period: '2026-11-01',
    periodEnd: '2026-11-30',
    account: { number: String(1_000_100 + i), holder: 'Шевченко О. П.', address: `м. Кам'янське, вул. Соборна, ${i + 1}, кв. ${i + 5}` },
    openingKop,
    chargedKop,
    paidKop,
    closingKop,
    toPayKop: Math.max(closingKop, 0),
    charges,
    payments,
    meters: Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      serial: `M-${i}-${k}`,
      service: 'водопостачання',
      place: ['кухня', 'ванна', 'туалет'][k]!,
      startValue: 100 + i,
      startDate: '2026-10-24',
      endValue: 107 + i,
      endDate: '2026-11-24',
      verificationDue: '2029-03-01',
    })),
    issuedOn: '2026-12-05',
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const { renderStatementPdf } = await import('../bots/statements/statement-pdf.ts');
  const cold = await renderStatementPdf(statementNo(0), withQr);
  const coldMs = performance.now() - started;

  const renderMs: number[] = [];
  const sizes: number[] = [];
  let sample = cold;
  for (let i = 1; i <= ITEMS; i++) {
    const t0 = performance.now();
    const pdf = await renderStatementPdf(statementNo(i), i % 5 === 0 ? withoutQr : withQr);
    renderMs.push(performance.now() - t0);
    sizes.push(pdf.length);
    if (i === 1) sample = pdf;
  }
  if (process.env.BENCH_SAVE_PDF) writeFileSync(process.env.BENCH_SAVE_PDF, sample);

  const tg = await FakeTelegram.start();
  const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  const user = tg.user({ id: 700_001, first_name: 'Оксана' });
  const chatId = user.id;
  // One send before measuring: the first opens the HTTP connection.
  await bot.api.sendDocument(chatId, new InputFile(sample, 'rakhunok.pdf'));
  const sendMs: number[] = [];
  const textMs: number[] = [];
  for (let i = 0; i < ITEMS; i++) {
    let t0 = performance.now();
    await bot.api.sendDocument(chatId, new InputFile(sample, `rakhunok-${i}.pdf`), { caption: 'Рахунок за листопад 2026' });
    sendMs.push(performance.now() - t0);
    t0 = performance.now();
    await bot.api.sendMessage(chatId, 'Рахунок за листопад 2026');
    textMs.push(performance.now() - t0);
  }
  await tg.stop();

  const render = summarize(renderMs);
  const send = summarize(sendMs);
  const text = summarize(textMs);
  const size = summarize(sizes);
  console.log(`statement PDFs drawn: ${ITEMS} (+1 cold), sizes p50 ${(size.p50 / 1024).toFixed(1)} KiB, max ${(size.max / 1024).toFixed(1)} KiB`);
  console.log(`first statement in the process (pdfkit loaded, font parsed): ${ms(coldMs)}`);
  console.log(`render per statement:        p50 ${ms(render.p50)}  p90 ${ms(render.p90)}  max ${ms(render.max)}  mean ${ms(render.mean)}`);
  console.log(`sendDocument to fake Telegram: p50 ${ms(send.p50)}  p90 ${ms(send.p90)}  max ${ms(send.max)}  mean ${ms(send.mean)}`);
  console.log(`sendMessage (reference):     p50 ${ms(text.p50)}  p90 ${ms(text.p90)}  max ${ms(text.max)}`);
  console.log(`render / sendDocument (p50): ${(render.p50 / send.p50).toFixed(2)}×`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
