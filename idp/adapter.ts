import type { Adapter, AnyObject } from 'oidc-provider';

const EXPIRED_GRACE_SECONDS = 60;

interface Entry {
  payload: AnyObject;
  /** Epoch ms; Infinity when oidc-provider gave no lifetime. */
  expiresAt: number;
}

/**
 * One provider's storage. oidc-provider's bundled MemoryAdapter keeps a module-wide LRU of 1000
 * entries: two providers in one test process would share it and a benchmark could evict live
 * sessions. It also cannot enumerate, which revokeAllGrantsFor needs.
 */
export class ProviderStore {
  readonly #entries = new Map<string, Entry>();

  adapterFor(model: string): Adapter {
    return new StoreAdapter(model, this);
  }

  get(key: string): AnyObject | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: AnyObject, expiresInSeconds: number | undefined): void {
    // Kept a little past expiry: oidc-provider checks `exp` itself, and a token found but expired
    // lets the users API say "expired" (which clients treat as "refresh") rather than "invalid".
    const expiresAt =
      typeof expiresInSeconds === 'number'
        ? Date.now() + (expiresInSeconds + EXPIRED_GRACE_SECONDS) * 1000
        : Infinity;
    this.#entries.set(key, { payload, expiresAt });
    // Benchmarks log in thousands of times; sweep now and then so expired codes do not pile up.
    this.#writes += 1;
    if (this.#writes % 500 === 0) this.#sweep();
  }

  #writes = 0;

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  findWhere(model: string, predicate: (payload: AnyObject) => boolean): AnyObject | undefined {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now && key.startsWith(`${model}:`) && predicate(entry.payload))
        return entry.payload;
    }
    return undefined;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Deletes every stored entry matching `predicate`; returns how many went. */
  deleteWhere(predicate: (model: string, payload: AnyObject) => boolean): number {
    let count = 0;
    for (const [key, entry] of this.#entries) {
      const model = key.slice(0, key.indexOf(':'));
      if (predicate(model, entry.payload)) {
        this.#entries.delete(key);
        count += 1;
      }
    }
    return count;
  }

  /** Ends every session, grant and token of one account, as an administrator revoking access would. */
  revokeAccount(accountId: string): number {
    const grantIds = new Set<string>();
    for (const [key, entry] of this.#entries) {
      if (key.startsWith('Grant:') && entry.payload.accountId === accountId)
        grantIds.add(key.slice('Grant:'.length));
    }
    return this.deleteWhere((model, payload) => {
      if (payload.accountId === accountId) return true;
      if (typeof payload.grantId === 'string' && grantIds.has(payload.grantId)) return true;
      // An interaction in progress may already carry the session being ended.
      const session = payload.session as AnyObject | undefined;
      return model === 'Interaction' && session?.accountId === accountId;
    });
  }
}

class StoreAdapter implements Adapter {
  readonly #model: string;
  readonly #store: ProviderStore;

  constructor(model: string, store: ProviderStore) {
    this.#model = model;
    this.#store = store;
  }

  #key(id: string): string {
    return `${this.#model}:${id}`;
  }

  async upsert(id: string, payload: AnyObject, expiresIn?: number): Promise<void> {
    this.#store.set(this.#key(id), payload, expiresIn);
  }

  async find(id: string): Promise<AnyObject | undefined> {
    return this.#store.get(this.#key(id));
  }

  async findByUid(uid: string): Promise<AnyObject | undefined> {
    return this.#store.findWhere(this.#model, (payload) => payload.uid === uid);
  }

  async findByUserCode(userCode: string): Promise<AnyObject | undefined> {
    return this.#store.findWhere(this.#model, (payload) => payload.userCode === userCode);
  }

  async consume(id: string): Promise<void> {
    const payload = this.#store.get(this.#key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.#store.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.#store.deleteWhere((model, payload) => model === this.#model && payload.grantId === grantId);
  }
}
