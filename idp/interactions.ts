import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';
import { authenticate, type AccountRecord } from './accounts.js';
import { BodyTooLargeError, readBody, sendHtml } from './http-util.js';
import { confirmPage, consentPage, errorPage, loginPage } from './pages.js';

export interface InteractionDeps {
  provider: Provider;
  accounts: readonly AccountRecord[];
  /** Scopes the provider knows; anything else in a request is not written into a grant. */
  knownScopes: ReadonlySet<string>;
  clientName: string;
  /**
   * idp/behaviour.ts: given automatically, asked on a page where scopes can be unticked, or
   * Auth0's "Authorize App" page on every authorization (`auth0`).
   */
  consent: 'automatic' | 'partial-allowed' | 'auth0';
  /** The users API's scopes: what the `auth0` page lists as the API's permissions. */
  apiScopes: ReadonlySet<string>;
}

const FORM_LIMIT = 16 * 1024;

function paths(uid: string): { login: string; consent: string; confirm: string; abort: string } {
  const base = `/interaction/${encodeURIComponent(uid)}`;
  return {
    login: `${base}/login`,
    consent: `${base}/consent`,
    confirm: `${base}/confirm`,
    abort: `${base}/abort`,
  };
}

function renderLogin(
  res: ServerResponse,
  deps: InteractionDeps,
  uid: string,
  status: number,
  login?: string,
  error?: string,
): void {
  const { login: action, abort } = paths(uid);
  sendHtml(
    res,
    status,
    loginPage({
      action,
      abortAction: abort,
      clientName: deps.clientName,
      login,
      error,
      demoLogins: deps.accounts.map(({ login: name, password }) => ({ login: name, password })),
    }),
  );
}

/** The scopes of the request that the provider knows, in the order asked. */
function requestedScopes(deps: InteractionDeps, details: InteractionDetails): string[] {
  const requested = typeof details.params.scope === 'string' ? details.params.scope.split(' ') : [];
  return requested.filter((name) => deps.knownScopes.has(name));
}

/**
 * By default consent is given for everything the request asked for: the only client is the
 * first-party desktop app. It comes with the login form (one post), or from the confirmation page
 * when the browser session answered without a form (see showInteraction). Reuses the session's grant
 * when it belongs to the same person, so scopes accumulate. With `granted` (the `partial-allowed`
 * consent page), only those scopes are granted and the rest of the request is recorded as refused, in
 * a fresh grant, so that each consent decides anew.
 */
async function grantRequested(
  deps: InteractionDeps,
  details: InteractionDetails,
  accountId: string,
  granted?: ReadonlySet<string>,
): Promise<string> {
  const { Grant } = deps.provider;
  const clientId = String(details.params.client_id);
  const existing = details.grantId && !granted ? await Grant.find(details.grantId) : undefined;
  const grant = existing && existing.accountId === accountId ? existing : new Grant({ accountId, clientId });

  const requested = requestedScopes(deps, details);
  const scope = requested.filter((name) => !granted || granted.has(name)).join(' ');
  if (scope) grant.addOIDCScope(scope);
  const refused = requested.filter((name) => granted && !granted.has(name)).join(' ');
  // Refused scopes count as "encountered": oidc-provider then does not ask for them again.
  if (refused) grant.rejectOIDCScope(refused);

  const missingClaims = details.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
  const missingResourceScopes = details.prompt.details.missingResourceScopes;
  if (missingResourceScopes && typeof missingResourceScopes === 'object') {
    for (const [indicator, scopes] of Object.entries(missingResourceScopes as Record<string, unknown>)) {
      if (Array.isArray(scopes)) grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

async function details(
  deps: InteractionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<InteractionDetails | undefined> {
  let found: InteractionDetails;
  try {
    found = await deps.provider.interactionDetails(req, res);
  } catch {
    // No interaction cookie, or the interaction expired: the only way forward is a new sign-in.
    sendHtml(
      res,
      400,
      errorPage({
        error: 'This sign-in page has expired',
        error_description: 'Return to the app and start signing in again.',
      }),
    );
    return undefined;
  }
  if (found.uid !== uid) {
    sendHtml(
      res,
      400,
      errorPage({
        error: 'This sign-in page does not match your browser session',
        error_description: 'Return to the app and start signing in again.',
      }),
    );
    return undefined;
  }
  return found;
}

/** GET /interaction/:uid */
export async function showInteraction(
  deps: InteractionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const found = await details(deps, req, res, uid);
  if (!found) return;
  switch (found.prompt.name) {
    case 'login': {
      const hint = typeof found.params.login_hint === 'string' ? found.params.login_hint : undefined;
      renderLogin(res, deps, uid, 200, hint);
      return;
    }
    case 'consent': {
      // With automatic consent only an existing browser session gets here (the login form grants
      // consent with the login). Auth0 asks the person to confirm on every sign-in to a loopback
      // redirect that showed no other screen ("Non-Verifiable Callback URI End-User Confirmation": "the user is prompted to
      // verify the application on each authentication transaction",
      // https://auth0.com/docs/secure/security-guidance/measures-against-app-impersonation). Without
      // it, any program on this computer could open the browser at an authorization URL naming its
      // own loopback port and collect a code for the person's account without them knowing.
      const accountId = found.session?.accountId;
      if (!accountId) throw new Error('idp: consent prompt without a signed-in session');
      if (deps.consent === 'partial-allowed') {
        // The consent page is itself a screen the person answers: no confirmation on top of it.
        const { consent, abort } = paths(uid);
        sendHtml(
          res,
          200,
          consentPage({
            action: consent,
            abortAction: abort,
            clientName: deps.clientName,
            scopes: requestedScopes(deps, found),
          }),
        );
        return;
      }
      const account = deps.accounts.find((candidate) => candidate.sub === accountId);
      const { confirm, abort } = paths(uid);
      sendHtml(
        res,
        200,
        confirmPage({
          action: confirm,
          abortAction: abort,
          clientName: deps.clientName,
          accountName: account?.name ?? accountId,
          redirectUri: String(found.params.redirect_uri ?? ''),
          // Auth0's consent for an API lists what the app asks to do there.
          permissions:
            deps.consent === 'auth0'
              ? requestedScopes(deps, found).filter((scope) => deps.apiScopes.has(scope))
              : [],
        }),
      );
      return;
    }
    default:
      sendHtml(res, 400, errorPage({ error: `Unsupported prompt: ${found.prompt.name}` }));
  }
}

/** POST /interaction/:uid/login */
export async function submitLogin(
  deps: InteractionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const found = await details(deps, req, res, uid);
  if (!found) return;
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readBody(req, FORM_LIMIT));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendHtml(res, 413, errorPage({ error: 'Form too large' }));
    throw error;
  }
  const login = form.get('login') ?? '';
  const password = form.get('password') ?? '';
  const account = authenticate(deps.accounts, login, password);
  if (!account) {
    renderLogin(res, deps, uid, 401, login, 'Wrong login or password.');
    return;
  }
  if (deps.consent === 'partial-allowed' || deps.consent === 'auth0') {
    // The consent or confirmation page comes next (oidc-provider asks for consent on every
    // native-client request).
    await deps.provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub, amr: ['pwd'], remember: true } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  // Login and consent in one result: one form post, then straight back to the app.
  const grantId = await grantRequested(deps, found, account.sub);
  await deps.provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.sub, amr: ['pwd'], remember: true }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/** POST /interaction/:uid/consent (the `partial-allowed` consent page): grants the ticked scopes. */
export async function submitConsent(
  deps: InteractionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const found = await details(deps, req, res, uid);
  if (!found) return;
  const accountId = found.session?.accountId;
  if (deps.consent !== 'partial-allowed' || found.prompt.name !== 'consent' || !accountId) {
    sendHtml(res, 400, errorPage({ error: 'No consent is being asked for' }));
    return;
  }
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readBody(req, FORM_LIMIT));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendHtml(res, 413, errorPage({ error: 'Form too large' }));
    throw error;
  }
  // openid cannot be refused: without it this is not an OpenID Connect sign-in at all.
  const granted = new Set(['openid', ...form.getAll('scope')]);
  const grantId = await grantRequested(deps, found, accountId, granted);
  await deps.provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

/** POST /interaction/:uid/abort: the person pressed Cancel; the app receives access_denied. */
export async function abortInteraction(
  deps: InteractionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const found = await details(deps, req, res, uid);
  if (!found) return;
  await deps.provider.interactionFinished(
    req,
    res,
    { error: 'access_denied', error_description: 'End-User aborted interaction' },
    { mergeWithLastSubmission: false },
  );
}

/** POST /interaction/:uid/confirm: the person accepted the confirmation page. */
export async function confirmInteraction(
  deps: InteractionDeps,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<void> {
  const found = await details(deps, req, res, uid);
  if (!found) return;
  const accountId = found.session?.accountId;
  if (found.prompt.name !== 'consent' || !accountId) {
    sendHtml(
      res,
      400,
      errorPage({ error: 'Nothing to confirm here', error_description: 'Return to the app.' }),
    );
    return;
  }
  const grantId = await grantRequested(deps, found, accountId);
  await deps.provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}
