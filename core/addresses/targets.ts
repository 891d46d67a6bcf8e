import { parseHouseList, type HouseListProblem, type HouseSpec } from './houses.ts';
import { isStreetType, normalizeStreetName } from './street-names.ts';

/** A street an outage is at, and its houses (null: the whole street). Plain data: stored as JSON. */
export interface OutageTarget {
  street: string;
  houses: HouseSpec[] | null;
}

export type TargetProblem =
  | { kind: 'empty' }
  /** A part with no street name in it (only numbers, or only a street type). */
  | { kind: 'no-street'; part: string }
  | { kind: 'bad-houses'; street: string; houses: string; problem: HouseListProblem }
  | { kind: 'repeated-street'; street: string };

export type TargetsResult = { ok: true; targets: OutageTarget[] } | { ok: false; problems: TargetProblem[] };

const hasName = (text: string) => normalizeStreetName(text).replace(/[\d\s-]/g, '') !== '';

/** One `street houses` part: the shortest street name after which the rest reads as a house list. */
export function parseOutageTarget(part: string): { ok: true; target: OutageTarget } | { ok: false; problem: TargetProblem } {
  const text = part.trim().replace(/\s+/g, ' ');
  const words = text.split(' ');
  let firstHouses: { street: string; houses: string } | null = null;
  for (let at = 1; at < words.length; at += 1) {
    const street = words.slice(0, at).join(' ').replace(/[,:]+$/, '');
    const houses = words.slice(at).join(' ').replace(/^[,:]+/, '');
    if (!hasName(street) || isStreetType(words[at - 1]!.replace(/[,:]+$/, ''))) continue;
    if (!/^\d/.test(houses)) continue;
    const list = parseHouseList(houses);
    if (list.ok) return { ok: true, target: { street, houses: list.houses } };
    firstHouses ??= { street, houses };
  }
  if (firstHouses) {
    const list = parseHouseList(firstHouses.houses);
    return { ok: false, problem: { kind: 'bad-houses', ...firstHouses, problem: list.ok ? { kind: 'empty' } : list.problem } };
  }
  const street = text.replace(/[,:]+$/, '');
  if (!hasName(street)) return { ok: false, problem: { kind: 'no-street', part: text } };
  return { ok: true, target: { street, houses: null } };
}

/**
 * `Соборна 1-25, 30; Садова` → Соборна houses 1 to 25 and 30, and the whole of Садова. Streets are separated
 * by `;` or new lines; every problem is listed at once.
 */
export function parseOutageTargets(text: string): TargetsResult {
  const parts = text.split(/[;\n]/).map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) return { ok: false, problems: [{ kind: 'empty' }] };
  const targets: OutageTarget[] = [];
  const problems: TargetProblem[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const parsed = parseOutageTarget(part);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    const name = normalizeStreetName(parsed.target.street);
    if (seen.has(name)) problems.push({ kind: 'repeated-street', street: parsed.target.street });
    seen.add(name);
    targets.push(parsed.target);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, targets };
}
