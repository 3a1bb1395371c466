import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * How one value is laid out over keychain items.
 *
 * Small enough: one item, under the main account (`${issuer}|${clientId}`), holding the value.
 * Too big for the platform's item cap (Windows Credential Manager: 2560 bytes per credential blob):
 * the value is cut into chunk items `${account}#chunk:${generation}:${index}` and the main item holds
 * a manifest (generation, count, length, SHA-256 of the whole). Chunks are written first and the
 * manifest last, under a fresh generation, so a write that stops half way leaves the previous
 * value readable (its manifest still names the previous generation), and a chunk that is missing
 * or altered fails the checksum and is reported as corrupt instead of being used.
 */
const MANIFEST_KIND = 'latchkey-split';

/**
 * The most chunks a split value may have. A session record is about 2 KB with the local provider's
 * opaque tokens (measured: 2,007 characters) and 4 to 8 KB with JWT access and ID tokens and long
 * opaque refresh tokens (Auth0, Entra ID): at Windows' 2560 bytes per item, 1280 characters, that
 * is at most 7 chunks. 32 leaves more than four times that, and keeps a tampered manifest cheap:
 * at most 33 keychain reads before it is found out (one naming 1,000 chunks cost 1,001 reads, 18 s).
 */
export const MAX_CHUNKS = 32;
/**
 * The longest value the store writes or accepts on reading, split or not: 32 chunks of 1280
 * characters. Checked before anything parses a value, so a huge item costs no JSON.parse either.
 */
export const MAX_VALUE_CHARS = MAX_CHUNKS * 1280;

const manifestSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal(MANIFEST_KIND),
    generation: z.string().regex(/^[0-9a-f]{8}$/),
    chunks: z.number().int().min(1).max(MAX_CHUNKS),
    length: z.number().int().min(1).max(MAX_VALUE_CHARS),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  // Every chunk holds at least one character.
  .refine((manifest) => manifest.chunks <= manifest.length);

export type Manifest = z.infer<typeof manifestSchema>;

/**
 * Conservative size of a stored value: two bytes per UTF-16 code unit. Values are ASCII only (the
 * store refuses others), so this is exact for UTF-16 and twice the UTF-8 size.
 */
export function itemBytes(value: string): number {
  return value.length * 2;
}

function sha256Hex(text: string): string {
  // Stryker disable next-line StringLiteral: equivalent: Node hashes a string as UTF-8 when the encoding is empty too
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function chunkAccount(mainAccount: string, generation: string, index: number): string {
  return `${mainAccount}#chunk:${generation}:${index}`;
}

/** Matches our chunk items for this main account only (another client id sharing a prefix never matches). */
export function isChunkAccountOf(mainAccount: string, account: string): boolean {
  if (!account.startsWith(`${mainAccount}#chunk:`)) return false;
  return /^[0-9a-f]{8}:\d+$/.test(account.slice(mainAccount.length + '#chunk:'.length));
}

export interface SplitPlan {
  manifest: Manifest;
  manifestText: string;
  chunks: { account: string; value: string }[];
}

/**
 * Cuts `text` into chunks that each fit `maxItemBytes`, under a fresh generation. The caller refuses
 * a plan of more than MAX_CHUNKS: a value the store would refuse to read back is never written.
 */
export function planSplit(mainAccount: string, text: string, maxItemBytes: number): SplitPlan {
  const charsPerChunk = Math.floor(maxItemBytes / 2);
  const generation = randomBytes(4).toString('hex');
  const values: string[] = [];
  for (let start = 0; start < text.length; start += charsPerChunk) {
    values.push(text.slice(start, start + charsPerChunk));
  }
  const manifest: Manifest = {
    v: 1,
    kind: MANIFEST_KIND,
    generation,
    chunks: values.length,
    length: text.length,
    sha256: sha256Hex(text),
  };
  return {
    manifest,
    manifestText: JSON.stringify(manifest),
    chunks: values.map((value, index) => ({ account: chunkAccount(mainAccount, generation, index), value })),
  };
}

/**
 * The manifest in a main item's value, or null when the value is not one (a plain record, or
 * garbage), or names more chunks or characters than a value Latchkey writes can have.
 */
export function parseManifest(value: string): Manifest | null {
  // A real manifest is about 170 characters; anything longer is not parsed at all.
  if (value.length > 512) return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
    // Stryker disable next-line BlockStatement: equivalent: `json` stays undefined and the kind check below returns null
  } catch {
    return null;
  }
  // Stryker disable next-line ConditionalExpression: equivalent: a shortcut; the schema below refuses any other kind too
  if ((json as { kind?: unknown } | null)?.kind !== MANIFEST_KIND) return null;
  const parsed = manifestSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** True when the value claims to be a manifest, well-formed or not. */
export function looksLikeManifest(value: string): boolean {
  return value.includes(`"kind":"${MANIFEST_KIND}"`);
}

export function joinChunks(manifest: Manifest, values: string[]): string | null {
  const text = values.join('');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent: cheap pre-checks; the SHA-256 comparison refuses any other text
  if (values.length !== manifest.chunks || text.length !== manifest.length) return null;
  return sha256Hex(text) === manifest.sha256 ? text : null;
}

/** The smallest cap that still leaves room for a manifest in the main item. */
export const MIN_ITEM_BYTES = 512;
