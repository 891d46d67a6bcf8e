import { formatHouse, houseKey, parseHouse } from './houses.ts';
import { isStreetType, normalizeStreetName } from './street-names.ts';

/** An address in parts: the street as written (`вул. Соборна`), the house (`12а`, `12 корп. 2`), the flat. */
export interface AddressParts {
  street: string;
  house: string;
  flat: string | null;
}

// Parts of an address that say where the street is, not which: city, region, district, postcode.
const PLACE = /^(?:м\.|м\s|місто\s|смт\.?\s|с\.|село\s|сел\.|с-ще\s|селище\s|україна$)|(?:^|\s)(?:обл\.?|область|р-н|район)(?:\s|$)|^\d{5}$/iu;
const FLAT = /^(?:кв\.?|квартира|кв)\s*(\d{1,5}\s*[а-яіїєґa-z]?)$/iu;
const FLAT_AT_END = /[\s,]+(?:кв\.?|квартира)\s*(\d{1,5}\s*[а-яіїєґa-z]?)$/iu;
const BUILDING = /^(?:корп\.?|корпус|к\.)\s*(\d{1,3}\s*[а-яіїєґ]?)$/iu;

const hasLetters = (text: string) => normalizeStreetName(text).replace(/[\d\s-]/g, '') !== '';

/** The house at the end of a street part (`Соборна 12а`), when the address has no comma between them. */
function splitTrailingHouse(part: string): { street: string; house: string } | null {
  const words = part.split(' ');
  for (let at = 1; at < words.length; at += 1) {
    const street = words.slice(0, at).join(' ');
    const house = words.slice(at).join(' ');
    if (hasLetters(street) && !isStreetType(words[at - 1]!) && parseHouse(house)) return { street, house };
  }
  return null;
}

/**
 * `м. Кам'янське, вул. Соборна, 12, кв. 5` → `{ street: 'вул. Соборна', house: '12', flat: '5' }`; also
 * `Соборна 12а кв 5`, `вул. Соборна, буд. 12/1`, `просп. Свободи, 45 корп. 2, кв. 10`. Null when no street and
 * house can be told apart: the caller reports it, the address itself is still kept as text.
 */
export function parseAddress(text: string): AddressParts | null {
  let flat: string | null = null;
  let building: string | null = null;
  let street: string | null = null;
  let house: string | null = null;
  const squeeze = (part: string) => part.trim().replace(/\s+/g, ' ');
  let body = squeeze(text);
  const flatAtEnd = FLAT_AT_END.exec(body);
  if (flatAtEnd) {
    flat = flatAtEnd[1]!.replace(/\s+/g, '');
    body = body.slice(0, flatAtEnd.index);
  }
  for (const raw of body.split(',')) {
    const part = squeeze(raw);
    if (part === '') continue;
    const flatMatch = FLAT.exec(part);
    if (flatMatch) {
      if (flat !== null) return null;
      flat = flatMatch[1]!.replace(/\s+/g, '');
      continue;
    }
    const buildingMatch = BUILDING.exec(part);
    if (buildingMatch && house !== null) {
      building = buildingMatch[1]!.replace(/\s+/g, '');
      continue;
    }
    if (street === null && PLACE.test(part)) continue;
    if (street !== null && house === null && parseHouse(part)) {
      house = part;
      continue;
    }
    if (street === null && hasLetters(part)) {
      const split = splitTrailingHouse(part);
      if (split) {
        street = split.street;
        house = split.house;
      } else {
        street = part;
      }
      continue;
    }
    // Anything else (a second street, words after the house) makes the address ambiguous.
    return null;
  }
  if (street === null || house === null) return null;
  const parts = parseHouse(building === null ? house : `${house} корп. ${building}`);
  if (!parts) return null;
  return { street, house: formatHouse(parts), flat };
}

/** The columns an account's address fills (see migrations/…-70-address-parts.ts), or nulls. */
export interface AddressColumns {
  street: string | null;
  house: string | null;
  flat: string | null;
  streetNorm: string | null;
  houseKey: string | null;
}

export const noAddressColumns: AddressColumns = { street: null, house: null, flat: null, streetNorm: null, houseKey: null };

/** The stored columns of a parsed (or given) address; nulls if the street or the house cannot be matched on. */
export function addressColumns(parts: AddressParts | null): AddressColumns {
  if (!parts) return noAddressColumns;
  const streetNorm = normalizeStreetName(parts.street);
  const key = houseKey(parts.house);
  if (streetNorm === '' || key === null) return noAddressColumns;
  return { street: parts.street, house: parts.house, flat: parts.flat, streetNorm, houseKey: key };
}
