import { COUNTRIES, type Country } from './countries';

const byCode = new Map(COUNTRIES.map((country) => [country.code, country]));

/** Case- and accent-insensitive form used for matching ("cote" finds "Côte d'Ivoire"). */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();
}

/**
 * Other names people type for a country: common abbreviations and the country's name in its own
 * language(s) (the endonyms, as CLDR lists them for each country's main language). Searching finds
 * the country by these too; the list shows and stores the English name's country.
 */
const OTHER_NAMES: Readonly<Record<string, readonly string[]>> = {
  GB: ['UK', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
  US: ['USA', 'U.S.A.', 'U.S.', 'America', 'United States of America'],
  AE: ['UAE', 'الإمارات'],
  DE: ['Deutschland'],
  AT: ['Österreich'],
  CH: ['Schweiz', 'Suisse', 'Svizzera', 'Svizra'],
  FR: ['République française'],
  ES: ['España'],
  IT: ['Italia'],
  NL: ['Nederland', 'Holland'],
  BE: ['België', 'Belgique', 'Belgien'],
  PT: ['Portugal'],
  PL: ['Polska'],
  CZ: ['Česko', 'Czech Republic'],
  SE: ['Sverige'],
  NO: ['Norge', 'Noreg'],
  DK: ['Danmark'],
  FI: ['Suomi'],
  IS: ['Ísland'],
  IE: ['Éire'],
  GR: ['Ελλάδα', 'Hellas'],
  HU: ['Magyarország'],
  HR: ['Hrvatska'],
  RU: ['Россия', 'Russian Federation'],
  UA: ['Україна'],
  TR: ['Türkiye', 'Turkey'],
  BR: ['Brasil'],
  MX: ['México'],
  JP: ['日本', 'Nippon', 'Nihon'],
  CN: ['中国', 'PRC'],
  KR: ['대한민국', 'South Korea', 'Korea'],
  KP: ['North Korea'],
  IN: ['भारत', 'Bharat'],
  IL: ['ישראל'],
  SA: ['السعودية', 'KSA'],
  EG: ['مصر', 'Misr'],
  CD: ['DRC', 'DR Congo'],
};

interface Entry {
  country: Country;
  /** The English name first, then the other names; all folded. */
  names: string[];
}

const entries: Entry[] = COUNTRIES.map((country) => ({
  country,
  names: [country.name, ...(OTHER_NAMES[country.code] ?? [])].map(fold),
}));

export function countryByCode(code: string): Country | undefined {
  return byCode.get(code.toUpperCase());
}

/** The country the person typed: an exact name or other name (any case or accents), or an ISO code. */
export function countryFromInput(input: string): Country | undefined {
  const wanted = fold(input);
  if (!wanted) return undefined;
  return (
    entries.find((entry) => entry.names[0] === wanted)?.country ??
    (input.trim().length === 2 ? countryByCode(input.trim()) : undefined) ??
    entries.find((entry) => entry.names.includes(wanted))?.country
  );
}

/**
 * Countries named exactly as typed first ("UK" before "Ukraine"), then those whose name (or another
 * name) starts with the query, then those containing it, then code matches.
 */
export function searchCountries(query: string, limit = 50): Country[] {
  const wanted = fold(query);
  if (!wanted) return COUNTRIES.slice(0, limit);
  const exact: Country[] = [];
  const starts: Country[] = [];
  const contains: Country[] = [];
  for (const entry of entries) {
    if (entry.names.includes(wanted)) exact.push(entry.country);
    else if (entry.names.some((name) => name.startsWith(wanted))) starts.push(entry.country);
    else if (entry.names.some((name) => name.includes(wanted)) || entry.country.code.toLowerCase() === wanted)
      contains.push(entry.country);
  }
  return [...exact, ...starts, ...contains].slice(0, limit);
}
