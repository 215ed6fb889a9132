import { afterEach, describe, expect, it, vi } from 'vitest';
import { gql } from '@apollo/client';
import { createApolloClient } from './apollo';
import { SessionStore } from './session';

const me = {
  __typename: 'User',
  id: 'u1',
  username: 'clerk',
  displayName: '王警官',
  roles: ['CLERK'],
  office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

interface Call {
  url: string;
  authorization: string | null;
  csrf: string | null;
  body: string;
}

/** server stubs fetch: /auth/refresh answers from refreshes (in turn), /graphql from graphql(authorization, body). */
function server(refreshes: Response[], graphql: (authorization: string | null, body: string) => Response) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const headers = new Headers(init?.headers);
      const body = typeof init?.body === 'string' ? init.body : '';
      calls.push({ url, authorization: headers.get('Authorization'), csrf: headers.get('X-Hukou-CSRF'), body });
      if (url.endsWith('/auth/refresh')) return Promise.resolve(refreshes.shift() ?? json(401, { reason: 'auth.refresh_invalid' }));
      return Promise.resolve(graphql(headers.get('Authorization'), body));
    }),
  );
  return calls;
}

const token = (t: string) => json(200, { accessToken: t, accessExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString() });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('session restore and silent refresh', () => {
  it('restores a reloaded session from the refresh cookie: new access token, then the user', async () => {
    const calls = server([token('fresh')], (auth) =>
      auth === 'Bearer fresh' ? json(200, { data: { me } }) : json(200, { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }),
    );
    const store = new SessionStore('restoring');
    const { restore } = createApolloClient(store);
    await Promise.all([restore(), restore()]); // StrictMode runs effects twice: one refresh only
    expect(store.status()).toBe('signedIn');
    expect(store.get()?.user.displayName).toBe('王警官');
    expect(store.get()?.accessToken).toBe('fresh');
    const refreshes = calls.filter((c) => c.url.endsWith('/auth/refresh'));
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].csrf).toBe('1');
    expect(calls.find((c) => c.url.endsWith('/graphql'))?.authorization).toBe('Bearer fresh');
  });

  it('shows the login page after a reload without a session, and says so when the session expired', async () => {
    server([new Response(null, { status: 204 })], () => json(500, {}));
    const none = new SessionStore('restoring');
    await createApolloClient(none).restore();
    expect(none.status()).toBe('signedOut');

    server([json(401, { code: 'UNAUTHENTICATED', reason: 'auth.refresh_invalid' })], () => json(500, {}));
    const expired = new SessionStore('restoring');
    await createApolloClient(expired).restore();
    expect(expired.status()).toBe('expired');
  });

  it('refreshes once when the access token expired, retries, and keeps the user signed in', async () => {
    const calls = server([token('second')], (auth) =>
      auth === 'Bearer second'
        ? json(200, { data: { me } })
        : json(200, { errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED', reason: 'auth.token_expired' } }] }),
    );
    const store = new SessionStore();
    store.set({ accessToken: 'first', accessExpiresAt: new Date(Date.now() + 60_000).toISOString(), user: { ...me, roles: ['CLERK'] } as never });
    const { client } = createApolloClient(store);
    const r = await client.query({ query: gql`query Me { me { id username displayName roles office { code name } } }`, fetchPolicy: 'network-only' });
    expect(r.data).toBeTruthy();
    expect(store.get()?.accessToken).toBe('second');
    expect(calls.map((c) => c.authorization ?? c.url)).toEqual(['Bearer first', '/auth/refresh', 'Bearer second']);
  });

  it('ends in the expired state when the refresh cookie is refused too', async () => {
    server([json(401, { code: 'UNAUTHENTICATED', reason: 'auth.refresh_invalid' })], () =>
      json(200, { errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED', reason: 'auth.token_expired' } }] }),
    );
    const store = new SessionStore();
    store.set({ accessToken: 'first', accessExpiresAt: new Date(Date.now() + 60_000).toISOString(), user: me as never });
    const { client } = createApolloClient(store);
    await client.query({ query: gql`query Me { me { id } }`, fetchPolicy: 'network-only' }).catch(() => undefined);
    expect(store.status()).toBe('expired');
    expect(store.get()).toBeNull();
  });
});
