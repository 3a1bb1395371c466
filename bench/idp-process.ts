import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DemoAccount, IdpOptions } from '../idp/index';

/** What the benchmark needs of the provider running in its own process. */
export interface IdpProcess {
  port: number;
  issuer: string;
  clientId: string;
  audience: string;
  accounts: DemoAccount[];
  /** Moves the provider's clock forward (its tokens expire; the app's clock is not touched). */
  advanceClock(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./idp-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts idp-child.ts under tsx and waits for the line that says where it listens. */
export async function startIdpProcess(options: IdpOptions): Promise<IdpProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    // The measured process's flags (--expose-gc) and loaders are not the provider's business.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout });
  const first = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`the provider process exited (${String(code)}) before listening:\n${stderr}`)),
    );
  });
  const ready = JSON.parse(await first) as Omit<IdpProcess, 'close' | 'advanceClock'>;
  // Commands are answered in order, one line each.
  const answers: Array<(line: string) => void> = [];
  lines.on('line', (line) => answers.shift()?.(line));
  let closing: Promise<void> | undefined;
  return {
    ...ready,
    advanceClock: (seconds) =>
      new Promise<void>((resolve, reject) => {
        answers.push((line) =>
          line === 'ok' ? resolve() : reject(new Error(`the provider process answered: ${line}`)),
        );
        child.stdin.write(`advance ${Math.ceil(seconds)}\n`);
      }),
    close: () => {
      closing ??= (async () => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      })();
      return closing;
    },
  };
}
