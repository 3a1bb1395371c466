export {
  createAuthClient,
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_SIGN_IN_TIMEOUT_MS,
  type AuthClientDeps,
} from './client';
export { toAuthError, type AuthOperation } from './errors';
export { issuerTransport, isLoopbackHost, type IssuerTransport } from './issuer';
export { auth0LogoutUrl, looksLikeAuth0 } from './end-session';
export {
  startLoopbackReceiver,
  CALLBACK_PATH,
  type LoopbackReceiver,
  type LoopbackReceiverOptions,
} from './loopback-receiver';
export type {
  AuthClient,
  ProviderSettings,
  SignInOptions,
  SignInResult,
  TokenSet,
  UserInfoClaims,
} from './types';
