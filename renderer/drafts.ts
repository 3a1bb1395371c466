import type { JsonValue } from '../common/metadata';
// Types only: the signed-out screen imports this file, and the form's code (with the country list)
// belongs to the editor's own chunk, loaded with the account screen.
import type { MetadataForm } from './metadata-form';

/**
 * Unsaved edits of a person's details, kept when their session ends under an open edit (revoked,
 * signed out) and offered back when the same account signs in again.
 *
 * Where: the page's sessionStorage, keyed by the account's subject (`sub`), so a draft is only ever
 * offered to the account that typed it. Why there: it survives the account screen going away and a
 * reload of the page, it lives and dies with the window (HTML Standard, "The sessionStorage getter":
 * one session storage area per top-level traversable), and it holds only what the person typed into
 * the form. Never a token: the renderer has none. localStorage would keep typed personal details on
 * disk across launches, which nobody asked for.
 */

const PREFIX = 'latchkey.draft.';

interface StoredDraft {
  firstName: string;
  lastName: string;
  countryText: string;
  extras: Array<{ key: string; value: string; structured?: JsonValue }>;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function saveDraft(subject: string, form: MetadataForm): void {
  const draft: StoredDraft = {
    firstName: form.firstName,
    lastName: form.lastName,
    countryText: form.countryText,
    extras: form.extras.map(({ key, value, structured }) =>
      structured === undefined ? { key, value } : { key, value, structured },
    ),
  };
  try {
    storage()?.setItem(PREFIX + subject, JSON.stringify(draft));
  } catch {
    // A full or refused storage loses the draft, not the edit on screen.
  }
}

/** The kept draft, its rows given fresh identities by `newRowId` (the form's own). */
export function loadDraft(subject: string, newRowId: () => number): MetadataForm | null {
  const text = storage()?.getItem(PREFIX + subject);
  if (!text) return null;
  try {
    const draft = JSON.parse(text) as StoredDraft;
    if (typeof draft.firstName !== 'string' || !Array.isArray(draft.extras)) return null;
    return {
      firstName: draft.firstName,
      lastName: String(draft.lastName ?? ''),
      countryText: String(draft.countryText ?? ''),
      extras: draft.extras.map((row) => ({
        id: newRowId(),
        key: String(row.key),
        value: String(row.value),
        ...(row.structured === undefined ? {} : { structured: row.structured }),
      })),
    };
  } catch {
    return null;
  }
}

export function clearDraft(subject: string): void {
  storage()?.removeItem(PREFIX + subject);
}

/** Whether any account has a kept draft (the signed-out screen says so). */
export function hasAnyDraft(): boolean {
  const store = storage();
  if (!store) return false;
  for (let index = 0; index < store.length; index++) if (store.key(index)?.startsWith(PREFIX)) return true;
  return false;
}

/** Forgets every kept draft (the person chose to discard them while signed out). */
export function clearAllDrafts(): void {
  const store = storage();
  if (!store) return;
  const keys: string[] = [];
  for (let index = 0; index < store.length; index++) {
    const key = store.key(index);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  for (const key of keys) store.removeItem(key);
}
