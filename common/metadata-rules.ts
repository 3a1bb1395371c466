import type { MetadataPatch, UserMetadata } from './metadata';

/**
 * The user_metadata rules as plain data and functions, with no zod: main builds its schemas from
 * them (common/metadata.ts), the account client and the renderer's form judge a save with them, so
 * all say the same thing in the same words, and the renderer's bundle does not carry a schema library.
 */

/**
 * Latchkey's own bounds on what it saves. Auth0 documents no size for user_metadata alone: it limits
 * a whole user profile to 10 KB (new in August 2026; larger writes still succeed for now, with a
 * warning in the tenant log) and any Management API payload to 1 MB
 * (https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data). These caps are
 * Latchkey's: they keep one field from eating the budget, keep forms readable, and keep hostile input
 * cheap to refuse. The provider stays the final judge (its 400 reaches the person as it is).
 */
export const METADATA_LIMITS = {
  totalBytes: 16 * 1024,
  /** In characters (Unicode code points), for keys Latchkey sets. */
  keyLength: 64,
  /** A key Latchkey only deletes may be as long as the provider let someone store it (bounded). */
  deletedKeyLength: 1024,
  stringLength: 2048,
  depth: 5,
  keysPerObject: 64,
  arrayLength: 64,
} as const;

/**
 * Auth0: "Field names must not contain the `.` (dot) or `$` (dollar sign) characters." Any other
 * Unicode character is allowed there (名前, clé, emoji). Source: Auth0 docs, "Metadata field names
 * and data types", https://auth0.com/docs/manage-users/user-accounts/metadata/metadata-fields-data
 */
const PROVIDER_FORBIDDEN_KEY_CHARACTERS = /[.$]/;
/** Latchkey's rule: no control or invisible format characters, which a person can neither see nor type. */
const INVISIBLE_KEY_CHARACTERS = /\p{C}/u;

/** Keys that would reach Object.prototype in a naive merge; refused everywhere. */
export const RESERVED_METADATA_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const METADATA_MESSAGES = {
  keyEmpty: 'A key cannot be empty.',
  keyTooLong: `A key is at most ${METADATA_LIMITS.keyLength} characters.`,
  storedKeyTooLong: `A key is at most ${METADATA_LIMITS.deletedKeyLength} characters.`,
  keyCharacters: 'A key cannot contain "." or "$".',
  keyInvisible: 'A key cannot contain invisible or control characters.',
  keyReserved: 'That key name is reserved.',
  valueTooLong: `A value is at most ${METADATA_LIMITS.stringLength} characters.`,
  nothingToSave: 'Nothing to save.',
  tooManyKeys: 'Too many keys in one save.',
  tooManyKeysInObject: 'Too many keys in one object.',
  tooLarge:
    `Metadata is limited to ${METADATA_LIMITS.totalBytes / 1024} KB in all. ` +
    'Remove or shorten some values first.',
} as const;

/**
 * The first rule a key breaks, in the words main's schema uses, or undefined when it is fine.
 * `deleting`: the key is only being removed (set to null), so it needs only to be a key at all; a
 * key stored by something else must never stand in the way of removing it.
 */
export function metadataKeyProblem(key: string, options: { deleting?: boolean } = {}): string | undefined {
  if (key.length === 0) return METADATA_MESSAGES.keyEmpty;
  if (RESERVED_METADATA_KEYS.has(key)) return METADATA_MESSAGES.keyReserved;
  if (options.deleting)
    return key.length > METADATA_LIMITS.deletedKeyLength ? METADATA_MESSAGES.storedKeyTooLong : undefined;
  if (Array.from(key).length > METADATA_LIMITS.keyLength) return METADATA_MESSAGES.keyTooLong;
  if (PROVIDER_FORBIDDEN_KEY_CHARACTERS.test(key)) return METADATA_MESSAGES.keyCharacters;
  if (INVISIBLE_KEY_CHARACTERS.test(key)) return METADATA_MESSAGES.keyInvisible;
  return undefined;
}

/** The rule a text value breaks, in the words main's schema uses, or undefined when it is fine. */
export function metadataTextProblem(text: string): string | undefined {
  return text.length > METADATA_LIMITS.stringLength ? METADATA_MESSAGES.valueTooLong : undefined;
}

/**
 * What the provider stores after a patch, with Auth0's semantics (PATCH /api/v2/users/{id}): top-level
 * keys merge, a `null` value deletes its key, any other value (objects included) replaces the old
 * one whole. Pure: neither argument is changed.
 */
export function applyMetadataPatch(current: UserMetadata, patch: MetadataPatch): UserMetadata {
  const merged: UserMetadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    // defineProperty, not assignment: a "__proto__" key (refused upstream) could never swap the prototype.
    else Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

/**
 * Why user_metadata that came from the provider cannot be handed on (to the account client's merge
 * check and across IPC to the renderer), or undefined when it can. One bounded, iterative walk (no
 * recursion: 200,000 levels of nesting must not overflow the stack before they are refused) with the
 * limits a patch has: nesting depth, keys per object, items per array, JSON types only (finite
 * numbers), and no key that reaches Object.prototype in a naive merge.
 *
 * Deliberately kept, unlike in a patch: keys Latchkey would not SET (with "." or "$", longer than 64
 * characters, invisible characters), long strings and a total over the save cap. The provider stores
 * what other applications wrote; the editor shows every stored key and judges only what the person
 * changes (renderer/metadata-form.ts), so such a key can still be seen and removed. Refusing the whole
 * metadata for one of them would leave the person unable to edit anything. The size is bounded by
 * the users API client's read limit instead.
 */
export function incomingMetadataProblem(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return 'it is not an object';
  }
  const stack: Array<{ value: unknown; depth: number }> = [{ value: metadata, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'it holds a number JSON cannot carry';
      continue;
    }
    if (typeof value !== 'object') return 'it holds a value that is not JSON';
    // Top-level values are at depth 1, as in a patch (common/metadata.ts): containers below depth 5.
    if (depth >= METADATA_LIMITS.depth) {
      return `it is nested deeper than ${METADATA_LIMITS.depth} levels`;
    }
    if (Array.isArray(value)) {
      if (value.length > METADATA_LIMITS.arrayLength) {
        return `a list holds more than ${METADATA_LIMITS.arrayLength} items`;
      }
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return 'it holds a value that is not JSON';
    const keys = Object.keys(value);
    if (keys.length > METADATA_LIMITS.keysPerObject) {
      return `an object holds more than ${METADATA_LIMITS.keysPerObject} keys`;
    }
    for (const key of keys) {
      // The rule for a key that is only deleted: any key at all, but never a reserved one.
      const problem = metadataKeyProblem(key, { deleting: true });
      if (problem) return `a key is refused: ${problem}`;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}

/** The serialised size (UTF-8 bytes of the JSON) that Latchkey's size cap counts. */
export function metadataBytes(metadata: UserMetadata): number {
  return new TextEncoder().encode(JSON.stringify(metadata)).length;
}

/**
 * Whether saving `patch` breaks a count or size limit, and the one message saying which. `current`
 * is the metadata last read from the provider, when known: what is stored after the merge must fit
 * too. When it is not known, only the patch itself is judged and the provider judges the merge (its
 * 400 names the size).
 */
export function metadataSaveProblem(
  current: UserMetadata | undefined,
  patch: MetadataPatch,
): string | undefined {
  if (Object.keys(patch).length > METADATA_LIMITS.keysPerObject) return METADATA_MESSAGES.tooManyKeys;
  if (metadataBytes(patch) > METADATA_LIMITS.totalBytes) return METADATA_MESSAGES.tooLarge;
  if (current && metadataBytes(applyMetadataPatch(current, patch)) > METADATA_LIMITS.totalBytes) {
    return METADATA_MESSAGES.tooLarge;
  }
  return undefined;
}
