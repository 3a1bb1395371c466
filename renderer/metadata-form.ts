import type { JsonValue, MetadataPatch, UserMetadata } from '../common/metadata';
import {
  applyMetadataPatch,
  METADATA_LIMITS,
  METADATA_MESSAGES,
  metadataBytes,
  metadataKeyProblem,
  metadataSaveProblem,
  metadataTextProblem,
} from '../common/metadata-rules';
import { countryByCode, countryFromInput } from './country-search';

/**
 * The metadata editor's model: the form as the person sees it, built from the stored user_metadata,
 * checked with the rules main's schema is built from (common/metadata-rules.ts), and turned back into
 * an Auth0 patch holding only what changed (a removed key is sent as null, which deletes it).
 */

const NAMED_KEYS = { firstName: 'first_name', lastName: 'last_name', country: 'country' } as const;
const NAMED_KEY_SET = new Set<string>(Object.values(NAMED_KEYS));

export interface ExtraRow {
  /** Stable identity for React and for error messages; never sent anywhere. */
  id: number;
  key: string;
  value: string;
  /** A stored value that is not a string (number, list, object): shown, kept or removed, not edited. */
  structured?: JsonValue;
}

export interface MetadataForm {
  firstName: string;
  lastName: string;
  /** What is in the country box: a country name, or a stored value the list does not know. */
  countryText: string;
  extras: ExtraRow[];
}

export interface FormErrors {
  firstName?: string;
  lastName?: string;
  country?: string;
  rows: Record<number, { key?: string; value?: string }>;
  /** About the whole save (size, number of keys). */
  form?: string;
}

let nextRowId = 1;
export function newRowId(): number {
  return nextRowId++;
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** The stored country as the box shows it: the list's name for a known code, else the raw text. */
function countryTextFor(stored: JsonValue | undefined): string {
  if (typeof stored !== 'string') return '';
  return countryByCode(stored)?.name ?? stored;
}

/**
 * The form for stored metadata. Rows whose key is already on screen (`previous`) keep their identity,
 * so a save does not replace the field the person is in (and focus stays where it was).
 */
export function formFromMetadata(metadata: UserMetadata, previous: readonly ExtraRow[] = []): MetadataForm {
  const extras: ExtraRow[] = [];
  const idFor = (key: string) => previous.find((row) => row.key.trim() === key)?.id ?? newRowId();
  for (const [key, value] of Object.entries(metadata)) {
    // A named key holding something other than text stays visible (and removable) among the others.
    if (NAMED_KEY_SET.has(key) && (typeof value === 'string' || value === null)) continue;
    if (typeof value === 'string') extras.push({ id: idFor(key), key, value });
    else if (value !== null)
      extras.push({ id: idFor(key), key, value: JSON.stringify(value), structured: value });
  }
  return {
    firstName: text(metadata[NAMED_KEYS.firstName]),
    lastName: text(metadata[NAMED_KEYS.lastName]),
    countryText: countryTextFor(metadata[NAMED_KEYS.country]),
    extras,
  };
}

/** What the country box means: a known country's code, the unchanged stored value, or nothing. */
function countryValue(form: MetadataForm, original: UserMetadata): string | null | undefined {
  const typed = form.countryText.trim();
  if (typed === '') return null;
  const stored = original[NAMED_KEYS.country];
  if (typeof stored === 'string' && typed === countryTextFor(stored)) return stored;
  return countryFromInput(typed)?.code;
}

/** The values the form asks to store, key by key; null means "not stored". */
function desired(form: MetadataForm, original: UserMetadata): Map<string, JsonValue | null> {
  const wanted = new Map<string, JsonValue | null>();
  for (const row of form.extras) {
    const key = row.key.trim();
    if (key) wanted.set(key, row.structured !== undefined ? row.structured : row.value);
  }
  const named: [string, string | null][] = [
    [NAMED_KEYS.firstName, form.firstName.trim() || null],
    [NAMED_KEYS.lastName, form.lastName.trim() || null],
    [NAMED_KEYS.country, countryValue(form, original) ?? null],
  ];
  // An empty named field leaves a structured value under the same key (listed below) alone.
  for (const [key, value] of named) if (value !== null || !wanted.has(key)) wanted.set(key, value);
  return wanted;
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Only what changed: new or edited keys with their value, removed keys with null (Auth0 semantics). */
export function metadataPatch(original: UserMetadata, form: MetadataForm): MetadataPatch {
  const wanted = desired(form, original);
  const patch: MetadataPatch = {};
  for (const [key, value] of wanted) {
    if (value === null) {
      if (key in original && original[key] !== null) patch[key] = null;
    } else if (!sameJson(original[key], value)) {
      patch[key] = value;
    }
  }
  for (const key of Object.keys(original)) {
    if (!wanted.has(key) && original[key] !== null) patch[key] = null;
  }
  return patch;
}

/** Every problem, field by field, in the words main's schema uses (common/metadata-rules.ts). */
export function validateForm(original: UserMetadata, form: MetadataForm): FormErrors {
  const errors: FormErrors = { rows: {} };
  const firstName = metadataTextProblem(form.firstName);
  if (firstName) errors.firstName = firstName;
  const lastName = metadataTextProblem(form.lastName);
  if (lastName) errors.lastName = lastName;
  if (countryValue(form, original) === undefined) errors.country = 'Choose a country from the list.';

  const seen = new Set<string>();
  for (const row of form.extras) {
    const key = row.key.trim();
    const problems: { key?: string; value?: string } = {};
    // What is already stored, untouched, is the provider's business: only what the person added or
    // changed is judged, so a stored key the rules would refuse never blocks saving another field.
    const untouched = key in original && sameJson(original[key], row.structured ?? row.value);
    if (!key) problems.key = 'Enter a key, or remove the row.';
    else if (NAMED_KEY_SET.has(key) && row.structured === undefined) {
      problems.key = `"${key}" is edited in its own field above.`;
    } else if (NAMED_KEY_SET.has(key) && namedFieldText(form, key)) {
      problems.key = `Remove this row to use the "${key}" field above.`;
    } else if (seen.has(key)) problems.key = `"${key}" is used twice.`;
    else if (!untouched) {
      const keyIssue = metadataKeyProblem(key);
      if (keyIssue) problems.key = keyIssue;
    }
    if (row.structured === undefined && !untouched) {
      const valueIssue =
        row.value === '' ? 'Enter a value, or remove the row.' : metadataTextProblem(row.value);
      if (valueIssue) problems.value = valueIssue;
    }
    if (key) seen.add(key);
    if (problems.key || problems.value) errors.rows[row.id] = problems;
  }

  if (!hasFieldErrors(errors)) {
    const patch = metadataPatch(original, form);
    // The same judgement main makes before sending (main/account/account-client.ts).
    const saveIssue = Object.keys(patch).length > 0 ? metadataSaveProblem(original, patch) : undefined;
    if (saveIssue)
      errors.form = saveIssue === METADATA_MESSAGES.tooLarge ? tooLargeWords(original, patch) : saveIssue;
  }
  return errors;
}

function namedFieldText(form: MetadataForm, key: string): string {
  if (key === NAMED_KEYS.firstName) return form.firstName.trim();
  if (key === NAMED_KEYS.lastName) return form.lastName.trim();
  return form.countryText.trim();
}

function hasFieldErrors(errors: FormErrors): boolean {
  return Boolean(errors.firstName || errors.lastName || errors.country || Object.keys(errors.rows).length);
}

export function hasErrors(errors: FormErrors): boolean {
  return hasFieldErrors(errors) || Boolean(errors.form);
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * The size limit, said with what the person can act on: how much the details would take, how much
 * must go, and the largest fields (the likeliest to trim). The same rule as main's
 * (metadataSaveProblem); only the words are the form's.
 */
export function tooLargeWords(original: UserMetadata, patch: MetadataPatch): string {
  const merged = applyMetadataPatch(original, patch);
  const used = metadataBytes(merged);
  const limit = METADATA_LIMITS.totalBytes;
  const largest = Object.entries(merged)
    .map(([key, value]) => ({ key, bytes: metadataBytes({ [key]: value }) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 2)
    .map(({ key, bytes }) => `"${key}" (${kilobytes(bytes)})`);
  const over = Math.max(used - limit, 1);
  return (
    `Your details would take ${kilobytes(used)}; your provider keeps at most ${kilobytes(limit)}. ` +
    `Remove or shorten at least ${kilobytes(over)}` +
    (largest.length > 0 ? `: the largest fields are ${largest.join(' and ')}.` : '.')
  );
}
