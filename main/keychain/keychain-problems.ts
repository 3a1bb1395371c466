import type { ErrorInfo } from '../../common/errors';
import type { SessionStorage } from '../../common/session-state';
import { LatchkeyError, sanitizeProviderText } from '../errors';

/**
 * Turns what the OS keychain says into a KEYCHAIN_UNAVAILABLE error a person can act on. The
 * patterns are the messages keytar gives through libsecret on Linux when there is no D-Bus, no
 * Secret Service, or a locked or never-unlocked collection; on macOS and Windows the OS message is
 * kept as it is, after a plain sentence.
 */
const LOCKED = 'The keychain is locked.';
const NEVER_UNLOCKED = 'The login keyring has not been created or unlocked yet.';

const KNOWN_PROBLEMS: { pattern: RegExp; message: string }[] = [
  {
    // "Cannot autolaunch D-Bus without X11 $DISPLAY", "Could not connect: No such file or directory"
    pattern: /autolaunch D-Bus|Could not connect|DBUS_SESSION_BUS_ADDRESS/i,
    message: 'No session bus (D-Bus) is running, so the system keychain cannot be reached.',
  },
  {
    // "The name org.freedesktop.secrets was not provided by any .service files"
    pattern: /org\.freedesktop\.secrets|not provided by any \.service/i,
    message: 'No keychain service (Secret Service: GNOME Keyring or KWallet) is running.',
  },
  {
    // "Cannot create an item in a locked collection"
    pattern: /locked collection|is locked/i,
    message: LOCKED,
  },
  {
    // "Object does not exist at path “/org/freedesktop/secrets/collection/login”": never unlocked.
    pattern: /Object does not exist at path/i,
    message: NEVER_UNLOCKED,
  },
];

export function keychainError(operation: string, cause: unknown): LatchkeyError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const known = KNOWN_PROBLEMS.find(({ pattern }) => pattern.test(text));
  // The OS message comes from outside the app (a Secret Service is any program on the session bus):
  // shown like provider text, on one line, without control or bidi characters.
  const message = known
    ? known.message
    : `The system keychain refused to ${operation}: ${sanitizeProviderText(text) ?? 'no reason given'}`;
  return new LatchkeyError('KEYCHAIN_UNAVAILABLE', message, { cause });
}

export function keychainTimeout(operation: string, timeoutMs: number): LatchkeyError {
  return new LatchkeyError(
    'KEYCHAIN_UNAVAILABLE',
    `The system keychain did not answer within ${Math.round(timeoutMs / 100) / 10} s when asked to ${operation}` +
      ' (it may be locked and waiting for a password prompt).',
  );
}

/**
 * What to do about it, for the OS the app runs on and for what happened. Shown under "your session is
 * kept in memory only", which already says the session ends with this run, so the remedy is only the
 * fix. A keychain that is there but locked (or silent, as a locked one waiting for its password prompt
 * is) needs unlocking, not installing: telling that person to install packages sends them the wrong way.
 * Plain text: the page shows it as it is.
 */
export function keychainRemedy(platform: NodeJS.Platform, problem?: ErrorInfo): string {
  const locked =
    problem !== undefined &&
    (problem.message === LOCKED ||
      problem.message === NEVER_UNLOCKED ||
      /did not answer within .* locked/.test(problem.message));
  switch (platform) {
    case 'darwin':
      return 'Open Keychain Access, unlock your login keychain and allow Latchkey to use it.';
    case 'win32':
      return 'Check that Windows Credential Manager works for your account (Control Panel > Credential Manager).';
    default:
      if (locked)
        return (
          'Unlock your keyring: open "Passwords and Keys" (Seahorse) or your desktop\'s wallet, unlock the ' +
          '"Login" keyring with your password, then sign in again.'
        );
      return (
        'Start a keyring service (GNOME Keyring or KWallet, with libsecret) by logging in to your desktop ' +
        'session; if none is installed, ask whoever manages this computer to install one.'
      );
  }
}

/** Where the session lives when the keychain fails: in memory, with what happened and what to do. */
export function memoryStorage(problem: ErrorInfo, platform: NodeJS.Platform): SessionStorage {
  return { kind: 'memory', problem, remedy: keychainRemedy(platform, problem) };
}
