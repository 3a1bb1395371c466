import { useState } from 'react';
import { chooseTheme, storedTheme, type ThemeChoice } from '../theme';

/** System, Light or Dark, remembered for the next launch (renderer/theme.ts). */
export function ThemePicker() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <div className="theme-picker">
      <label htmlFor="theme">Theme</label>
      <select
        id="theme"
        className="input select"
        value={choice}
        onChange={(event) => {
          const next = event.target.value as ThemeChoice;
          setChoice(next);
          chooseTheme(next);
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
