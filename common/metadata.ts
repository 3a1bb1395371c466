import { z } from 'zod';

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

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type UserMetadata = Record<string, JsonValue>;

/** Keys that would reach Object.prototype in a naive merge; refused everywhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const metadataKeySchema = z
  .string()
  .min(1, 'A key cannot be empty.')
  .max(METADATA_LIMITS.keyLength, `A key is at most ${METADATA_LIMITS.keyLength} characters.`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'A key uses letters, digits, "_", "-" and "." only.')
  .refine((key) => !FORBIDDEN_KEYS.has(key), 'That key name is reserved.');

function jsonValueSchema(depth: number): z.ZodType<JsonValue> {
  const scalar = z.union([
    z.string().max(METADATA_LIMITS.stringLength, `A value is at most ${METADATA_LIMITS.stringLength} characters.`),
    z.number().finite(),
    z.boolean(),
    z.null(),
  ]);
  if (depth >= METADATA_LIMITS.depth) return scalar;
  const inner = z.lazy(() => jsonValueSchema(depth + 1));
  return z.union([
    scalar,
    z.array(inner).max(METADATA_LIMITS.arrayLength),
    z
      .record(metadataKeySchema, inner)
      .refine((o) => Object.keys(o).length <= METADATA_LIMITS.keysPerObject, 'Too many keys in one object.'),
  ]);
}

/**
 * A user_metadata patch, with Auth0's semantics: top-level keys are merged, a `null` value deletes
 * the key, nested objects replace the stored value whole.
 */
export const metadataPatchSchema = z
  .record(metadataKeySchema, jsonValueSchema(1))
  .refine((o) => Object.keys(o).length > 0, 'Nothing to save.')
  .refine((o) => Object.keys(o).length <= METADATA_LIMITS.keysPerObject, 'Too many keys in one save.')
  .refine(
    (o) => byteLength(JSON.stringify(o)) <= METADATA_LIMITS.totalBytes,
    `Metadata is limited to ${METADATA_LIMITS.totalBytes / 1024} KB.`,
  );

export type MetadataPatch = Record<string, JsonValue>;

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
