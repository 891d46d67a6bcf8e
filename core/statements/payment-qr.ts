// The payment QR code of the National Bank of Ukraine's rules for credit-transfer QR codes (format 002): a
// banking app that scans it fills in a transfer to the utility. The payload is 13 lines joined by LF, UTF-8,
// sent as https://bank.gov.ua/qr/ followed by its base64url (no padding).

export const NBU_QR_BASE = 'https://bank.gov.ua/qr/';

export interface CreditTransfer {
  receiver: string;
  iban: string;
  /** ЄДРПОУ (8 digits) or РНОКПП (10). */
  receiverCode: string;
  /** The amount to pay; left out (the payer types it) when null. */
  amountKop: number | null;
  purpose: string;
}

/** Field limits of format 002, in characters. */
export const NBU_LIMITS = { receiver: 70, purpose: 140 } as const;

/** One line of the payload: no line breaks inside (they separate fields), cut between whole characters. */
function field(value: string, max: number): string {
  return Array.from(value.replace(/[\r\n]+/g, ' ').trim()).slice(0, max).join('');
}

/** 25050 → "UAH250.50". */
export function nbuAmount(kop: number): string {
  return `UAH${Math.floor(kop / 100)}.${String(kop % 100).padStart(2, '0')}`;
}

/** The payload's text, field by field as the rules number them. */
export function nbuPayload(transfer: CreditTransfer): string {
  const amount = transfer.amountKop !== null && transfer.amountKop > 0 ? nbuAmount(transfer.amountKop) : '';
  return [
    'BCD', // 1 service tag
    '002', // 2 format version
    '1', // 3 encoding: 1 = UTF-8
    'UCT', // 4 function: Ukrainian credit transfer
    '', // 5 BIC: not used in Ukraine
    field(transfer.receiver, NBU_LIMITS.receiver), // 6 receiver's name
    transfer.iban.replace(/\s+/g, '').toUpperCase(), // 7 receiver's account (IBAN)
    amount, // 8 currency and amount
    transfer.receiverCode, // 9 receiver's code (ЄДРПОУ)
    '', // 10 reserved (a structured reference in format 003)
    '', // 11 reserved
    field(transfer.purpose, NBU_LIMITS.purpose), // 12 purpose of payment
    '', // 13 display text
  ].join('\n');
}

/** What the QR code carries: the NBU's address with the payload in base64url. */
export function nbuQrLink(transfer: CreditTransfer): string {
  return `${NBU_QR_BASE}${Buffer.from(nbuPayload(transfer), 'utf8').toString('base64url')}`;
}

/** The payload back from a link (tests, and anyone checking a printed code). */
export function decodeNbuQrLink(link: string): string[] | null {
  if (!link.startsWith(NBU_QR_BASE)) return null;
  return Buffer.from(link.slice(NBU_QR_BASE.length), 'base64url').toString('utf8').split('\n');
}

/** A Ukrainian IBAN: UA, two check digits, 25 digits, and the ISO 13616 mod-97 check equal to 1. */
export function isUkrainianIban(value: string): boolean {
  const iban = value.replace(/\s+/g, '').toUpperCase();
  if (!/^UA\d{27}$/.test(iban)) return false;
  const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}
