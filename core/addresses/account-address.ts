import { houseKey, parseHouse, formatHouse } from './houses.ts';
import { addressColumns, noAddressColumns, parseAddress, type AddressColumns } from './parse-address.ts';
import { normalizeStreetName } from './street-names.ts';

export type { AddressColumns };

// A billing export repeats a few thousand street names across a hundred thousand accounts: each is folded once.
const folded = new Map<string, string>();
function foldStreet(street: string): string {
  let key = folded.get(street);
  if (key === undefined) {
    if (folded.size > 50_000) folded.clear();
    key = normalizeStreetName(street);
    folded.set(street, key);
  }
  return key;
}

/**
 * An account's address columns as the accounts import stores them: from the `street;house;flat` columns when
 * the file has them filled, else read from the address text. `unread` says why they are all null (the import
 * lists it beside the bad lines, and still imports the account: its address is kept as text).
 */
export function accountAddressColumns(address: string, given: { street: string; house: string; flat: string }): { parts: AddressColumns; unread: string | null } {
  if (given.street !== '' || given.house !== '') {
    const streetNorm = foldStreet(given.street);
    const house = parseHouse(given.house);
    if (streetNorm === '') return { parts: noAddressColumns, unread: `street "${given.street}" has no name in it` };
    if (!house) return { parts: noAddressColumns, unread: `house "${given.house}" is not a house number (e.g. 12, 12а, 12/1, 12 корп. 2)` };
    const text = formatHouse(house);
    return { parts: { street: given.street, house: text, flat: given.flat === '' ? null : given.flat, streetNorm, houseKey: houseKey(text) }, unread: null };
  }
  const parts = addressColumns(parseAddress(address));
  return parts.streetNorm === null
    ? // The address itself is not repeated: listings end up in terminals and mail.
      { parts, unread: 'the address cannot be read into a street and a house (add street;house;flat columns, or write it like "вул. Соборна, 12, кв. 5")' }
    : { parts, unread: null };
}
