// Street names as billing, staff and subscribers write them differ in case, apostrophes, the street type,
// Latin letters typed for Cyrillic ones and old names: each is folded here into one key to match on.

/** Street types, full and abbreviated, as separate words (a dot, if any, is part of the abbreviation). */
const STREET_TYPES = [
  'вулиця', 'вул', 'ул', 'улица',
  'проспект', 'просп', 'пр-т', 'пр-кт', 'пр',
  'провулок', 'пров', 'пер',
  'бульвар', 'бульв', 'б-р',
  'площа', 'пл',
  'узвіз', 'шосе', 'майдан', 'набережна', 'наб', 'тупик', 'туп', 'проїзд',
];
const TYPE_WORDS = new Set(STREET_TYPES);

/** Latin letters that look like Cyrillic ones, as they come in names typed on the wrong keyboard layout. */
const LOOK_ALIKES: Record<string, string> = {
  a: 'а', b: 'в', c: 'с', e: 'е', h: 'н', i: 'і', k: 'к', m: 'м', o: 'о', p: 'р', t: 'т', x: 'х', y: 'у',
};

const APOSTROPHES = /['’ʼ`‘ʹ′"«»“”]/g;

/** Whether a word of an address is a street type (`вул.`, `просп`, `провулок`…). */
export function isStreetType(word: string): boolean {
  return TYPE_WORDS.has(word.toLocaleLowerCase('uk').replace(/\.$/, '').replace(APOSTROPHES, ''));
}

/** Replaces Latin look-alikes in a word that has Cyrillic letters too (a word all in Latin is left as it is). */
function foldLookAlikes(word: string): string {
  if (!/[а-яіїєґ]/.test(word)) return word;
  return word.replace(/[a-z]/g, (letter) => LOOK_ALIKES[letter] ?? letter);
}

/**
 * The street name folded for matching, without aliases: lower case, no apostrophes or quotes, no street type,
 * Latin look-alikes made Cyrillic, one space between words. `вул. Кам'янська` and `КАМЪЯНСЬКА`… are not the same
 * (ъ is not folded), but `Кам’янська вулиця` and `кам'янська` are.
 */
export function normalizeStreetName(name: string): string {
  const words = name
    .toLocaleLowerCase('uk')
    .replace(APOSTROPHES, '')
    .replace(/ё/g, 'е')
    .replace(/[.,;:]/g, (mark) => (mark === '.' ? '. ' : ' '))
    .split(/\s+/)
    .filter((word) => word !== '' && !isStreetType(word))
    .map((word) => foldLookAlikes(word.replace(/\.$/, '')))
    .filter((word) => word !== '');
  return words.join(' ').replace(/\s*-\s*/g, '-');
}

/** Normalised alias → normalised street name in use (each alias points at a name that is not itself an alias). */
export type StreetAliases = ReadonlyMap<string, string>;

export const noAliases: StreetAliases = new Map();

/** The key a street is matched on: its normalised name, or, for an old or other name, the one it is known by now. */
export function streetKey(name: string, aliases: StreetAliases = noAliases): string {
  const normalized = normalizeStreetName(name);
  return aliases.get(normalized) ?? normalized;
}

/** Every normalised name that means the same street as `key` (itself and its aliases): what accounts may hold. */
export function namesOfStreet(key: string, aliases: StreetAliases): string[] {
  const names = [key];
  for (const [alias, street] of aliases) if (street === key) names.push(alias);
  return names;
}
