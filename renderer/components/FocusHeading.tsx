import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The screen's heading, focused when the screen appears: keyboard and screen-reader users land on
 * the new content instead of on a button that no longer exists.
 */
export function FocusHeading({ children, id }: { children: ReactNode; id?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={heading} id={id} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
