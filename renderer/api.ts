import { createContext, useContext } from 'react';
import type { LatchkeyApi } from '../common/window-api';

export const ApiContext = createContext<LatchkeyApi | null>(null);

export function useApi(): LatchkeyApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
