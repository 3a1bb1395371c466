import { describe, expect, it } from 'vitest';
import {
  AUTH0_STRICT_BEHAVIOUR,
  DEFAULT_BEHAVIOUR,
  parseBehaviour,
  resolveBehaviour,
} from '../../../idp/behaviour';

describe('the local provider behaviour options', () => {
  it('default to a standard provider', () => {
    expect(resolveBehaviour()).toEqual(DEFAULT_BEHAVIOUR);
    expect(DEFAULT_BEHAVIOUR).toMatchObject({
      redirectUris: 'loopback-any-port',
      refreshRefusal: 'standard',
      revocation: 'public-clients',
      consent: 'automatic',
      offlineAccess: 'standard',
    });
  });

  it('refuse a value outside the documented ones, naming the field and the choices', () => {
    expect(() => resolveBehaviour({ revocation: 'sometimes' as never })).toThrow(
      'idp: behaviour revocation must be one of public-clients, none, confidential-only, got sometimes',
    );
    expect(() => resolveBehaviour({ exactRedirectUris: ['not a url'] })).toThrow(/invalid URL: not a url/);
  });

  it('read the CLI form: name=value pairs, ports standing for loopback callback URIs', () => {
    expect(
      parseBehaviour([
        'redirectUris=exact',
        'exactRedirectUris=53682,http://127.0.0.1:8080/cb',
        'consent=partial-allowed',
      ]),
    ).toEqual({
      ...DEFAULT_BEHAVIOUR,
      redirectUris: 'exact',
      exactRedirectUris: ['http://127.0.0.1:53682/callback', 'http://127.0.0.1:8080/cb'],
      consent: 'partial-allowed',
    });
    expect(() => parseBehaviour(['colour=blue'])).toThrow(/unknown behaviour "colour=blue"/);
    expect(() => parseBehaviour(['revocation'])).toThrow(/unknown behaviour/);
  });

  it('the strict Auth0 mode is a set of these fields (the permissive default unchanged), and --behaviour flags change single ones', () => {
    expect(DEFAULT_BEHAVIOUR).toMatchObject({
      managementApi: 'one-token',
      logout: 'rp-initiated',
      issuer: 'bare',
    });
    expect(resolveBehaviour(AUTH0_STRICT_BEHAVIOUR)).toMatchObject({
      redirectUris: 'exact',
      exactRedirectUris: ['http://127.0.0.1:53682/callback', 'http://127.0.0.1:53683/callback'],
      refreshRefusal: 'auth0',
      consent: 'auth0',
      offlineAccess: 'auth0',
      managementApi: 'auth0',
      logout: 'auth0',
      issuer: 'trailing-slash',
    });
    expect(parseBehaviour(['refreshRefusal=standard'], AUTH0_STRICT_BEHAVIOUR)).toMatchObject({
      refreshRefusal: 'standard',
      managementApi: 'auth0',
    });
  });
});
