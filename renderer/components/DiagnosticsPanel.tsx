import { Fragment, useCallback, useEffect, useState } from 'react';
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

interface DiagnosticsRow {
  label: string;
  value: string;
  mono?: boolean;
  testId?: string;
}

/** The facts, once: shown in the panel and copied as text ("Copy"), so both always say the same. */
export function diagnosticsRows(diagnostics: Diagnostics): DiagnosticsRow[] {
  return [
    { label: 'Provider', value: diagnostics.issuer, mono: true },
    { label: 'Client ID', value: diagnostics.clientId, mono: true },
    {
      label: 'Session storage',
      value: `${diagnostics.storage.backend === 'keychain' ? 'Keychain' : 'Memory only'}: ${diagnostics.storage.detail}`,
    },
    {
      label: 'Stored record',
      value: diagnostics.record
        ? `${diagnostics.record.bytes} bytes in ${diagnostics.record.items} keychain item${diagnostics.record.items === 1 ? '' : 's'}`
        : 'none',
    },
    // The same names as the Session card ("Access token expires", "Last confirmed"): one fact, one name.
    { label: 'Access token expires', value: when(diagnostics.accessTokenExpiresAt) },
    { label: 'Last renewed', value: when(diagnostics.lastRefreshAt) },
    { label: 'Last confirmed', value: when(diagnostics.lastValidatedAt) },
    { label: 'Users API', value: diagnostics.usersApi === 'auth0' ? 'Auth0 Management API' : 'none' },
    {
      label: 'Redirect address',
      mono: true,
      testId: 'diagnostics-redirect',
      value:
        diagnostics.redirectPorts.length > 0
          ? diagnostics.redirectPorts.map((port) => `http://127.0.0.1:${port}/callback`).join(', ')
          : 'http://127.0.0.1:{a new port each time}/callback',
    },
    {
      label: 'Offline access asked with consent',
      value: diagnostics.offlineAccessPrompt ? 'yes (prompt=consent)' : 'no',
    },
    { label: 'Scopes asked', value: diagnostics.scopes.requested.join(' '), mono: true },
    {
      label: 'Scopes granted',
      mono: true,
      testId: 'diagnostics-granted-scopes',
      value:
        diagnostics.scopes.granted === null
          ? 'no session'
          : `${diagnostics.scopes.granted.join(' ') || '(none)'}${diagnostics.scopes.grantedStated ? '' : ' (not stated by the provider: as asked)'}`,
    },
    {
      label: 'Refresh token',
      value:
        diagnostics.scopes.granted === null ? 'no session' : diagnostics.scopes.refreshToken ? 'yes' : 'none',
    },
    { label: 'Token revocation', value: REVOCATION_WORDS[diagnostics.revocation ?? 'unknown'] },
    {
      label: 'Last error',
      value: diagnostics.lastError
        ? `${diagnostics.lastError.code}: ${diagnostics.lastError.message} (${formatDateTime(diagnostics.lastError.at)})`
        : 'none',
    },
  ];
}

/** Plain text for a bug report: the same rows, one per line. Diagnostics hold no secret (common/diagnostics.ts). */
export function diagnosticsText(diagnostics: Diagnostics): string {
  return [
    'Latchkey diagnostics',
    ...diagnosticsRows(diagnostics).map((row) => `${row.label}: ${row.value}`),
  ].join('\n');
}

function DiagnosticsFacts({ diagnostics }: { diagnostics: Diagnostics }) {
  return (
    <dl className="facts" data-testid="diagnostics">
      {diagnosticsRows(diagnostics).map((row) => (
        <Fragment key={row.label}>
          <dt>{row.label}</dt>
          <dd className={row.mono ? 'mono' : undefined} data-testid={row.testId}>
            {row.value}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Facts for a bug report (never a token or a fragment of one): opened on demand, refreshed on demand. */
export function DiagnosticsPanel() {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [diagnostics, setDiagnostics] = useState<Diagnostics | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  const copy = async () => {
    if (!diagnostics) return;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(diagnosticsText(diagnostics));
      setOutcome('Diagnostics copied. Paste them into your bug report.');
    } catch {
      setOutcome('The clipboard is not available: select the facts below and copy them by hand.');
    }
  };
  const showLogs = async () => {
    const result = await api.showLogs();
    setOutcome(result.ok ? 'The log folder was opened in your file manager.' : result.error.message);
  };

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
          <>
            <button type="button" className="button" onClick={load}>
              Refresh
            </button>
            <button type="button" className="button" onClick={copy} disabled={!diagnostics}>
              Copy
            </button>
            <button type="button" className="button" onClick={showLogs}>
              Show logs
            </button>
          </>
        )}
      </div>
      {open && outcome && (
        <p role="status" className="muted" data-testid="diagnostics-outcome">
          {outcome}
        </p>
      )}
      <div id="diagnostics-body" hidden={!open}>
        {error && (
          <Notice tone="error" title="Diagnostics are not available" live>
            <p>{error.message}</p>
          </Notice>
        )}
        {diagnostics && <DiagnosticsFacts diagnostics={diagnostics} />}
      </div>
    </section>
  );
}
