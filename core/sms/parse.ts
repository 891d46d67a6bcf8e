// What a subscriber types in an SMS, read forgivingly: any case, commas or spaces between the parts, a serial
// typed with Latin letters that look like Cyrillic ones (phones often switch the keyboard), «ХВ 001» for «ХВ-001».

/** One reading in an SMS: which meter (null: the phone's only meter) and the value as typed (digits). */
export interface TypedReading {
  target: string | null;
  value: string;
}

export type ParsedSms =
  | { kind: 'readings'; readings: TypedReading[] }
  | { kind: 'confirm' }
  | { kind: 'help' }
  | { kind: 'stop' }
  | { kind: 'unreadable' };

/** More pairs than this in one SMS are not readings of one household (and the reply must stay two parts). */
export const MAX_READINGS_PER_SMS = 4;

const LOOKALIKES: Record<string, string> = {
  A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', I: 'І', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', Y: 'У',
};

/** A serial or a word as compared: upper case, Latin look-alikes made Cyrillic, only letters and digits left. */
export function matchKey(text: string): string {
  return [...text.toUpperCase()]
    .map((char) => LOOKALIKES[char] ?? char)
    .join('')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

// Compared as matchKey makes them, so «Tak», «так» and «TAK» are all «ТАК».
const words = (...list: string[]) => new Set(list.map(matchKey));
const CONFIRM = words('ТАК', 'TAK', 'YES');
const HELP = words('ДОПОМОГА', 'ДОВІДКА', 'HELP');
const STOP = words('СТОП', 'STOP');

export function parseSms(raw: string): ParsedSms {
  const whole = matchKey(raw);
  if (CONFIRM.has(whole)) return { kind: 'confirm' };
  if (HELP.has(whole) || raw.trim() === '?') return { kind: 'help' };
  if (STOP.has(whole)) return { kind: 'stop' };

  const tokens = tokenize(raw);
  if (tokens.length === 1 && /^\d+$/.test(tokens[0]!)) return { kind: 'readings', readings: [{ target: null, value: tokens[0]! }] };
  if (tokens.length === 0 || tokens.length % 2 !== 0 || tokens.length / 2 > MAX_READINGS_PER_SMS) return { kind: 'unreadable' };
  const readings: TypedReading[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const target = tokens[i]!;
    const value = tokens[i + 1]!;
    if (!/^\d+$/.test(value) || matchKey(target) === '') return { kind: 'unreadable' };
    readings.push({ target, value });
  }
  return { kind: 'readings', readings };
}

function tokenize(raw: string): string[] {
  const spaced = raw
    .normalize('NFC')
    .replace(/[,;:=\n\r\t]+/g, ' ')
    // «ХВ - 001» and «ХВ- 001» are one serial.
    .replace(/\s*[-–—]\s*/g, '-')
    .trim();
  if (spaced === '') return [];
  const parts = spaced.split(/\s+/);
  const tokens: string[] = [];
  for (const part of parts) {
    const previous = tokens[tokens.length - 1];
    // «ХВ 001»: letters alone are the start of the serial that follows.
    if (previous !== undefined && /^\p{L}+-?$/u.test(previous) && /^\d/.test(part)) {
      tokens[tokens.length - 1] = previous + part;
    } else {
      tokens.push(part);
    }
  }
  return tokens;
}
