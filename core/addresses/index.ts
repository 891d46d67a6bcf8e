export { parseAddress, addressColumns, noAddressColumns, type AddressParts, type AddressColumns } from './parse-address.ts';
export { normalizeStreetName, streetKey, namesOfStreet, isStreetType, noAliases, type StreetAliases } from './street-names.ts';
export {
  parseHouse,
  houseKey,
  formatHouse,
  parseHouseList,
  houseMatches,
  formatHouseList,
  type HouseParts,
  type HouseSpec,
  type HouseListProblem,
  type HouseListResult,
} from './houses.ts';
export { parseOutageTargets, parseOutageTarget, type OutageTarget, type TargetProblem, type TargetsResult } from './targets.ts';
export { loadStreetAliases, importStreetAliases, isStreetAliasesHeader, STREET_ALIASES_HEADER, type AliasImportOutcome } from './aliases.ts';
