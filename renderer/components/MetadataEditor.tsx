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
  onDirtyChange: (dirty: boolean) => void;
}

/** Edits user_metadata and saves only what changed, read back from the provider's answer. */
export function MetadataEditor({ subject, onDirtyChange }: MetadataEditorProps) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [baseline, setBaseline] = useState<MetadataForm>(EMPTY_FORM);
  const [form, setForm] = useState<MetadataForm>(EMPTY_FORM);
  const [save, setSave] = useState<SaveStatus>({ kind: 'idle' });
  const [submitted, setSubmitted] = useState(false);
  const [focusRowId, setFocusRowId] = useState<number | null>(null);
  /** Bumped by a refused save: once the messages are rendered, focus moves to the first problem. */
  const [refusals, setRefusals] = useState(0);
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

  const load = useCallback(async () => {
    setLoaded({ kind: 'loading' });
    const result = await api.getMetadata();
    if (result.ok) adopt(result.value);
    else setLoaded({ kind: 'failed', error: result.error });
  }, [api, adopt]);

  useEffect(() => {
    void load();
  }, [load, subject]);

  const original = loaded.kind === 'ready' ? loaded.original : NO_METADATA;
  const dirty = loaded.kind === 'ready' && !sameForm(form, baseline);
  const errors = useMemo(() => validateForm(original, form), [original, form]);
  useBeforeUnload(dirty);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
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
        <Notice tone="error" title="Your details could not be loaded" testId="metadata-load-error">
          <p>{loaded.error.message}</p>
        </Notice>
        <div className="actions">
          <button type="button" className="button" onClick={load}>
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
      <p className="muted">Stored with your account at the provider, as user metadata.</p>
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
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            className="button"
            disabled={!dirty || saving}
            onClick={() => adopt(original)}
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
        Not saved: {status.error.message}
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
