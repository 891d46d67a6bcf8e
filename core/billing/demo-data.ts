import type { Database } from '../../models/database.ts';
import { localDate, type LocalDate } from '../calendar.ts';
import type { Clock } from '../clock.ts';
import { importBillingFiles } from './import-files.ts';

// A small, realistic city for a newcomer to try the bots on. It is written as billing CSV and goes through
// the importer, so demo data is checked exactly like real exports. Dates hang off the current month only,
// so loading it again the same month changes nothing.

export interface DemoAccount {
  number: string;
  surname: string;
  givenNames: string;
  address: string;
  phone: string | null;
  /** What a subscriber proves ownership with: the first three letters of the surname… */
  surnameStart: string;
  /** …or one of the last two payments, latest first. */
  lastPayments: { paidOn: LocalDate; amountKop: number }[];
  /** What makes this account worth trying. */
  note: string;
  /** The meters and their usual use, so a playground can give them a history (a leak warning needs one). */
  meters: { serial: string; monthlyM3: number }[];
}

interface Household {
  number: string;
  surname: string;
  givenNames: string;
  address: string;
  balanceKop: number;
  phone: string;
  /** Cubic metres a month, per meter. */
  meters: { serial: string; place: string; monthlyM3: number; overdue?: boolean }[];
  note: string;
}

const households: Household[] = [
  {
    number: '990001', surname: 'Шевченко', givenNames: 'Оксана Петрівна', address: "м. Кам'янське, вул. Соборна, 14, кв. 23",
    balanceKop: 0, phone: '380671112233', meters: [{ serial: 'КВ-204117', place: 'кухня', monthlyM3: 3 }, { serial: 'КВ-204118', place: 'ванна', monthlyM3: 4 }],
    note: 'phone number known to billing (380671112233)',
  },
  {
    number: '990002', surname: 'Коваленко', givenNames: 'Марія Степанівна', address: "м. Кам'янське, просп. Свободи, 51, кв. 7",
    balanceKop: 0, phone: '', meters: [{ serial: 'ГВ-55012', place: 'кухня', monthlyM3: 2 }],
    note: 'elderly holder, pays small sums',
  },
  {
    number: '990003', surname: 'Бондаренко', givenNames: 'Андрій Васильович', address: "м. Кам'янське, вул. Тараса Шевченка, 3, кв. 41",
    balanceKop: 48_230, phone: '', meters: [{ serial: 'ЛЧ-100345', place: 'кухня', monthlyM3: 3 }, { serial: 'ЛЧ-100346', place: 'ванна', monthlyM3: 5, overdue: true }],
    note: 'bathroom meter past its verification date; in debt',
  },
  {
    number: '990004', surname: 'Ткаченко', givenNames: 'Ірина Олександрівна', address: "м. Кам'янське, вул. Соборна, 7",
    balanceKop: 0, phone: '', meters: [{ serial: 'ВС-7781', place: 'кухня', monthlyM3: 6 }, { serial: 'ВС-7782', place: 'ванна', monthlyM3: 5 }, { serial: 'ВС-7783', place: 'двір', monthlyM3: 2 }],
    note: 'private house with three meters',
  },
  {
    number: '990005', surname: 'Мельник', givenNames: 'Юрій Петрович', address: "м. Кам'янське, просп. Свободи, 12, кв. 90",
    balanceKop: -15_000, phone: '', meters: [{ serial: 'МТ-30021', place: 'кухня', monthlyM3: 4 }],
    note: 'overpaid: negative balance',
  },
  {
    number: '990006', surname: 'Олійник', givenNames: 'Галина Миколаївна', address: "м. Кам'янське, вул. Тараса Шевченка, 28, кв. 5",
    balanceKop: 112_575, phone: '', meters: [{ serial: 'ОЛ-11802', place: 'кухня', monthlyM3: 3 }, { serial: 'ОЛ-11803', place: 'ванна', monthlyM3: 3 }],
    note: 'large debt',
  },
  {
    number: '990007', surname: 'Кравченко', givenNames: 'Сергій Анатолійович', address: "м. Кам'янське, вул. Сиротенка, 9, кв. 14",
    balanceKop: 0, phone: '', meters: [{ serial: 'КР-4410', place: 'кухня', monthlyM3: 5 }],
    note: 'a plain account',
  },
  {
    number: '990008', surname: 'Ґудзь', givenNames: 'Євген Іванович', address: "м. Кам'янське, просп. Аношкіна, 96, кв. 33",
    balanceKop: 2_350, phone: '', meters: [{ serial: 'ҐД-9001', place: 'кухня', monthlyM3: 2 }, { serial: 'ҐД-9002', place: 'ванна', monthlyM3: 3 }],
    note: 'surname starts with Ґ',
  },
];

const TARIFF_KOP_PER_M3 = { водопостачання: 3_288, водовідведення: 1_986 };

/** 'YYYY-MM' of the month `back` months before `month`. */
function monthBefore(month: string, back: number): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

interface DemoFiles {
  accounts: string;
  meters: string;
  charges: string;
  payments: string;
  lastPayments: Map<string, { paidOn: LocalDate; amountKop: number }[]>;
}

const money = (kop: number) => `${kop < 0 ? '-' : ''}${Math.floor(Math.abs(kop) / 100)}.${String(Math.abs(kop) % 100).padStart(2, '0')}`;

function demoFiles(today: LocalDate): DemoFiles {
  const thisMonth = today.slice(0, 7);
  const months = Array.from({ length: 12 }, (_, i) => monthBefore(thisMonth, 12 - i));
  const accounts = ['account;surname;given_names;address;balance;phone'];
  const meters = ['account;meter;service;place;last_reading;last_reading_date;verification_due;digits'];
  const charges = ['account;period;service;volume;amount'];
  const payments = ['account;date;amount'];
  const lastPayments = new Map<string, { paidOn: LocalDate; amountKop: number }[]>();

  households.forEach((h, n) => {
    accounts.push([h.number, h.surname, h.givenNames, h.address, money(h.balanceKop), h.phone].join(';'));
    h.meters.forEach((m, i) => {
      const due = m.overdue ? `${monthBefore(thisMonth, 2)}-01` : `${2029 + ((n + i) % 3)}-0${1 + ((n * 3 + i) % 9)}-01`;
      const reading = 100 + 37 * n + 11 * i + m.monthlyM3 * 12;
      meters.push([h.number, m.serial, 'водопостачання', m.place, reading, `${monthBefore(thisMonth, 1)}-25`, due, 5].join(';'));
    });
    const paid: { paidOn: LocalDate; amountKop: number }[] = [];
    months.forEach((month, k) => {
      // Consumption varies a little from month to month, so consecutive payments differ.
      const volume = h.meters.reduce((sum, m) => sum + m.monthlyM3, 0) + ((n + k) % 3) - 1;
      const water = volume * TARIFF_KOP_PER_M3.водопостачання;
      const drainage = volume * TARIFF_KOP_PER_M3.водовідведення;
      charges.push([h.number, month, 'водопостачання', `${volume}.000`, money(water)].join(';'));
      charges.push([h.number, month, 'водовідведення', `${volume}.000`, money(drainage)].join(';'));
      // The elderly holder pays a round sum; the others pay what was charged.
      const amountKop = h.note.startsWith('elderly') ? 20_000 + ((k % 2) * 5_000) : water + drainage;
      const paidOn = `${month}-${String(8 + ((n + k) % 12)).padStart(2, '0')}`;
      payments.push([h.number, paidOn, money(amountKop)].join(';'));
      paid.unshift({ paidOn, amountKop });
    });
    lastPayments.set(h.number, paid.slice(0, 2));
  });
  const text = (lines: string[]) => `${lines.join('\n')}\n`;
  return { accounts: text(accounts), meters: text(meters), charges: text(charges), payments: text(payments), lastPayments };
}

/** Loads (or refreshes) the demo households; running it twice the same month changes nothing. */
export async function loadDemoData(db: Database, clock: Clock, timeZone = 'Europe/Kyiv'): Promise<DemoAccount[]> {
  const files = demoFiles(localDate(clock.now(), timeZone));
  const results = await importBillingFiles(
    db,
    (['accounts', 'meters', 'charges', 'payments'] as const).map((kind) => ({ buffer: Buffer.from(files[kind]), name: `demo-${kind}.csv` })),
  );
  const rejected = results.filter((r) => r.outcome.kind === 'rejected');
  if (rejected.length > 0) throw new Error(`demo data was rejected by the importer: ${JSON.stringify(rejected)}`);
  return households.map((h) => ({
    number: h.number,
    surname: h.surname,
    givenNames: h.givenNames,
    address: h.address,
    phone: h.phone === '' ? null : h.phone,
    surnameStart: h.surname.slice(0, 3),
    lastPayments: files.lastPayments.get(h.number)!,
    note: h.note,
    meters: h.meters.map((m) => ({ serial: m.serial, monthlyM3: m.monthlyM3 })),
  }));
}
