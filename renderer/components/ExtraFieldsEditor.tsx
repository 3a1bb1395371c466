import { useEffect, useRef } from 'react';
import type { ExtraRow, FormErrors } from '../metadata-form';

interface ExtraFieldsEditorProps {
  rows: ExtraRow[];
  errors: FormErrors['rows'];
  /** Whether messages show yet (from the first save attempt on). */
  showErrors: boolean;
  onChange: (rows: ExtraRow[]) => void;
  onAdd: () => void;
  /** The row whose key box should take focus (just added). */
  focusRowId: number | null;
}

/** Any other user_metadata keys, as key/value rows that can be added, edited and removed. */
export function ExtraFieldsEditor({
  rows,
  errors,
  showErrors,
  onChange,
  onAdd,
  focusRowId,
}: ExtraFieldsEditorProps) {
  const added = useRef<HTMLInputElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusRowId !== null) added.current?.focus();
  }, [focusRowId]);

  const update = (id: number, change: Partial<ExtraRow>) =>
    onChange(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
  const remove = (id: number) => {
    onChange(rows.filter((row) => row.id !== id));
    // The removed row's button is gone: keep focus somewhere sensible.
    addButton.current?.focus();
  };

  return (
    <fieldset className="extras">
      <legend>Other fields</legend>
      {rows.length === 0 && <p className="muted">No other fields.</p>}
      {rows.map((row, index) => {
        const rowErrors = showErrors ? errors[row.id] : undefined;
        const label = row.key.trim() || `row ${index + 1}`;
        const keyId = `extra-key-${row.id}`;
        const valueId = `extra-value-${row.id}`;
        return (
          <div className="extra-row" key={row.id} data-testid="extra-row">
            <div className="field">
              <label htmlFor={keyId}>Key</label>
              <input
                id={keyId}
                ref={row.id === focusRowId ? added : undefined}
                className="input mono"
                type="text"
                spellCheck={false}
                autoComplete="off"
                value={row.key}
                readOnly={row.structured !== undefined}
                aria-invalid={rowErrors?.key ? true : undefined}
                aria-describedby={rowErrors?.key ? `${keyId}-error` : undefined}
                onChange={(event) => update(row.id, { key: event.target.value })}
              />
              {rowErrors?.key && (
                <p id={`${keyId}-error`} className="field-error">
                  {rowErrors.key}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={valueId}>
                Value{row.structured !== undefined ? ' (structured, kept as is)' : ''}
              </label>
              <input
                id={valueId}
                className="input"
                type="text"
                autoComplete="off"
                value={row.value}
                readOnly={row.structured !== undefined}
                aria-invalid={rowErrors?.value ? true : undefined}
                aria-describedby={rowErrors?.value ? `${valueId}-error` : undefined}
                onChange={(event) => update(row.id, { value: event.target.value })}
              />
              {rowErrors?.value && (
                <p id={`${valueId}-error`} className="field-error">
                  {rowErrors.value}
                </p>
              )}
            </div>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => remove(row.id)}
              aria-label={`Remove ${label}`}
            >
              Remove
            </button>
          </div>
        );
      })}
      <div className="actions">
        <button ref={addButton} type="button" className="button" onClick={onAdd}>
          Add a field
        </button>
      </div>
    </fieldset>
  );
}
