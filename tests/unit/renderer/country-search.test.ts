import { describe, expect, it } from 'vitest';
import { countryFromInput, searchCountries } from '../../../renderer/country-search';

describe('country search', () => {
  it.each([
    ['UK', 'GB'],
    ['USA', 'US'],
    ['Deutschland', 'DE'],
    ['deutsch', 'DE'],
    ['espana', 'ES'],
    ['日本', 'JP'],
    ['Schweiz', 'CH'],
  ])('finds %s', (query, code) => {
    expect(searchCountries(query)[0]?.code).toBe(code);
  });

  it('takes an abbreviation or a native name typed in full as the country', () => {
    expect(countryFromInput('uk')?.code).toBe('GB');
    expect(countryFromInput('USA')?.code).toBe('US');
    expect(countryFromInput('Deutschland')?.code).toBe('DE');
    // Codes and English names still win.
    expect(countryFromInput('US')?.code).toBe('US');
    expect(countryFromInput('germany')?.code).toBe('DE');
  });
});
