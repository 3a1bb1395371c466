import { useEffect, useRef, useState } from 'react';

/**
 * Copies the sign-in link for a person whose browser did not come up (or came up on the wrong
 * profile). The clipboard may be refused (permissions, an unfocused window): then the link is shown
 * in a selected, read-only field to copy by hand. Until the attempt ends the link finishes this
 * sign-in for whoever opens it, so the field and message live only as long as the attempt's screen
 * (and are reset for a new link, see SigningInScreen); what went to the clipboard stays there
 * (SECURITY.md).
 */
export function CopyLink({ url }: { url: string }) {
  const [outcome, setOutcome] = useState<'idle' | 'copied' | 'manual'>('idle');
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (outcome === 'manual') {
      field.current?.focus();
      field.current?.select();
    }
  }, [outcome]);

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setOutcome('copied');
    } catch {
      setOutcome('manual');
    }
  };

  return (
    <>
      <button type="button" className="button" onClick={copy}>
        Copy the link
      </button>
      {outcome === 'copied' && (
        <p role="status" className="muted full-row" data-testid="link-copied">
          Link copied. Paste it into your browser's address bar.
        </p>
      )}
      {outcome === 'manual' && (
        <div className="field full-row">
          <label htmlFor="sign-in-link">Copy this link into your browser</label>
          <input
            ref={field}
            id="sign-in-link"
            className="input mono"
            type="text"
            readOnly
            value={url}
            onFocus={(event) => event.currentTarget.select()}
            data-testid="sign-in-link"
          />
        </div>
      )}
    </>
  );
}
