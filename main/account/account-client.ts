import type { MetadataPatch, UserMetadata } from '../../common/metadata';
import { metadataSaveProblem } from '../../common/metadata-rules';
import type { ProviderSettings } from '../auth/types';
import { LatchkeyError } from '../errors';
import type { SessionManager } from '../session/types';
import { createUsersApi, type UsersApiOptions } from './users-api';

/** The person's own account at the provider, beyond what userinfo says: user_metadata. */
export interface AccountClient {
  /** False for providers without an Auth0-compatible users API; every call then fails NOT_SUPPORTED. */
  readonly supportsMetadata: boolean;
  getMetadata(): Promise<UserMetadata>;
  /**
   * Patches (Auth0 semantics: top-level merge, null deletes); returns what is stored. The patch is
   * valid already (the IPC wrapper parsed it with the contract's schema); refused here only is a merge
   * that would not fit with the metadata last read.
   */
  updateMetadata(patch: MetadataPatch): Promise<UserMetadata>;
}

export interface AccountClientOptions extends Omit<UsersApiOptions, 'baseUrl' | 'audience'> {
  settings: ProviderSettings;
  session: Pick<SessionManager, 'withAccessToken' | 'getState'>;
}

const NOT_SUPPORTED_MESSAGE =
  'This provider has no users API, so Latchkey cannot read or save user metadata here. ' +
  'Your profile (name, email, picture) still comes from the provider.';

/** The subject the session currently belongs to, without asking the provider. */
function currentSubject(session: Pick<SessionManager, 'getState'>): string | undefined {
  const state = session.getState();
  return 'profile' in state ? state.profile.sub : undefined;
}

export function createAccountClient(options: AccountClientOptions): AccountClient {
  const { settings, session, ...apiOptions } = options;
  if (settings.usersApi.kind === 'none') {
    const unsupported = () => Promise.reject(new LatchkeyError('NOT_SUPPORTED', NOT_SUPPORTED_MESSAGE));
    return { supportsMetadata: false, getMetadata: unsupported, updateMetadata: unsupported };
  }
  // Without a configured audience the users API names its own default (`${baseUrl}/`) in messages.
  const api = createUsersApi({
    ...apiOptions,
    baseUrl: settings.usersApi.baseUrl,
    audience: settings.audience,
  });

  // The last metadata the provider reported, per subject: lets an oversized merge be refused before
  // any request. Another device may have changed it since; the provider stays the final judge.
  let lastKnown: { subject: string; metadata: UserMetadata } | undefined;
  const remember = (subject: string, metadata: UserMetadata) => {
    lastKnown = { subject, metadata };
    return structuredClone(metadata);
  };

  return {
    supportsMetadata: true,
    getMetadata: () =>
      session.withAccessToken(async (token, subject) =>
        remember(subject, await api.getMetadata(token, subject)),
      ),

    async updateMetadata(patch) {
      // Refused before any request (token refresh included).
      const subject = currentSubject(session);
      if (lastKnown && subject === lastKnown.subject) {
        const problem = metadataSaveProblem(lastKnown.metadata, patch);
        if (problem) throw new LatchkeyError('INVALID_INPUT', problem);
      }
      return session.withAccessToken(async (token, tokenSubject) =>
        remember(tokenSubject, await api.patchMetadata(token, tokenSubject, patch)),
      );
    },
  };
}
