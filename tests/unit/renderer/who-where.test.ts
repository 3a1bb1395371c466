import { describe, expect, it } from 'vitest';
import { personName, providerName, signedInTo } from '../../../renderer/who-where';

describe('who is signed in where', () => {
  it('names the provider by its host, the demo provider as such, and an unknown one generically', () => {
    expect(providerName({ issuer: 'https://tenant.eu.auth0.com/' })).toBe('tenant.eu.auth0.com');
    expect(
      providerName({
        issuer: 'http://127.0.0.1:4400',
        provider: { kind: 'local-demo', issuer: 'http://127.0.0.1:4400' },
      }),
    ).toBe('the demo provider');
    expect(providerName(null)).toBe('your provider');
    expect(providerName({ issuer: 'not a url' })).toBe('your provider');
  });

  it('names the person by email, else name, else given and family name, else the subject', () => {
    expect(personName({ sub: 's', email: 'a@x', name: 'Ada' })).toBe('a@x');
    expect(personName({ sub: 's', name: 'Ada' })).toBe('Ada');
    expect(personName({ sub: 's', givenName: 'Ada', familyName: 'King' })).toBe('Ada King');
    expect(personName({ sub: 's' })).toBe('s');
    expect(signedInTo('idp.example', { sub: 's', email: 'a@x' })).toBe('Signed in to idp.example as a@x');
  });
});
