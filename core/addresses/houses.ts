// House numbers: `12`, `12а`, `12/1`, `12 корп. 2`, and lists like `1-25, 30, 12а` that outages are announced for.

/** A house as matched: its number, and the letter, second number (`12/1`) and building (`корп. 2`) if any. */
export interface HouseParts {
  number: number;
  letter: string | null;
  slash: string | null;
  building: string | null;
}

/** One item of a house list: a range of numbers (every letter and building within), or one house. */
export type HouseSpec = { from: number; to: number } | { house: string };

export type HouseListProblem =
  | { kind: 'empty' }
  | { kind: 'bad-house'; item: string }
  | { kind: 'bad-range'; item: string };

export type HouseListResult = { ok: true; houses: HouseSpec[] } | { ok: false; problem: HouseListProblem };

const LATIN_LETTERS: Record<string, string> = { a: 'а', b: 'б', c: 'с', e: 'е', i: 'і', k: 'к', o: 'о', p: 'р', x: 'х', y: 'у' };
const MAX_HOUSE_NUMBER = 9999;

const HOUSE = /^(?:буд\.?|будинок|б\.)?\s*(\d{1,4})\s*-?\s*([а-яіїєґa-z])?(?:\s*\/\s*(\d{1,4}\s*[а-яіїєґa-z]?))?(?:\s*,?\s*(?:корп\.?|корпус|к\.?)\s*(\d{1,3}\s*[а-яіїєґ]?))?$/iu;

const letterOf = (text: string) => {
  const lower = text.toLocaleLowerCase('uk');
  return LATIN_LETTERS[lower] ?? lower;
};

/** The parts of a house as written, or null if it is not one. */
export function parseHouse(text: string): HouseParts | null {
  const match = HOUSE.exec(text.trim().replace(/\s+/g, ' '));
  if (!match) return null;
  const number = Number(match[1]);
  if (number < 1 || number > MAX_HOUSE_NUMBER) return null;
  const compact = (part: string | undefined) => (part === undefined ? null : part.replace(/\s+/g, '').toLocaleLowerCase('uk').replace(/[a-z]/g, letterOf));
  return {
    number,
    letter: match[2] === undefined ? null : letterOf(match[2]),
    slash: compact(match[3]),
    building: compact(match[4]),
  };
}

/** How a house is written back: `12а`, `12/1`, `12 корп. 2`. */
export function formatHouse(parts: HouseParts): string {
  return `${parts.number}${parts.letter ?? ''}${parts.slash ? `/${parts.slash}` : ''}${parts.building ? ` корп. ${parts.building}` : ''}`;
}

/** The key a house is stored and matched by (`12а`, `12/1`, `12к2`), or null if the text is not a house. */
export function houseKey(text: string): string | null {
  const parts = parseHouse(text);
  return parts && keyOfParts(parts);
}

const keyOfParts = (parts: HouseParts) => `${parts.number}${parts.letter ?? ''}${parts.slash ? `/${parts.slash}` : ''}${parts.building ? `к${parts.building}` : ''}`;

const KEY = /^(\d+)([а-яіїєґ])?(?:\/([^к]+))?(?:к(.+))?$/u;

function partsOfKey(key: string): HouseParts | null {
  const match = KEY.exec(key);
  if (!match) return null;
  return { number: Number(match[1]), letter: match[2] ?? null, slash: match[3] ?? null, building: match[4] ?? null };
}

/**
 * `1-25, 30, 12а`: ranges and houses, separated by commas. A range takes every house numbered within it,
 * whatever its letter or building; `12` takes 12, 12/1 and 12 корп. 2 but not 12а, which is another house.
 */
export function parseHouseList(text: string): HouseListResult {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) return { ok: false, problem: { kind: 'empty' } };
  const houses: HouseSpec[] = [];
  for (const item of items) {
    const range = /^(\d{1,4})\s*[-–—]\s*(\d{1,4})$/.exec(item);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from < 1 || to < from) return { ok: false, problem: { kind: 'bad-range', item } };
      houses.push({ from, to });
      continue;
    }
    const key = houseKey(item);
    if (key === null) return { ok: false, problem: { kind: 'bad-house', item } };
    houses.push({ house: key });
  }
  return { ok: true, houses };
}

/** Whether the house with this key is among `houses`; null houses mean the whole street. */
export function houseMatches(houses: readonly HouseSpec[] | null, key: string | null): boolean {
  if (houses === null) return true;
  if (key === null) return false;
  const house = partsOfKey(key);
  if (!house) return false;
  return houses.some((spec) => {
    if ('from' in spec) return house.number >= spec.from && house.number <= spec.to;
    const wanted = partsOfKey(spec.house);
    if (!wanted || wanted.number !== house.number || wanted.letter !== house.letter) return false;
    return (wanted.slash === null || wanted.slash === house.slash) && (wanted.building === null || wanted.building === house.building);
  });
}

/** `1-25, 30, 12а` back from a list (the empty text for the whole street). */
export function formatHouseList(houses: readonly HouseSpec[] | null): string {
  if (houses === null) return '';
  return houses
    .map((spec) => {
      if ('from' in spec) return spec.from === spec.to ? String(spec.from) : `${spec.from}-${spec.to}`;
      const parts = partsOfKey(spec.house);
      return parts ? formatHouse(parts) : spec.house;
    })
    .join(', ');
}
