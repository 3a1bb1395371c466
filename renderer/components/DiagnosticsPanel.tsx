import { useCallback, useEffect, useState } from 'react';
import type { Diagnostics } from '../../common/diagnostics';
import type { ErrorInfo } from '../../common/errors';
import { useApi } from '../api';
import { formatDateTime } from '../format';
import { Notice } from './Notice';

const REVOCATION_WORDS: Record<NonNullable<Diagnostics['revocation']> | 'unknown', string> = {
  publicClients: 'offered to apps like Latchkey',
  confidentialOnly: 'offered to server applications only (revocation_endpoint_auth_methods_supported)',
  notOffered: 'not offered (no revocation_endpoint)',
  notAdvertised: 'offered; who may use it is not advertised (Latchkey tries)',
  unknown: 'not known yet (before discovery)',
};

function when(epochMs: number | null): string {
  return epochMs === null ? 'never' : formatDateTime(epochMs);
}

function DiagnosticsFacts({ diagnostics }: { diagnostics: Diagnostics }) {
  return (
    <dl className="facts" data-testid="diagnostics">
      <dt>Provider</dt>
      <dd className="mono">{diagnostics.issuer}</dd>
      <dt>Client ID</dt>
      <dd className="mono">{diagnostics.clientId}</dd>
      <dt>Session storage</dt>
      <dd>
        {diagnostics.storage.backend === 'keychain' ? 'Keychain' : 'Memory only'}:{' '}
        {diagnostics.storage.detail}
      </dd>
      <dt>Stored record</dt>
      <dd>
        {diagnostics.record
          ? `${diagnostics.record.bytes} bytes in ${diagnostics.record.items} keychain item${diagnostics.record.items === 1 ? '' : 's'}`
          : 'none'}
      </dd>
      <dt>Access token expires</dt>
      <dd>{when(diagnostics.accessTokenExpiresAt)}</dd>
      <dt>Last renewed</dt>
      <dd>{when(diagnostics.lastRefreshAt)}</dd>
      <dt>Last confirmed</dt>
      <dd>{when(diagnostics.lastValidatedAt)}</dd>
      <dt>Users API</dt>
      <dd>{diagnostics.usersApi === 'auth0' ? 'Auth0 Management API' : 'none'}</dd>
      <dt>Redirect address</dt>
      <dd className="mono" data-testid="diagnostics-redirect">
        {diagnostics.redirectPorts.length > 0
          ? diagnostics.redirectPorts.map((port) => `http://127.0.0.1:${port}/callback`).join(', ')
          : 'http://127.0.0.1:{a new port each time}/callback'}
      </dd>
      <dt>Offline access asked with consent</dt>
      <dd>{diagnostics.offlineAccessPrompt ? 'yes (prompt=consent)' : 'no'}</dd>
      <dt>Scopes asked</dt>
      <dd className="mono">{diagnostics.scopes.requested.join(' ')}</dd>
      <dt>Scopes granted</dt>
      <dd className="mono" data-testid="diagnostics-granted-scopes">
        {diagnostics.scopes.granted === null
          ? 'no session'
          : `${diagnostics.scopes.granted.join(' ') || '(none)'}${diagnostics.scopes.grantedStated ? '' : ' (not stated by the provider: as asked)'}`}
      </dd>
      <dt>Refresh token</dt>
      <dd>
        {diagnostics.scopes.granted === null
          ? 'no session'
          : diagnostics.scopes.refreshToken
            ? 'yes'
            : 'none'}
      </dd>
      <dt>Token revocation</dt>
      <dd>{REVOCATION_WORDS[diagnostics.revocation ?? 'unknown']}</dd>
      <dt>Last error</dt>
      <dd>
        {diagnostics.lastError
          ? `${diagnostics.lastError.code}: ${diagnostics.lastError.message} (${formatDateTime(diagnostics.lastError.at)})`
          : 'none'}
      </dd>
    </dl>
  );
}

/** Facts for a bug report (never a token or a fragment of one): opened on demand, refreshed on demand. */
export function DiagnosticsPanel() {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [diagnostics, setDiagnostics] = useState<Diagnostics | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const load = useCallback(async () => {
    const result = await api.getDiagnostics();
    if (result.ok) {
      setDiagnostics(result.value);
      setError(null);
    } else setError(result.error);
  }, [api]);

  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  return (
    <section className="card" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title">Diagnostics</h2>
      <div className="actions">
        <button
          type="button"
          className="button"
          aria-expanded={open}
          aria-controls="diagnostics-body"
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide diagnostics' : 'Show diagnostics'}
        </button>
        {open && (
          <button type="button" className="button" onClick={load}>
            Refresh
          </button>
        )}
      </div>
      <div id="diagnostics-body" hidden={!open}>
        {error && (
          <Notice tone="error" title="Diagnostics are not available">
            <p>{error.message}</p>
          </Notice>
        )}
        {diagnostics && <DiagnosticsFacts diagnostics={diagnostics} />}
      </div>
    </section>
  );
}
