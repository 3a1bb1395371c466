import { performance } from 'node:perf_hooks';
import type { KeychainBackend } from '../main/keychain/keychain-store';

export type KeychainOpKind = 'read' | 'write' | 'delete' | 'list';

export interface KeychainCall {
  kind: KeychainOpKind;
  /** performance.now() when the call was issued and when it settled. */
  start: number;
  end: number;
}

/** The real keychain, with every call it receives recorded (kind and duration). */
export interface CountingKeychain extends KeychainBackend {
  readonly calls: readonly KeychainCall[];
  clear(): void;
}

const KIND: Record<keyof KeychainBackend, KeychainOpKind> = {
  getPassword: 'read',
  setPassword: 'write',
  deletePassword: 'delete',
  findCredentials: 'list',
};

export function countingKeychain(real: KeychainBackend): CountingKeychain {
  const calls: KeychainCall[] = [];
  function wrap<K extends keyof KeychainBackend>(operation: K): KeychainBackend[K] {
    return (async (...args: string[]) => {
      const start = performance.now();
      try {
        return await (real[operation] as (...a: string[]) => Promise<unknown>)(...args);
      } finally {
        calls.push({ kind: KIND[operation], start, end: performance.now() });
      }
    }) as KeychainBackend[K];
  }
  return {
    getPassword: wrap('getPassword'),
    setPassword: wrap('setPassword'),
    deletePassword: wrap('deletePassword'),
    findCredentials: wrap('findCredentials'),
    calls,
    clear() {
      calls.length = 0;
    },
  };
}

/** The real keytar module. */
export async function realKeytar(): Promise<KeychainBackend> {
  const module = (await import('keytar')) as unknown as { default?: KeychainBackend } & KeychainBackend;
  return module.default ?? module;
}
