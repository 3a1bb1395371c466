import { z } from 'zod';
import {
  METADATA_LIMITS,
  METADATA_MESSAGES,
  metadataKeyProblem,
  metadataSaveProblem,
} from './metadata-rules';

// The limits, messages and the merge live in metadata-rules.ts (no zod) so that the renderer can
// use them without bundling zod; the schemas below are built from them.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type UserMetadata = Record<string, JsonValue>;

/** A key that is set to a value (nested keys always are): every rule of metadataKeyProblem. */
export const metadataKeySchema = z.string().superRefine((key, ctx) => {
  const problem = metadataKeyProblem(key);
  // Stryker disable next-line StringLiteral: equivalent: zod keeps an issue whatever its code, and Latchkey reads only its path and message
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function jsonValueSchema(depth: number): z.ZodType<JsonValue, JsonValue> {
  const scalar = z.union([
    z.string().max(METADATA_LIMITS.stringLength, METADATA_MESSAGES.valueTooLong),
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
      .refine(
        (o) => Object.keys(o).length <= METADATA_LIMITS.keysPerObject,
        METADATA_MESSAGES.tooManyKeysInObject,
      ),
  ]);
}

/**
 * A user_metadata patch, with Auth0's semantics: top-level keys are merged, a `null` value deletes
 * the key, nested objects replace the stored value whole. The IPC boundary parses every patch with
 * this; past it, a patch is trusted.
 */
export const metadataPatchSchema = z
  .record(z.string(), jsonValueSchema(1))
  .refine((o) => Object.keys(o).length > 0, METADATA_MESSAGES.nothingToSave)
  .superRefine((patch, ctx) => {
    // Top-level keys by what happens to them: a key only deleted (null) needs only to be a key.
    for (const [key, value] of Object.entries(patch)) {
      const problem = metadataKeyProblem(key, { deleting: value === null });
      // Stryker disable next-line StringLiteral: equivalent: zod keeps an issue whatever its code, and Latchkey reads only its path and message
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
    // The patch alone: what is stored is not known here (the account client knows it).
    const problem = metadataSaveProblem(undefined, patch);
    // Stryker disable next-line StringLiteral: equivalent: zod keeps an issue whatever its code, and Latchkey reads only its path and message
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export type MetadataPatch = Record<string, JsonValue>;
