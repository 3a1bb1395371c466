import type { Profile } from '../../common/session-state';
import { FocusHeading } from '../components/FocusHeading';
import { ProfileCard } from '../components/ProfileCard';

/** Launch with a stored session: the cached profile at once, while main asks the provider. */
export function RestoringScreen({ profile }: { profile: Profile }) {
  return (
    <main className="screen screen-narrow" data-screen="restoring" aria-busy="true">
      <FocusHeading>Welcome back</FocusHeading>
      <ProfileCard profile={profile} />
      <p role="status" className="lead">
        <span className="spinner" aria-hidden="true" /> Checking your session…
      </p>
    </main>
  );
}
