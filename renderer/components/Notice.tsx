import type { ReactNode } from 'react';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

interface NoticeProps {
  tone: NoticeTone;
  title: string;
  children?: ReactNode;
  /** Test and screenshot hook; also names the notice's purpose in the DOM. */
  testId?: string;
  /**
   * The answer to something the person just did (a failed sign-out, a refused request): announced
   * when it appears, at once for errors and warnings (role="alert"), politely otherwise. A notice that
   * describes the state the app is in stays silent: the one announcer (renderer/announcer.tsx) says a
   * state change once, and a notice holding a clock would otherwise be read again at every tick.
   */
  live?: boolean;
}

/** A boxed message with its own heading. */
export function Notice({ tone, title, children, testId, live = false }: NoticeProps) {
  const urgent = tone === 'error' || tone === 'warning';
  const role = live ? (urgent ? 'alert' : 'status') : undefined;
  return (
    <section
      className={`notice notice-${tone}`}
      role={role}
      aria-label={role ? undefined : title}
      data-testid={testId}
    >
      <h2 className="notice-title">{title}</h2>
      {children}
    </section>
  );
}
