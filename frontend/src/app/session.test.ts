import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionStore } from './session';
import { csrfHeaders, logoutSession, refreshAccessToken } from './auth';

const user = {
  __typename: 'User' as const,
  id: 'u1',
  username: 'clerk',
  displayName: '王警官',
  roles: ['CLERK' as const],
  office: { __typename: 'Office' as const, code: '211100000000', name: '盘锦市公安局' },
};

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  localStorage.clear();
  sessionStorage.clear();
});

describe('SessionStore', () => {
  it('keeps the session in memory only: nothing in localStorage or sessionStorage', () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const store = new SessionStore();
    store.set({ accessToken: 'tok-1', accessExpiresAt: '2026-11-25T11:00:00Z', user });
    store.setToken({ accessToken: 'tok-2', accessExpiresAt: '2026-11-25T11:15:00Z' });
    expect(store.get()?.accessToken).toBe('tok-2');
    expect(store.get()?.user.username).toBe('clerk');
    expect(setItem).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(new SessionStore().get()).toBeNull(); // a new page knows nothing until it restores
  });

  it('tells a session that ended in use (expired) from a sign-out', () => {
    const store = new SessionStore();
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.status()));
    store.set({ accessToken: 't', accessExpiresAt: '2026-11-25T11:00:00Z', user });
    store.expire();
    expect(store.status()).toBe('expired');
    expect(store.get()).toBeNull();
    expect(store.accessToken()).toBeUndefined();
    store.set({ accessToken: 't', accessExpiresAt: '2026-11-25T11:00:00Z', user });
    store.clear();
    expect(store.status()).toBe('signedOut');
    expect(seen).toEqual(['signedIn', 'expired', 'signedIn', 'signedOut']);
    store.expire();
    expect(store.status()).toBe('signedOut'); // nobody was signed in: nothing expired
  });

  it('keeps the token of a restore in progress before the user is known', () => {
    const store = new SessionStore('restoring');
    store.setToken({ accessToken: 'tok', accessExpiresAt: '2026-11-25T11:00:00Z' });
    expect(store.accessToken()).toBe('tok');
    expect(store.get()).toBeNull();
    expect(store.status()).toBe('restoring');
    store.expire();
    expect(store.status()).toBe('expired');
  });
});

describe('session endpoints', () => {
  it('refreshes with the CSRF header and the cookie, never a token in the body', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(jsonResponse(200, { accessToken: 'new', accessExpiresAt: '2026-11-25T11:15:00Z', refreshExpiresAt: 'x' })));
    vi.stubGlobal('fetch', fetchMock);
    await expect(refreshAccessToken()).resolves.toEqual({ ok: true, accessToken: 'new', accessExpiresAt: '2026-11-25T11:15:00Z' });
    expect(fetchMock).toHaveBeenCalledWith('/auth/refresh', { method: 'POST', headers: csrfHeaders, credentials: 'same-origin' });
    expect(csrfHeaders).toEqual({ 'X-Hukou-CSRF': '1' });
  });

  it('tells no session from an expired one and from a network failure', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(null, { status: 204 }))));
    await expect(refreshAccessToken()).resolves.toEqual({ ok: false, reason: 'none' });
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse(401, { code: 'UNAUTHENTICATED', reason: 'auth.refresh_invalid' }))));
    await expect(refreshAccessToken()).resolves.toEqual({ ok: false, reason: 'expired' });
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('offline'))));
    await expect(refreshAccessToken()).resolves.toEqual({ ok: false, reason: 'network' });
  });

  it('logs out through the cookie endpoint with the CSRF header', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(new Response(null, { status: 204 })));
    vi.stubGlobal('fetch', fetchMock);
    await logoutSession();
    expect(fetchMock).toHaveBeenCalledWith('/auth/logout', { method: 'POST', headers: csrfHeaders, credentials: 'same-origin' });
  });
});
