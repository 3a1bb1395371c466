import { describe, expect, it } from 'vitest';
import { keychainError, keychainRemedy, keychainTimeout } from '../../../../main/keychain/keychain-problems';

describe('keychain problems', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /No session bus/],
    ['Could not connect: No such file or directory', /No session bus/],
    ['The name org.freedesktop.secrets was not provided by any .service files', /No keychain service/],
    ['Cannot create an item in a locked collection', /locked/],
    [
      'Object does not exist at path “/org/freedesktop/secrets/collection/login”',
      /not been created or unlocked/,
    ],
    ['Something else', /refused to save your session: Something else/],
  ])('explains "%s"', (message, explained) => {
    const error = keychainError('save your session', new Error(message));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(explained);
  });

  it('shows an unknown OS message on one line, without control or bidi characters', () => {
    const error = keychainError(
      'save your session',
      new Error('denied \u202eexe.txt\u202c\r\nby\u0000 policy'),
    );
    expect(error.message).toBe('The system keychain refused to save your session: denied exe.txt by policy');
  });

  it('explains a timeout in seconds', () => {
    expect(keychainTimeout('read your session', 3000).message).toMatch(/within 3 s .*password prompt/);
  });

  it('gives a remedy for each OS', () => {
    expect(keychainRemedy('linux')).toMatch(/GNOME Keyring or KWallet, with libsecret/);
    expect(keychainRemedy('linux')).not.toMatch(/sudo|apt/);
    expect(keychainRemedy('darwin')).toMatch(/Keychain Access/);
    expect(keychainRemedy('win32')).toMatch(/Credential Manager/);
  });

  it('answers a locked keyring with unlocking it, never with installing packages', () => {
    const locked = keychainError(
      'save your session',
      new Error('Cannot create an item in a locked collection'),
    );
    const remedy = keychainRemedy('linux', locked.toInfo());
    expect(remedy).toMatch(/Unlock your keyring/);
    expect(remedy).not.toMatch(/install/i);
    const silent = keychainTimeout('read your session', 3000);
    expect(keychainRemedy('linux', silent.toInfo())).toMatch(/Unlock your keyring/);
  });

  it('explains a keychain that rejects with something other than an Error, or with nothing to say', () => {
    expect(
      keychainError('read your session', 'Cannot create an item in a locked collection').message,
    ).toMatch(/locked/);
    expect(keychainError('read your session', '').message).toBe(
      'The system keychain refused to read your session: no reason given',
    );
    expect(keychainError('read your session', new Error('\u200b')).message).toBe(
      'The system keychain refused to read your session: no reason given',
    );
  });

  it('keeps what the keychain said as the cause, for the log', () => {
    const cause = new Error('Something else');
    expect(keychainError('save your session', cause).cause).toBe(cause);
  });

  it('explains a timeout to a tenth of a second', () => {
    expect(keychainTimeout('read your session', 1_250).message).toMatch(
      /within 1\.3 s when asked to read your session/,
    );
    expect(keychainTimeout('read your session', 1_250).code).toBe('KEYCHAIN_UNAVAILABLE');
  });

  it('a locked keyring that was never unlocked also gets "unlock", and other failures get "start a keyring"', () => {
    const neverUnlocked = keychainError(
      'save your session',
      new Error('Object does not exist at path “/org/freedesktop/secrets/collection/login”'),
    );
    expect(keychainRemedy('linux', neverUnlocked.toInfo())).toMatch(/Unlock your keyring/);
    const noService = keychainError(
      'save your session',
      new Error('The name org.freedesktop.secrets was not provided'),
    );
    expect(keychainRemedy('linux', noService.toInfo())).toMatch(/Start a keyring service/);
    // macOS and Windows have one remedy whatever happened.
    expect(keychainRemedy('darwin', neverUnlocked.toInfo())).toMatch(/Keychain Access/);
  });
});
