import { mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type UserMetadata = Record<string, unknown>;

export interface MetadataRecord {
  user_metadata: UserMetadata;
  /** ISO time of the last change; the users API reports it as updated_at. */
  updated_at: string;
}

/** Where user_metadata lives: memory by default, or a JSON file that survives restarts. */
export interface MetadataStore {
  get(sub: string): MetadataRecord | undefined;
  set(sub: string, record: MetadataRecord): Promise<void>;
  all(): ReadonlyMap<string, MetadataRecord>;
}

interface FileShape {
  version: 1;
  users: Record<string, MetadataRecord>;
}

export function createMemoryMetadataStore(): MetadataStore {
  const records = new Map<string, MetadataRecord>();
  return {
    get: (sub) => records.get(sub),
    set: async (sub, record) => {
      records.set(sub, record);
    },
    all: () => records,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFile(path: string, text: string): Map<string, MetadataRecord> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new Error(`idp: metadata file ${path} is not valid JSON; fix or delete it`, { cause });
  }
  if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.users)) {
    throw new Error(
      `idp: metadata file ${path} is not in the expected {"version":1,"users":{...}} shape; fix or delete it`,
    );
  }
  const records = new Map<string, MetadataRecord>();
  for (const [sub, value] of Object.entries(parsed.users)) {
    if (!isRecord(value) || !isRecord(value.user_metadata) || typeof value.updated_at !== 'string') {
      throw new Error(`idp: metadata file ${path} has an invalid entry for ${JSON.stringify(sub)}`);
    }
    records.set(sub, { user_metadata: value.user_metadata, updated_at: value.updated_at });
  }
  return records;
}

/**
 * Loads (or starts) a JSON metadata file. Every change rewrites the whole file through a temporary
 * file and a rename, so a crash mid-write leaves the previous version rather than a torn file.
 * Writes are chained so that two PATCHes in flight cannot rename over each other out of order.
 */
export async function openFileMetadataStore(path: string): Promise<MetadataStore> {
  let records: Map<string, MetadataRecord>;
  try {
    records = parseFile(path, await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    records = new Map();
  }
  await mkdir(dirname(path), { recursive: true });

  let queue: Promise<void> = Promise.resolve();
  const persist = async (): Promise<void> => {
    const shape: FileShape = { version: 1, users: Object.fromEntries(records) };
    const temp = join(
      dirname(path),
      `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
    );
    try {
      await writeFile(temp, `${JSON.stringify(shape, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw new Error(`idp: could not write metadata file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  return {
    get: (sub) => records.get(sub),
    set: (sub, record) => {
      records.set(sub, record);
      const write = queue.then(persist);
      // A failed write must not poison every later write; the caller of this one still sees it.
      queue = write.catch(() => undefined);
      return write;
    },
    all: () => records,
  };
}
