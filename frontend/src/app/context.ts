import { createContext, useContext } from 'react';
import type { SessionStore } from './session';

export const SessionContext = createContext<SessionStore | null>(null);

/** useSessionStore returns the session store the providers set up. */
export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSessionStore outside <Providers>');
  return store;
}
