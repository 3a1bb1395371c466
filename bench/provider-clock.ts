/**
 * The provider process's clock, which the benchmark can move forward. Imported first by
 * idp-child.ts, before oidc-provider, so that every expiry the provider checks (access tokens,
 * refresh tokens, grants: all through Date.now) sees the moved clock.
 *
 * Why: the scenarios need access tokens that have really expired at the provider (the baseline
 * learns it only from a 401), while the refresh tokens stay good. Waiting an hour is not an option,
 * revoking the access token revokes its whole grant (oidc-provider), so the provider's clock jumps.
 * Only the provider's process is affected; the app under test runs on the real clock.
 */
let offsetMs = 0;
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + offsetMs;

export function advanceProviderClock(seconds: number): void {
  offsetMs += seconds * 1000;
}
