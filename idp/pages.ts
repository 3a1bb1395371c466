/**
 * The provider's HTML. Plain pages with inline styles and no external fonts or scripts, so they
 * render offline, load fast in end-to-end tests and pass an accessibility scan (labelled inputs,
 * one h1, a lang attribute).
 */

function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** No scripts at all; inline styles only. No form-action: the login redirect chain ends on the app's loopback port. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
  body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f4f5;color:#18181b;margin:0;padding:48px 16px}
  main{max-width:360px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
  h1{font-size:1.35rem;margin:0 0 16px}
  label{display:block;font-weight:600;margin:12px 0 4px}
  input[type=text],input[type=password]{box-sizing:border-box;width:100%;padding:8px 10px;font-size:1rem;border:1px solid #a1a1aa;border-radius:4px}
  button{margin-top:16px;width:100%;padding:10px;font-size:1rem;font-weight:600;border:0;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
  button.secondary{background:#e4e4e7;color:#18181b}
  .error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca;border-radius:4px;padding:8px 10px}
  .hint{font-size:.875rem;color:#3f3f46}
  code{font-size:.875rem}
  .scopes{list-style:none;padding:0}
  .scopes li{margin:8px 0}
`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  action: string;
  abortAction: string;
  clientName: string;
  login?: string;
  error?: string;
  demoLogins: ReadonlyArray<{ login: string; password: string }>;
}

export function loginPage(input: LoginPageInput): string {
  const error = input.error
    ? `<p class="error" role="alert" id="login-error">${escapeHtml(input.error)}</p>`
    : '';
  const demo = input.demoLogins
    .map(
      (account) =>
        `<li><code>${escapeHtml(account.login)}</code> / <code>${escapeHtml(account.password)}</code></li>`,
    )
    .join('');
  return layout(
    'Sign in - Latchkey local provider',
    `<h1>Sign in to ${escapeHtml(input.clientName)}</h1>
${error}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="off">
  <label for="login">Login</label>
  <input type="text" id="login" name="login" value="${escapeHtml(input.login ?? '')}" required autofocus autocapitalize="none" spellcheck="false"${input.error ? ' aria-describedby="login-error"' : ''}>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" required>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="${escapeHtml(input.abortAction)}">
  <button type="submit" class="secondary">Cancel</button>
</form>
<p class="hint">This is Latchkey's local demo provider. Demo accounts:</p>
<ul class="hint">${demo}</ul>`,
  );
}

export interface ConfirmPageInput {
  action: string;
  abortAction: string;
  clientName: string;
  accountName: string;
  /** Where the browser goes next: the app's loopback port, shown so a person can notice a stranger's. */
  redirectUri: string;
  /** An API's permissions the app asks for (Auth0's consent for an API lists them). */
  permissions?: readonly string[];
}

/** Auth0's "Authorize App" confirmation, for a sign-in the browser session would otherwise finish silently. */
export function confirmPage(input: ConfirmPageInput): string {
  return layout(
    'Authorize app - Latchkey local provider',
    `<h1>Authorize ${escapeHtml(input.clientName)}</h1>
<p>Hi ${escapeHtml(input.accountName)}, ${escapeHtml(input.clientName)} is requesting access to your account.</p>
${
  input.permissions && input.permissions.length > 0
    ? `<ul class="permissions">${input.permissions.map((scope) => `<li>${escapeHtml(SCOPE_WORDS[scope] ?? scope)} <code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`
    : ''
}
<p class="hint">After you accept, the browser returns to <code>${escapeHtml(input.redirectUri)}</code>. Decline if you did not just start signing in.</p>
<form method="post" action="${escapeHtml(input.action)}">
  <button type="submit">Accept</button>
</form>
<form method="post" action="${escapeHtml(input.abortAction)}">
  <button type="submit" class="secondary">Decline</button>
</form>`,
  );
}

const SCOPE_WORDS: Record<string, string> = {
  openid: 'Sign you in (always needed)',
  profile: 'Your name and picture',
  email: 'Your email address',
  offline_access: 'Keep you signed in (stay signed in after you close it)',
  'read:current_user': 'Read your account details',
  'update:current_user_metadata': 'Change your account details',
};

export interface ConsentPageInput {
  action: string;
  abortAction: string;
  clientName: string;
  /** The requested scopes, each shown with a checkbox (all ticked; `openid` cannot be unticked). */
  scopes: readonly string[];
}

/** The `partial-allowed` consent page (idp/behaviour.ts): every scope but openid can be unticked. */
export function consentPage(input: ConsentPageInput): string {
  const rows = input.scopes
    .map((scope) => {
      const id = `scope-${scope.replace(/[^a-z0-9]/gi, '-')}`;
      const fixed = scope === 'openid' ? ' disabled' : '';
      return `<li><input type="checkbox" id="${escapeHtml(id)}" name="scope" value="${escapeHtml(scope)}" checked${fixed}> <label for="${escapeHtml(id)}">${escapeHtml(SCOPE_WORDS[scope] ?? scope)} <code>${escapeHtml(scope)}</code></label></li>`;
    })
    .join('');
  return layout(
    'Allow access - Latchkey local provider',
    `<h1>Allow ${escapeHtml(input.clientName)} to…</h1>
<form method="post" action="${escapeHtml(input.action)}" id="consent-form">
  <ul class="scopes">${rows}</ul>
  <button type="submit">Allow</button>
</form>
<form method="post" action="${escapeHtml(input.abortAction)}">
  <button type="submit" class="secondary">Cancel</button>
</form>
<p class="hint">Untick what you do not want to share.</p>`,
  );
}

export function logoutPage(host: string, form: string): string {
  return layout(
    'Sign out - Latchkey local provider',
    `<h1>Sign out of ${escapeHtml(host)}?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>`,
  );
}

export function signedOutPage(clientName: string | undefined): string {
  const suffix = clientName ? ` of ${escapeHtml(clientName)}` : '';
  return layout(
    'Signed out - Latchkey local provider',
    `<h1>You are signed out${suffix}</h1><p>You can close this tab.</p>`,
  );
}

export function errorPage(fields: Record<string, unknown>): string {
  const rows = Object.entries(fields)
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('');
  return layout('Error - Latchkey local provider', `<h1>Something went wrong</h1><dl>${rows}</dl>`);
}

/** A round avatar with the person's initials; served by the provider so profile pictures work offline. */
export function avatarSvg(initials: string, colour: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img" aria-label="${escapeHtml(initials)}">
<circle cx="64" cy="64" r="64" fill="${escapeHtml(colour)}"/>
<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" font-size="52" font-weight="600" fill="#fff">${escapeHtml(initials)}</text>
</svg>
`;
}
