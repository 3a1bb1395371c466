import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { searchCountries } from '../country-search';

interface CountryComboboxProps {
  value: string;
  onChange: (text: string) => void;
  error?: string;
}

/**
 * A type-to-search country field following the WAI-ARIA 1.2 combobox pattern (list autocomplete):
 * focus stays in the text box, the highlighted option is announced through aria-activedescendant,
 * Arrow keys move, Enter picks, Escape closes the list. Escape with the list already closed leaves the
 * box alone: the APG lets it clear the box, but a person pressing Escape to leave (or to close a dialog
 * they think is open) must not lose their choice.
 */
export function CountryCombobox({ value, onChange, error }: CountryComboboxProps) {
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const errorId = `${id}-error`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const list = useRef<HTMLUListElement>(null);
  const options = useMemo(() => searchCountries(value), [value]);

  const choose = (name: string) => {
    onChange(name);
    setOpen(false);
    setActive(-1);
  };

  const move = (to: number) => {
    setOpen(true);
    const next = Math.max(0, Math.min(options.length - 1, to));
    setActive(next);
    list.current?.querySelector(`#${CSS.escape(`${listId}-${next}`)}`)?.scrollIntoView({ block: 'nearest' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        move(open ? active + 1 : Math.max(active, 0));
        break;
      case 'ArrowUp':
        event.preventDefault();
        move(open ? active - 1 : options.length - 1);
        break;
      case 'Enter': {
        const picked = open && active >= 0 ? options[active] : undefined;
        if (picked) {
          // Picking from the list must not also submit the form.
          event.preventDefault();
          choose(picked.name);
        }
        break;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        }
        break;
      default:
        break;
    }
  };

  const showList = open && options.length > 0;
  return (
    <div className="field combobox">
      <label htmlFor={inputId}>Country</label>
      <input
        id={inputId}
        className="input"
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setOpen(false);
          setActive(-1);
        }}
        data-testid="country"
      />
      <ul id={listId} ref={list} role="listbox" aria-label="Countries" className="listbox" hidden={!showList}>
        {showList &&
          options.map((country, index) => (
            <li
              key={country.code}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className="option"
              // Keeps focus in the box: a click must not blur it before the choice lands.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(country.name)}
            >
              {country.name}
            </li>
          ))}
      </ul>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
