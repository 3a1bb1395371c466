import { useEffect, useState } from 'react';
import type { Diagnostics } from '../common/diagnostics';
import type { Profile } from '../common/session-state';
import type { LatchkeyApi } from '../common/window-api';
import { useApi } from './api';

/**
 * Who is signed in where, in the words of the top bar ("Signed in to ‹provider› as ‹email or name›"),
 * the announcer and the sign-out confirmation: the same words for the same fact everywhere.
 */

/** The provider as a person knows it: its host name (the demo provider says so). */
export function providerName(provider: Pick<Diagnostics, 'issuer' | 'provider'> | null): string {
  if (!provider) return 'your provider';
  if (provider.provider?.kind === 'local-demo') return 'the demo provider';
  try {
    return new URL(provider.issuer).host || 'your provider';
  } catch {
    return 'your provider';
  }
}

/** The person: their email address where there is one (what they typed to sign in), else their name. */
export function personName(profile: Profile): string {
  const joined = [profile.givenName, profile.familyName].filter(Boolean).join(' ');
  return profile.email || profile.name || joined || profile.sub;
}

export function signedInTo(provider: string, profile: Profile): string {
  return `Signed in to ${provider} as ${personName(profile)}`;
}

/** One diagnostics request per page for the provider's identity: it does not change during a run. */
const asked = new WeakMap<LatchkeyApi, Promise<Diagnostics | null>>();

function providerOf(api: LatchkeyApi): Promise<Diagnostics | null> {
  let pending = asked.get(api);
  if (!pending) {
    pending = api.getDiagnostics().then((result) => (result.ok ? result.value : null));
    asked.set(api, pending);
  }
  return pending;
}

/** The provider's name, "your provider" until it is known. */
export function useProviderName(): string {
  const api = useApi();
  const [name, setName] = useState('your provider');
  useEffect(() => {
    let live = true;
    void providerOf(api).then((diagnostics) => {
      if (live) setName(providerName(diagnostics));
    });
    return () => {
      live = false;
    };
  }, [api]);
  return name;
}
