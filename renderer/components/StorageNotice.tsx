import type { SessionStorage } from '../../common/session-state';
import { Notice } from './Notice';

/** The keychain could not be used: say what that means for the person and how to fix it on this OS. */
export function StorageNotice({ storage }: { storage: SessionStorage }) {
  if (storage.kind !== 'memory') return null;
  return (
    <Notice tone="warning" title="Your session is kept in memory only" testId="memory-storage-notice">
      <p>
        Latchkey could not use this computer's keychain, so you will have to sign in again the next time you
        open it. Nothing was written to disk.
      </p>
      <dl className="facts">
        <dt>What happened</dt>
        <dd>{storage.problem.message}</dd>
        <dt>How to fix it</dt>
        <dd>{storage.remedy}</dd>
      </dl>
    </Notice>
  );
}
