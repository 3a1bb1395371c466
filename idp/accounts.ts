import { timingSafeEqual, createHash } from 'node:crypto';

/** A person who can sign in to the local provider. Passwords are demo values, shown on the login page. */
export interface DemoAccount {
  sub: string;
  login: string;
  password: string;
  name: string;
  given_name: string;
  family_name: string;
  email: string;
  email_verified: boolean;
  picture: string;
}

interface AccountSeed {
  login: string;
  password: string;
  given_name: string;
  family_name: string;
  email_verified: boolean;
  /** Background colour of the generated avatar. */
  colour: string;
  /** Fixed so that user records (created_at) are the same on every run. */
  created_at: string;
}

// Subs follow Auth0's "connection|id" shape so that code written against Auth0 (URL-encoding the
// "|" in /api/v2/users/{id}) is exercised by the local provider too.
const SEEDS: readonly AccountSeed[] = [
  {
    login: 'ada',
    password: 'lovelace-demo',
    given_name: 'Ada',
    family_name: 'Lovelace',
    email_verified: true,
    colour: '#6d28d9',
    created_at: '2024-01-10T09:00:00.000Z',
  },
  {
    login: 'grace',
    password: 'hopper-demo',
    given_name: 'Grace',
    family_name: 'Hopper',
    email_verified: true,
    colour: '#0f766e',
    created_at: '2024-02-12T09:00:00.000Z',
  },
  {
    login: 'alan',
    password: 'turing-demo',
    given_name: 'Alan',
    family_name: 'Turing',
    email_verified: false,
    colour: '#b45309',
    created_at: '2024-03-14T09:00:00.000Z',
  },
];

const SUB_PREFIX = 'local|';

export interface AccountRecord extends DemoAccount {
  colour: string;
  created_at: string;
}

function avatarPath(login: string): string {
  return `/avatars/${encodeURIComponent(login)}.svg`;
}

/** The demo accounts, with picture URLs served by the provider at `issuer`. */
export function createAccounts(issuer: string): AccountRecord[] {
  return SEEDS.map((seed) => ({
    sub: `${SUB_PREFIX}${seed.login}`,
    login: seed.login,
    password: seed.password,
    name: `${seed.given_name} ${seed.family_name}`,
    given_name: seed.given_name,
    family_name: seed.family_name,
    email: `${seed.login}@latchkey.example`,
    email_verified: seed.email_verified,
    picture: `${issuer}${avatarPath(seed.login)}`,
    colour: seed.colour,
    created_at: seed.created_at,
  }));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Finds the account for a login and password. Both comparisons are constant-time over digests so
 * the demo does not model a timing oracle that a real provider must not have.
 */
export function authenticate(
  accounts: readonly AccountRecord[],
  login: string,
  password: string,
): AccountRecord | undefined {
  const wantedLogin = digest(login.trim().toLowerCase());
  const wantedPassword = digest(password);
  let found: AccountRecord | undefined;
  for (const account of accounts) {
    const loginMatches = timingSafeEqual(digest(account.login), wantedLogin);
    const passwordMatches = timingSafeEqual(digest(account.password), wantedPassword);
    if (loginMatches && passwordMatches) found = account;
  }
  return found;
}
