/**
 * `npm run idp`: the local provider on a fixed port so the README and the app's demo default can
 * name it. Prints the issuer on a line of its own (scripts read it from there).
 */
import { parseArgs } from 'node:util';
import {
  AUTH0_STRICT_BEHAVIOUR,
  BEHAVIOUR_CHOICES,
  parseBehaviour,
  type ProviderBehaviour,
} from './behaviour.js';
import { startIdp } from './index.js';

const DEFAULT_PORT = 4400;

function usage(message: string): never {
  const behaviours = Object.entries(BEHAVIOUR_CHOICES)
    .map(([name, values]) => `  ${name}=${values.join('|')}`)
    .join('\n');
  console.error(
    `idp: ${message}\nusage: tsx idp/cli.ts [--port N] [--host ADDRESS] [--metadata-file PATH] [--auth0-strict] [--behaviour NAME=VALUE]...\n` +
      `--auth0-strict: Auth0 as it really is (idp/README.md); --behaviour flags then change single fields\n` +
      `behaviours (idp/behaviour.ts; the first value is the default):\n${behaviours}\n` +
      `  exactRedirectUris=URI-or-PORT,... (with redirectUris=exact)`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    'metadata-file'?: string;
    behaviour?: string[];
    'auth0-strict'?: boolean;
  };
  let behaviour: ProviderBehaviour;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'metadata-file': { type: 'string' },
        behaviour: { type: 'string', multiple: true },
        'auth0-strict': { type: 'boolean' },
      },
      strict: true,
    }));
    behaviour = parseBehaviour(values.behaviour ?? [], values['auth0-strict'] ? AUTH0_STRICT_BEHAVIOUR : {});
  } catch (error) {
    usage((error as Error).message);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    usage(`--port must be 0-65535, got ${values.port}`);

  const idp = await startIdp({ port, host: values.host, metadataFile: values['metadata-file'], behaviour });
  console.log(idp.issuer);
  console.error(`idp: client_id ${idp.clientId}, users API audience ${idp.audience}`);
  console.error(
    `idp: metadata ${values['metadata-file'] ? `in ${values['metadata-file']}` : 'in memory (lost on exit)'}`,
  );
  const bent = Object.entries(idp.behaviour)
    .filter(([name]) => name !== 'exactRedirectUris' || idp.behaviour.redirectUris === 'exact')
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  console.error(`idp: behaviour ${bent.join(' ')}`);
  for (const account of idp.accounts)
    console.error(`idp: demo account ${account.login} / ${account.password} (${account.sub})`);

  const stop = () => {
    idp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
