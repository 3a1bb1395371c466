import type { ReactNode } from 'react';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

interface NoticeProps {
  tone: NoticeTone;
  title: string;
  children?: ReactNode;
  /** Test and screenshot hook; also names the notice's purpose in the DOM. */
  testId?: string;
}

/**
 * A boxed message. Errors and warnings are announced at once (role="alert"); the rest politely
 * (role="status"), so a screen reader hears state changes without the person hunting for them.
 */
export function Notice({ tone, title, children, testId }: NoticeProps) {
  const urgent = tone === 'error' || tone === 'warning';
  return (
    <section className={`notice notice-${tone}`} role={urgent ? 'alert' : 'status'} data-testid={testId}>
      <h2 className="notice-title">{title}</h2>
      {children}
    </section>
  );
}
