import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../common/errors';
import type { UserMetadata } from '../../common/metadata';
import { useApi } from '../api';
import {
  formFromMetadata,
  hasErrors,
  metadataPatch,
  newRowId,
  validateForm,
  type MetadataForm,
} from '../metadata-form';
import { AccountAccessStep } from './AccountAccessStep';
import { CountryCombobox } from './CountryCombobox';
import { DetailsLoading } from './DetailsLoading';
import { ExtraFieldsEditor } from './ExtraFieldsEditor';
import { Notice } from './Notice';
import { useBeforeUnload } from '../use-before-unload';
import { clearDraft, loadDraft, saveDraft } from '../drafts';
import { detailsFailureWords } from '../situation-words';

type Loaded =
  { kind: 'loading' } | { kind: 'failed'; error: ErrorInfo } | { kind: 'ready'; original: UserMetadata };
type SaveStatus =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; error: ErrorInfo };

/** Field-by-field comparison that ignores row identities. */
function sameForm(a: MetadataForm, b: MetadataForm): boolean {
  const plain = (form: MetadataForm) =>
    JSON.stringify([
      form.firstName,
      form.lastName,
      form.countryText,
      form.extras.map((row) => [row.key, row.value]),
    ]);
  return plain(a) === plain(b);
}

const NO_METADATA: UserMetadata = {};
const EMPTY_FORM: MetadataForm = { firstName: '', lastName: '', countryText: '', extras: [] };

interface MetadataEditorProps {
  /** Whose metadata: a different person reloads it. */
  subject: string;
  /** False while offline: coming back reloads untouched details and drops errors that no longer hold. */
  online: boolean;
  onDirtyChange: (dirty: boolean) => void;
}

/** Edits user_metadata and saves only what changed, read back from the provider's answer. */
export function MetadataEditor({ subject, online, onDirtyChange }: MetadataEditorProps) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [baseline, setBaseline] = useState<MetadataForm>(EMPTY_FORM);
  const [form, setForm] = useState<MetadataForm>(EMPTY_FORM);
  const [save, setSave] = useState<SaveStatus>({ kind: 'idle' });
  const [submitted, setSubmitted] = useState(false);
  const [focusRowId, setFocusRowId] = useState<number | null>(null);
  /** Bumped by a refused save: once the messages are rendered, focus moves to the first problem. */
  const [refusals, setRefusals] = useState(0);
  /** A draft kept from an earlier session of this account, offered until restored or discarded. */
  const [offer, setOffer] = useState<MetadataForm | null>(null);
  const formElement = useRef<HTMLFormElement>(null);
  const restoreFocus = useRef<string | null>(null);

  const current = useRef(form);
  useEffect(() => {
    current.current = form;
  });

  const adopt = useCallback((metadata: UserMetadata) => {
    const fresh = formFromMetadata(metadata, current.current.extras);
    setLoaded({ kind: 'ready', original: metadata });
    setBaseline(fresh);
    setForm(fresh);
    setSubmitted(false);
  }, []);

  /** `quiet`: a re-read behind details already shown (back online): no "loading" in their place. */
  const load = useCallback(
    async ({ quiet = false }: { quiet?: boolean } = {}) => {
      if (!quiet) setLoaded({ kind: 'loading' });
      const result = await api.getMetadata();
      if (result.ok) {
        adopt(result.value);
        const kept = loadDraft(subject, newRowId);
        if (kept && !sameForm(kept, formFromMetadata(result.value))) setOffer(kept);
        else if (kept) clearDraft(subject);
      } else setLoaded({ kind: 'failed', error: result.error });
    },
    [api, adopt, subject],
  );

  useEffect(() => {
    void load();
  }, [load, subject]);

  const original = loaded.kind === 'ready' ? loaded.original : NO_METADATA;
  const dirty = loaded.kind === 'ready' && !sameForm(form, baseline);
  const errors = useMemo(() => validateForm(original, form), [original, form]);
  useBeforeUnload(dirty);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  // Every edit is kept for this account (renderer/drafts.ts), so a session ending under it loses
  // nothing; back to the stored values, nothing is kept. A pending offer is left alone until answered.
  useEffect(() => {
    if (loaded.kind !== 'ready' || offer) return;
    if (dirty) saveDraft(subject, form);
    else clearDraft(subject);
  }, [loaded.kind, offer, dirty, form, subject]);
  // Offline → online: details that failed to load are loaded again, untouched details are re-read
  // (they may have changed elsewhere), and a failed save's message, about a provider that could not
  // be reached, no longer holds. An edit in progress is kept as it is.
  const wasOnline = useRef(online);
  useEffect(() => {
    const cameBack = online && !wasOnline.current;
    wasOnline.current = online;
    if (!cameBack) return;
    setSave((status) => (status.kind === 'failed' ? { kind: 'idle' } : status));
    if (loaded.kind === 'failed') void load();
    else if (loaded.kind === 'ready' && !dirty && !offer) void load({ quiet: true });
  }, [online, loaded.kind, dirty, offer, load]);
  useEffect(() => {
    // Send the person to the first problem rather than leave them scanning for it.
    if (refusals > 0) formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusals]);
  useEffect(() => {
    if (save.kind === 'saving' || !restoreFocus.current) return;
    const id = restoreFocus.current;
    restoreFocus.current = null;
    if (document.activeElement === document.body) document.getElementById(id)?.focus();
  }, [save]);

  // Messages appear from the first save attempt on, then follow every keystroke. Not on blur: a message
  // appearing as focus leaves a field shifts the layout under the pointer heading for "Save".
  const shown = submitted;
  const edit = (change: Partial<MetadataForm>) => {
    setForm((previous) => ({ ...previous, ...change }));
    if (save.kind === 'saved' || save.kind === 'failed') setSave({ kind: 'idle' });
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(errors)) {
      setRefusals((count) => count + 1);
      return;
    }
    const patch = metadataPatch(original, form);
    if (Object.keys(patch).length === 0) {
      adopt(original);
      return;
    }
    // The fields are disabled while saving, which drops focus to the page: put it back afterwards.
    const focusedId = document.activeElement?.id;
    setSave({ kind: 'saving' });
    const result = await api.updateMetadata({ patch });
    restoreFocus.current = focusedId || null;
    if (result.ok) {
      adopt(result.value);
      clearDraft(subject);
      setSave({ kind: 'saved' });
    } else {
      setSave({ kind: 'failed', error: result.error });
    }
  };

  if (loaded.kind === 'loading') return <DetailsLoading />;
  if (loaded.kind === 'failed' && loaded.error.code === 'AUTHORIZATION_REQUIRED') {
    return (
      <section className="card" aria-labelledby="metadata-title">
        <h2 id="metadata-title">Your details</h2>
        <AccountAccessStep message={loaded.error.message} onAuthorized={() => void load()} />
      </section>
    );
  }
  if (loaded.kind === 'failed') {
    return (
      <section className="card" aria-labelledby="metadata-title">
        <h2 id="metadata-title">Your details</h2>
        <Notice tone="error" title="Your details could not be loaded" testId="metadata-load-error" live>
          <p>{detailsFailureWords(loaded.error, 'load')}</p>
        </Notice>
        <div className="actions">
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      </section>
    );
  }

  const saving = save.kind === 'saving';
  return (
    <section className="card" aria-labelledby="metadata-title">
      <h2 id="metadata-title">Your details</h2>
      <p className="muted">Stored with your account at your provider.</p>
      {offer && (
        <Notice tone="info" title="You have unsaved changes from before" testId="draft-offer" live>
          <p>
            When your last session ended, your changes to these details had not been saved. Restore them to
            review and save them, or discard them.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setForm(offer);
                setOffer(null);
                setSubmitted(false);
              }}
            >
              Restore my changes
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                clearDraft(subject);
                setOffer(null);
              }}
            >
              Discard them
            </button>
          </div>
        </Notice>
      )}
      <form
        ref={formElement}
        className="metadata-form"
        noValidate
        onSubmit={submit}
        data-testid="metadata-form"
      >
        <fieldset disabled={saving} className="plain">
          <div className="field-grid">
            <TextField
              id="first-name"
              label="First name"
              autoComplete="given-name"
              value={form.firstName}
              error={shown ? errors.firstName : undefined}
              onChange={(firstName) => edit({ firstName })}
            />
            <TextField
              id="last-name"
              label="Last name"
              autoComplete="family-name"
              value={form.lastName}
              error={shown ? errors.lastName : undefined}
              onChange={(lastName) => edit({ lastName })}
            />
          </div>
          <CountryCombobox
            value={form.countryText}
            error={shown ? errors.country : undefined}
            onChange={(countryText) => edit({ countryText })}
          />
          <ExtraFieldsEditor
            rows={form.extras}
            errors={errors.rows}
            showErrors={shown}
            focusRowId={focusRowId}
            onChange={(extras) => edit({ extras })}
            onAdd={() => {
              const id = newRowId();
              edit({ extras: [...form.extras, { id, key: '', value: '' }] });
              setFocusRowId(id);
            }}
          />
        </fieldset>
        {submitted && errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <div className="actions form-actions">
          <button type="submit" className="button button-primary" disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            className="button"
            disabled={!dirty || saving}
            onClick={() => {
              adopt(original);
              clearDraft(subject);
            }}
          >
            Discard changes
          </button>
          <SaveStatusLine status={save} dirty={dirty} />
        </div>
        {save.kind === 'failed' && save.error.code === 'AUTHORIZATION_REQUIRED' && (
          // The changes stay in the form; once the permission is held they are saved again.
          <AccountAccessStep
            message={save.error.message}
            onAuthorized={() => formElement.current?.requestSubmit()}
          />
        )}
      </form>
    </section>
  );
}

function SaveStatusLine({ status, dirty }: { status: SaveStatus; dirty: boolean }) {
  if (status.kind === 'saving') {
    return (
      <p role="status" className="save-status">
        <span className="spinner" aria-hidden="true" /> Saving to the provider…
      </p>
    );
  }
  if (status.kind === 'saved') {
    return (
      <p role="status" className="save-status save-ok" data-testid="save-ok">
        Saved.
      </p>
    );
  }
  if (status.kind === 'failed') {
    return (
      <p role="alert" className="save-status field-error" data-testid="save-error">
        {detailsFailureWords(status.error, 'save')}
      </p>
    );
  }
  return (
    <p role="status" className="save-status muted">
      {dirty ? 'Unsaved changes' : ''}
    </p>
  );
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  autoComplete: string;
  error?: string;
  onChange: (value: string) => void;
}

function TextField({ id, label, value, autoComplete, error, onChange }: TextFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input"
        type="text"
        autoComplete={autoComplete}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
