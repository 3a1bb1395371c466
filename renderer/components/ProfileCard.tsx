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
        <h2 id="profile-name" className="profile-name">
          {name}
        </h2>
        {profile.email ? (
          <p className="profile-email">
            <span data-testid="profile-email">{profile.email}</span>{' '}
            {profile.emailVerified ? (
              <span className="badge badge-ok">Verified</span>
            ) : (
              <span className="badge badge-warn">Not verified</span>
            )}
          </p>
        ) : (
          <p className="profile-email muted">No email address on this account</p>
        )}
        {children}
      </div>
    </section>
  );
}
