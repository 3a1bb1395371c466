import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api';
import { App } from './App';
import './styles.css';
import { applyTheme, storedTheme } from './theme';

// Before the first paint, so a chosen theme never flashes the other one.
applyTheme(storedTheme());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ApiContext value={window.latchkey}>
      <App />
    </ApiContext>
  </StrictMode>,
);
