import { describe, expect, it } from 'vitest';
import { metadataKeySchema, metadataPatchSchema } from '../../../common/metadata';
import {
  applyMetadataPatch,
  METADATA_LIMITS,
  METADATA_MESSAGES,
  metadataBytes,
} from '../../../common/metadata-rules';
import { formFromMetadata, hasErrors, metadataPatch, validateForm } from '../../../renderer/metadata-form';
import { countryFromInput, searchCountries } from '../../../renderer/country-search';
import { COUNTRIES } from '../../../renderer/countries';

describe('metadata form', () => {
  const stored = { first_name: 'Ada', country: 'GB', team: 'engine', prefs: { theme: 'dark' } };

  it('sends nothing when nothing changed', () => {
    expect(metadataPatch(stored, formFromMetadata(stored))).toEqual({});
  });

  it('sends only changed keys, and removed keys as null', () => {
    const form = formFromMetadata(stored);
    form.firstName = '';
    form.lastName = 'King';
    form.countryText = 'france';
    form.extras = form.extras.filter((row) => row.key !== 'team');
    const patch = metadataPatch(stored, form);
    expect(patch).toEqual({ first_name: null, last_name: 'King', country: 'FR', team: null });
    expect(metadataPatchSchema.safeParse(patch).success).toBe(true);
  });

  it('keeps structured values it cannot edit, unless their row is removed', () => {
    const form = formFromMetadata(stored);
    expect(form.extras.find((row) => row.key === 'prefs')?.structured).toEqual({ theme: 'dark' });
    form.extras = form.extras.filter((row) => row.key !== 'prefs');
    expect(metadataPatch(stored, form)).toEqual({ prefs: null });
  });

  it('refuses what main refuses, with the same words', () => {
    const form = formFromMetadata({});
    form.extras = [
      { id: 1, key: 'has.dot', value: 'x' },
      { id: 2, key: 'ok', value: '' },
      { id: 3, key: '__proto__', value: 'x' },
    ];
    form.countryText = 'Atlantis';
    const errors = validateForm({}, form);
    expect(errors.rows[1]?.key).toBe(metadataKeySchema.safeParse('has.dot').error?.issues[0]?.message);
    expect(errors.rows[2]?.value).toBe('Enter a value, or remove the row.');
    expect(errors.rows[3]?.key).toBe('That key name is reserved.');
    expect(errors.country).toBe('Choose a country from the list.');
    expect(hasErrors(errors)).toBe(true);
  });

  it('judges only what the person added or changed: stored keys the rules would refuse never block a save', () => {
    const storedElsewhere = { 名前: 'Ada', 'emoji😀': 'yes', 'preference.color': 'red', last_name: 'Byron' };
    const form = formFromMetadata(storedElsewhere);
    form.lastName = 'King';
    expect(hasErrors(validateForm(storedElsewhere, form))).toBe(false);
    expect(metadataPatch(storedElsewhere, form)).toEqual({ last_name: 'King' });
    // Removing the dotted key is allowed too (main accepts a deletion of any key)...
    form.extras = form.extras.filter((row) => row.key !== 'preference.color');
    const patch = metadataPatch(storedElsewhere, form);
    expect(hasErrors(validateForm(storedElsewhere, form))).toBe(false);
    expect(metadataPatchSchema.safeParse(patch).success).toBe(true);
    // ...but changing its value is setting a key the provider forbids.
    const edited = formFromMetadata(storedElsewhere);
    edited.extras = edited.extras.map((row) =>
      row.key === 'preference.color' ? { ...row, value: 'blue' } : row,
    );
    expect(
      validateForm(storedElsewhere, edited).rows[edited.extras.find((r) => r.key === 'preference.color')!.id]
        ?.key,
    ).toBe(METADATA_MESSAGES.keyCharacters);
  });

  it('refuses a save whose merge with what is stored passes 16 KB, saying how much is used and what to trim', () => {
    const long = 'x'.repeat(METADATA_LIMITS.stringLength);
    const stored = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`old_${i}`, long]));
    const form = formFromMetadata(stored);
    form.extras.push(...[1, 2, 3].map((i) => ({ id: 100 + i, key: `new_${i}`, value: long })));
    const message = validateForm(stored, form).form!;
    const used = metadataBytes(applyMetadataPatch(stored, metadataPatch(stored, form)));
    expect(message).toContain(`would take ${(used / 1024).toFixed(1)} KB`);
    expect(message).toContain(`at most ${(METADATA_LIMITS.totalBytes / 1024).toFixed(1)} KB`);
    expect(message).toContain(`at least ${((used - METADATA_LIMITS.totalBytes) / 1024).toFixed(1)} KB`);
    expect(message).toMatch(/the largest fields are "(old|new)_\d" \(\d+\.\d KB\) and "(old|new)_\d"/);
    form.firstName = long + 'x';
    expect(validateForm(stored, form).firstName).toBe(METADATA_MESSAGES.valueTooLong);
  });

  it('keeps row identity across a reload of the same keys', () => {
    const first = formFromMetadata(stored);
    const again = formFromMetadata(stored, first.extras);
    expect(again.extras.map((row) => row.id)).toEqual(first.extras.map((row) => row.id));
  });
});

describe('country list', () => {
  it('holds the 249 ISO 3166-1 alpha-2 codes once each', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(COUNTRIES.map((country) => country.code)).size).toBe(249);
  });

  it('finds countries by prefix first, ignoring case and accents', () => {
    expect(searchCountries('cote')[0]?.code).toBe('CI');
    expect(searchCountries('united').map((country) => country.code)).toEqual(
      expect.arrayContaining(['GB', 'US', 'AE']),
    );
    expect(countryFromInput('de')?.name).toBe('Germany');
    expect(countryFromInput('Narnia')).toBeUndefined();
  });
});
