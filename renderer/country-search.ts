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

const folded = COUNTRIES.map((country) => ({ country, name: fold(country.name) }));

export function countryByCode(code: string): Country | undefined {
  return byCode.get(code.toUpperCase());
}

/** The country the person typed: an exact name (any case or accents) or an ISO code. */
export function countryFromInput(input: string): Country | undefined {
  const wanted = fold(input);
  if (!wanted) return undefined;
  return (
    folded.find((entry) => entry.name === wanted)?.country ??
    (input.trim().length === 2 ? countryByCode(input.trim()) : undefined)
  );
}

/** Countries whose name starts with the query first, then those containing it, then code matches. */
export function searchCountries(query: string, limit = 50): Country[] {
  const wanted = fold(query);
  if (!wanted) return COUNTRIES.slice(0, limit);
  const starts: Country[] = [];
  const contains: Country[] = [];
  for (const entry of folded) {
    if (entry.name.startsWith(wanted)) starts.push(entry.country);
    else if (entry.name.includes(wanted) || entry.country.code.toLowerCase() === wanted)
      contains.push(entry.country);
  }
  return [...starts, ...contains].slice(0, limit);
}
