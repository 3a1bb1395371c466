import { useState } from 'react';

interface AvatarProps {
  picture?: string;
  /** Whose picture: the initials come from it when the picture is missing or cannot load. */
  name: string;
}

function initialsOf(name: string): string {
  const words = name
    .replace(/@.*$/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  const initials = letters.map((word) => Array.from(word ?? '')[0] ?? '').join('');
  return initials.toUpperCase() || '?';
}

/**
 * The person's picture, or their initials when there is none or it fails to load (offline, blocked
 * by the CSP, a dead link). Decorative: the name is always shown next to it.
 */
export function Avatar({ picture, name }: AvatarProps) {
  const [failed, setFailed] = useState(false);
  if (picture && !failed) {
    return (
      <img
        className="avatar"
        src={picture}
        alt=""
        width={72}
        height={72}
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
        data-testid="avatar-picture"
      />
    );
  }
  return (
    <span className="avatar avatar-initials" aria-hidden="true" data-testid="avatar-initials">
      {initialsOf(name)}
    </span>
  );
}
