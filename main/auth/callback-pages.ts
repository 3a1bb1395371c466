import { createHash } from 'node:crypto';

/**
 * The two pages the browser shows at the end of a sign-in, served by the loopback receiver.
 * Self-contained: no script at all, no external font, image or link, one inline stylesheet allowed by
 * its hash. The page sits on a URL that carried the authorization code, so nothing on it may make a
 * request or leak a referrer.
 */

const STYLE =
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f4f5;color:#18181b;' +
  'margin:0;padding:64px 16px}main{max-width:420px;margin:0 auto;background:#fff;border-radius:8px;' +
  'padding:28px 32px;box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin:0 0 12px}' +
  'p{line-height:1.5;margin:0 0 8px}.error h1{color:#991b1b}';

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Nothing may load, run, frame, submit or navigate from these pages; only the one stylesheet applies. */
export const CALLBACK_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every loopback response. `no-store` and `no-referrer`: the URL holds the code (RFC 9700 §4.2.4). */
export const CALLBACK_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': CALLBACK_PAGE_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // One request per connection: the receiver closes right after the callback; a kept-alive socket
  // would keep the port reachable.
  Connection: 'close',
};

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, body: string, variant: 'success' | 'error'): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${variant}">
${body}
</main>
</body>
</html>
`;
}

export const SUCCESS_TITLE = "You're signed in — return to Latchkey";

export function successPage(): string {
  return layout(
    SUCCESS_TITLE,
    `<h1>You're signed in — return to Latchkey</h1>
<p>Latchkey has your session. You can close this tab and go back to the app.</p>`,
    'success',
  );
}

export const ERROR_TITLE = 'Sign-in did not complete — Latchkey';

/** `message` is text for a person (never a token or code); it is escaped here. */
export function errorPage(message: string): string {
  return layout(
    ERROR_TITLE,
    `<h1>Sign-in did not complete</h1>
<p>${escapeHtml(message)}</p>
<p>Return to Latchkey to try again. You can close this tab.</p>`,
    'error',
  );
}
