import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_PAGE_CSP,
  CALLBACK_PAGE_HEADERS,
  errorPage,
  successPage,
} from '../../../main/auth/loopback-receiver';

describe('loopback pages', () => {
  const pages = { success: successPage(), error: errorPage('Something <script>alert(1)</script> happened') };

  it.each(Object.entries(pages))(
    'the %s page has no script, no external resource and no link',
    (_name, html) => {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\son\w+=/i);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<(a|img|link|iframe|form)\b/i);
    },
  );

  it('escapes the message of the error page', () => {
    expect(pages.error).toContain('Something &lt;script&gt;alert(1)&lt;/script&gt; happened');
  });

  it('the success page tells the person to return to Latchkey', () => {
    expect(successPage()).toContain("You're signed in — return to Latchkey");
  });

  it('the CSP allows nothing but the one inline stylesheet, by its hash', () => {
    const style = /<style>([^<]*)<\/style>/.exec(successPage())?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(CALLBACK_PAGE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(CALLBACK_PAGE_CSP).not.toContain('unsafe');
  });

  it('is never cached and never sends a referrer (the URL holds the code)', () => {
    expect(CALLBACK_PAGE_HEADERS['Cache-Control']).toBe('no-store');
    expect(CALLBACK_PAGE_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });
});
