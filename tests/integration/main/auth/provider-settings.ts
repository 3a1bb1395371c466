import { API_SCOPES, OIDC_SCOPES, type RunningIdp } from '../../../../idp/index';
import type { ProviderSettings } from '../../../../main/auth/types';

/** The settings the app would use for the local provider (main/config/settings.ts's demo default). */
export function settingsFor(idp: Pick<RunningIdp, 'issuer' | 'clientId' | 'audience'>): ProviderSettings {
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    audience: idp.audience,
    scopes: [...OIDC_SCOPES, ...API_SCOPES],
    usersApi: { kind: 'auth0', baseUrl: idp.issuer },
  };
}

/** How many code exchanges / refreshes reached the provider's token endpoint. */
export function tokenRequests(idp: Pick<RunningIdp, 'requestLog'>): number {
  return idp.requestLog.filter((entry) => entry.method === 'POST' && entry.path === '/token').length;
}
