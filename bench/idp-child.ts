/**
 * The local provider in a process of its own, for the benchmark. It must not share the measured
 * process: its token store grows with every login and refresh, which would be counted as the app's
 * heap growth, and its CPU time would be charged to the app's timings.
 *
 * Reads its options as JSON from argv[2]; prints one JSON line ({ port, issuer, clientId, audience,
 * accounts }) once it listens. Commands on stdin, one per line, each answered with a line "ok":
 * `advance SECONDS` moves the provider's clock forward (provider-clock.ts). Stops on SIGTERM or
 * when stdin closes (the parent went away).
 */
import { advanceProviderClock } from './provider-clock';
import { createInterface } from 'node:readline';
import { startIdp, type IdpOptions } from '../idp/index';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as IdpOptions;
  const idp = await startIdp(options);
  const { port, issuer, clientId, audience, accounts } = idp;
  process.stdout.write(`${JSON.stringify({ port, issuer, clientId, audience, accounts })}\n`);
  const stop = () => {
    void idp.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  const commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    const advance = /^advance (\d+)$/.exec(line.trim());
    if (advance) {
      advanceProviderClock(Number(advance[1]));
      process.stdout.write('ok\n');
    } else {
      process.stdout.write(`error: unknown command ${JSON.stringify(line)}\n`);
    }
  });
  commands.on('close', stop);
}

main().catch((error: unknown) => {
  console.error(`idp-child: ${(error as Error).message}`);
  process.exit(1);
});
