import type { ReactNode } from 'react';
import type { Profile } from '../../common/session-state';
import { Avatar } from './Avatar';

function displayName(profile: Profile): string {
  const joined = [profile.givenName, profile.familyName].filter(Boolean).join(' ');
  return profile.name || joined || profile.email || profile.sub;
}

/** Picture, name, email and whether the provider has verified it. */
export function ProfileCard({ profile, children }: { profile: Profile; children?: ReactNode }) {
  const name = displayName(profile);
  return (
    <section className="card profile" aria-labelledby="profile-name" data-testid="profile">
      {/* Keyed by picture so a new picture gets a fresh chance to load. */}
      <Avatar key={profile.picture ?? ''} picture={profile.picture} name={name} />
      <div className="profile-text">
        <h2 id="profile-name" className="profile-name" dir="auto">
          {name}
        </h2>
        {profile.email ? (
          <p className="profile-email">
            <span data-testid="profile-email" dir="auto">
              {profile.email}
            </span>{' '}
            {/* Only what the provider says (OIDC Core §5.1, email_verified): no claim, no badge. */}
            {profile.emailVerified === true && <span className="badge badge-ok">Verified</span>}
            {profile.emailVerified === false && <span className="badge badge-warn">Not verified</span>}
          </p>
        ) : (
          <p className="profile-email muted">No email address on this account</p>
        )}
        {children}
      </div>
    </section>
  );
}
