import { useState } from 'react';
import { clearAllDrafts, hasAnyDraft } from '../drafts';
import { Notice } from './Notice';

/** Signed out with unsaved changes kept (renderer/drafts.ts): say so, and where they come back. */
export function DraftKeptNotice() {
  const [kept, setKept] = useState(hasAnyDraft);
  if (!kept) return null;
  return (
    <Notice tone="info" title="Your unsaved changes are kept" testId="draft-kept">
      <p>
        The changes you had not saved to your details are kept in this window until you close Latchkey. Sign
        in again with the same account and Latchkey offers them back.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            clearAllDrafts();
            setKept(false);
          }}
        >
          Discard them
        </button>
      </div>
    </Notice>
  );
}
