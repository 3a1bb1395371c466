import type { MetadataPatch, UserMetadata } from './metadata';

/**
 * The user_metadata rules as plain data and functions, with no zod: main builds its schemas from
 * them (common/metadata.ts), the account client and the renderer's form judge a save with them, so
 * all say the same thing in the same words, and the renderer's bundle does not carry a schema library.
 */

/**
 * Limits on user_metadata edits. Auth0 refuses metadata over 16 KB (serialised); the per-key and
 * per-value bounds keep one field from eating the budget and keep hostile input cheap to reject.
 */
export const METADATA_LIMITS = {
  totalBytes: 16 * 1024,
  keyLength: 64,
  stringLength: 2048,
  depth: 5,
  keysPerObject: 64,
  arrayLength: 64,
} as const;

export const METADATA_KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Keys that would reach Object.prototype in a naive merge; refused everywhere. */
export const RESERVED_METADATA_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const METADATA_MESSAGES = {
  keyEmpty: 'A key cannot be empty.',
  keyTooLong: `A key is at most ${METADATA_LIMITS.keyLength} characters.`,
  keyCharacters: 'A key uses letters, digits, "_", "-" and "." only.',
  keyReserved: 'That key name is reserved.',
  valueTooLong: `A value is at most ${METADATA_LIMITS.stringLength} characters.`,
  nothingToSave: 'Nothing to save.',
  tooManyKeys: 'Too many keys in one save.',
  tooManyKeysInObject: 'Too many keys in one object.',
  tooLarge:
    `Metadata is limited to ${METADATA_LIMITS.totalBytes / 1024} KB in all. ` +
    'Remove or shorten some values first.',
} as const;

/** The first rule a key breaks, in the words main's schema uses, or undefined when it is fine. */
export function metadataKeyProblem(key: string): string | undefined {
  if (key.length === 0) return METADATA_MESSAGES.keyEmpty;
  if (key.length > METADATA_LIMITS.keyLength) return METADATA_MESSAGES.keyTooLong;
  if (!METADATA_KEY_PATTERN.test(key)) return METADATA_MESSAGES.keyCharacters;
  if (RESERVED_METADATA_KEYS.has(key)) return METADATA_MESSAGES.keyReserved;
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

/** The serialised size (UTF-8 bytes of the JSON) Auth0 counts against its 16 KB user_metadata limit. */
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
