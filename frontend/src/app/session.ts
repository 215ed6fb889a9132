// The signed-in session: tokens and user, kept in localStorage so a reload
// keeps the clerk signed in. A tiny external store React reads through
// useSyncExternalStore; the Apollo links read it directly.
import { useSyncExternalStore } from 'react';
import type { SessionTokensFragment, SessionUserFragment } from '../graphql/generated/graphql';

export interface Session {
  accessToken: string;
  accessExpiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  user: SessionUserFragment;
}

const storageKey = 'hukou.session';

export class SessionStore {
  private current: Session | null;
  private listeners = new Set<() => void>();

  constructor(private readonly storage: Storage | null = typeof window === 'undefined' ? null : window.localStorage) {
    this.current = SessionStore.load(this.storage);
  }

  private static load(storage: Storage | null): Session | null {
    const raw = storage?.getItem(storageKey);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as Session;
      return typeof s.accessToken === 'string' && typeof s.refreshToken === 'string' ? s : null;
    } catch {
      return null;
    }
  }

  get = (): Session | null => this.current;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** set stores a session from login or refresh. */
  set(tokens: SessionTokensFragment): void {
    this.current = {
      accessToken: tokens.accessToken,
      accessExpiresAt: tokens.accessExpiresAt,
      refreshToken: tokens.refreshToken,
      refreshExpiresAt: tokens.refreshExpiresAt,
      user: tokens.user,
    };
    this.storage?.setItem(storageKey, JSON.stringify(this.current));
    this.emit();
  }

  clear(): void {
    if (!this.current) return;
    this.current = null;
    this.storage?.removeItem(storageKey);
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export function useSession(store: SessionStore): Session | null {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
