import { useEffect, useState } from 'react';
import { useApi } from '../api';

/**
 * Says when this run signs in against the local demo provider that a development build starts with
 * nothing configured, so nobody mistakes it for their real account. Asked once: the provider of a
 * run does not change.
 */
export function DemoProviderBanner() {
  const api = useApi();
  const [issuer, setIssuer] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api.getDiagnostics().then((result) => {
      if (live && result.ok && result.value.provider?.kind === 'local-demo')
        setIssuer(result.value.provider.issuer);
    });
    return () => {
      live = false;
    };
  }, [api]);
  if (!issuer) return null;
  return (
    <aside className="demo-banner" aria-label="Demo provider" data-testid="demo-banner">
      Demo mode: signing in with the local provider at <code>{issuer}</code> (accounts such as{' '}
      <code>ada</code> / <code>lovelace-demo</code>). See the README to use your own provider.
    </aside>
  );
}
