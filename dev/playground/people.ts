import type { DemoAccount } from '../../core/billing/demo-data.ts';
import type { MemberStatus } from '../fake-telegram/state.ts';

// Who is in the playground from the first start: a few subscribers to switch between, and the staff who answer
// in the staff group. Ids are fixed, so a restart over the same database meets the same subscribers again.

export const STAFF_CHAT_ID = -1_000_000_000_001;
export const STAFF_CHAT_TITLE = 'Водоканал — працівники';
export const PLAYGROUND_TOKEN = 'playground';

export interface SubscriberSeed {
  id: number;
  firstName: string;
  lastName?: string;
  /** What "Поділитися телефоном" offers for this person. */
  phone: string;
}

export interface StaffSeed {
  id: number;
  firstName: string;
  lastName: string;
  role: Extract<MemberStatus, 'administrator' | 'member'>;
}

/** A phone no demo account has on record: linking then goes through the ownership proof. */
export const UNKNOWN_PHONE = '380501234567';

/** Oksana's phone is on her account in billing, so sharing it offers that account straight away. */
export function subscriberSeeds(demo: readonly DemoAccount[]): SubscriberSeed[] {
  const withPhone = demo.find((a) => a.phone !== null);
  return [
    { id: 100_000_001, firstName: 'Оксана', lastName: 'Шевченко', phone: withPhone?.phone ?? UNKNOWN_PHONE },
    { id: 100_000_002, firstName: 'Андрій', lastName: 'Бондаренко', phone: '380631234567' },
    { id: 100_000_003, firstName: 'Марія', phone: UNKNOWN_PHONE },
  ];
}

export interface ViberSubscriberSeed {
  /** Viber ids are opaque strings (base64-like); these are made up and never collide with a real one. */
  id: string;
  /** Viber gives one name, as the person wrote it in their profile. */
  name: string;
  phone: string;
}

/** The Viber stand-in's subscribers: a phone billing knows, and one it does not (linking by number and proof). */
export function viberSubscriberSeeds(demo: readonly DemoAccount[]): ViberSubscriberSeed[] {
  const withPhone = demo.find((a) => a.phone !== null);
  return [
    { id: 'pgViberHalyna000000001==', name: 'Галина Мельник', phone: withPhone?.phone ?? UNKNOWN_PHONE },
    { id: 'pgViberPetro0000000002==', name: 'Петро Кравець', phone: UNKNOWN_PHONE },
  ];
}

/** Viber subscribers added from the page get ids of this shape. */
export const viberAddedId = (n: number): string => `pgViberNew${String(n).padStart(12, '0')}==`;

/** The Viber stand-in's auth token: the bot signs nothing with it that leaves the machine. */
export const PLAYGROUND_VIBER_TOKEN = 'playground-viber';
export const VIBER_WEBHOOK_PATH = '/viber/webhook';

export const staffSeeds: readonly StaffSeed[] = [
  { id: 200_000_001, firstName: 'Ірина', lastName: 'Коваль', role: 'administrator' },
  { id: 200_000_002, firstName: 'Павло', lastName: 'Руденко', role: 'member' },
];

/** New subscribers added from the page get ids above the seeds. */
export const FIRST_ADDED_ID = 100_000_100;

// The demo data describes its households in English for developers; the tester reads Ukrainian.
const notes: Record<string, string> = {
  'phone number known to billing': 'телефон є в білінгу — у Telegram поділіться ним, і рахунок знайдеться сам (Viber номер не підтверджує)',
  'elderly holder, pays small sums': 'літня власниця, платить невеликі суми',
  'bathroom meter past its verification date; in debt': 'лічильник у ванній прострочив повірку; є борг',
  'private house with three meters': 'приватний будинок, три лічильники',
  'overpaid: negative balance': 'переплата (від’ємний борг)',
  'large debt': 'великий борг',
  'a plain account': 'звичайний рахунок',
  'surname starts with Ґ': 'прізвище на «Ґ»',
};

export function noteInUkrainian(note: string): string {
  const plain = note.replace(/\s*\(\d+\)\s*$/, '');
  return notes[plain] ?? note;
}
