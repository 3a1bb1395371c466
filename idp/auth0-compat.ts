import type { KoaContextWithOIDC } from 'oidc-provider';

function words(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

/**
 * Makes `scope=offline_access` alone enough for a refresh token, as it is with Auth0.
 *
 * oidc-provider follows OIDC Core §11 literally and drops offline_access from any authorization
 * request whose prompt does not include `consent`, so without this the app would get no refresh
 * token unless it sent prompt=consent. Adding `consent` to the prompt costs nothing here: for
 * native clients oidc-provider already runs a consent interaction on every request
 * ("native_client_prompt"), and interactions.ts confirms consent on the person's behalf.
 * prompt=none is left alone: a silent request cannot consent, so dropping the scope is right.
 * Only GET /auth is rewritten; the app does not use PAR or form-posted authorization requests.
 */
export async function keepOfflineAccess(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  if (ctx.method === 'GET' && ctx.path === '/auth') {
    const prompts = words(ctx.query.prompt);
    if (
      words(ctx.query.scope).includes('offline_access') &&
      !prompts.includes('consent') &&
      !prompts.includes('none')
    ) {
      ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') };
    }
  }
  await next();
}
