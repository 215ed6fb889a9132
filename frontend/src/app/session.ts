// The signed-in session, in memory only: the access token and the user. The
// refresh token never reaches script: it lives in an HttpOnly cookie that
// only the server's /auth/ endpoints read (auth.ts), so a reload restores
// the session by refreshing, and nothing an injected script could steal is
// kept in localStorage. A tiny external store React reads through
// useSyncExternalStore; the Apollo links read it directly.
import { useSyncExternalStore } from 'react';
import type { SessionUserFragment } from '../graphql/generated/graphql';
import { clearUserDrafts } from '../lib/drafts';

export interface AccessToken {
  accessToken: string;
  accessExpiresAt: string;
}

export interface Session extends AccessToken {
  user: SessionUserFragment;
}

/**
 * SessionStatus: restoring (a reload asks the server for a new access token
 * with the cookie), signedIn, signedOut (never signed in, or signed out),
 * expired (the session ended while in use: the login page says so).
 */
export type SessionStatus = 'restoring' | 'signedIn' | 'signedOut' | 'expired';

export class SessionStore {
  private token: AccessToken | null = null;
  private user: SessionUserFragment | null = null;
  private current: Session | null = null;
  private state: SessionStatus;
  private listeners = new Set<() => void>();

  constructor(initial: 'restoring' | 'signedOut' = 'signedOut') {
    this.state = initial;
  }

  get = (): Session | null => this.current;

  status = (): SessionStatus => this.state;

  /** accessToken is the token to send, also while a session is being restored (before the user is known). */
  accessToken = (): string | undefined => this.token?.accessToken;

  /** accessExpiresAt is when the current access token expires. */
  accessExpiresAt = (): string | undefined => this.token?.accessExpiresAt;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** set stores a session from a sign-in (or a restore that loaded the user). */
  set(s: Session): void {
    this.token = { accessToken: s.accessToken, accessExpiresAt: s.accessExpiresAt };
    this.user = s.user;
    this.state = 'signedIn';
    this.update();
  }

  /** setToken stores a refreshed access token; the user stays. */
  setToken(t: AccessToken): void {
    this.token = { accessToken: t.accessToken, accessExpiresAt: t.accessExpiresAt };
    this.update();
  }

  /** clear signs out (or ends a restore that found no session); the user's intake drafts on this PC go too (issue 19). */
  clear(): void {
    if (this.user) clearUserDrafts(this.user.id);
    this.end('signedOut');
  }

  /** expire ends a session the server no longer honours; the login page tells the user. */
  expire(): void {
    this.end(this.state === 'restoring' || this.current ? 'expired' : 'signedOut');
  }

  private end(state: SessionStatus): void {
    if (!this.token && !this.user && this.state === state) return;
    this.token = null;
    this.user = null;
    this.state = state;
    this.update();
  }

  private update(): void {
    const next = this.token && this.user ? { ...this.token, user: this.user } : null;
    this.current = next;
    for (const l of this.listeners) l();
  }
}

export function useSession(store: SessionStore): Session | null {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

export function useSessionStatus(store: SessionStore): SessionStatus {
  return useSyncExternalStore(store.subscribe, store.status, store.status);
}
