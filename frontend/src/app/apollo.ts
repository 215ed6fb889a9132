// The Apollo client: Bearer auth on HTTP and WebSocket with the access token
// kept in memory, silent refresh through the HttpOnly refresh cookie (on load,
// shortly before the token expires, and once when the server says it expired
// or was revoked), and the expired-session state for any other
// UNAUTHENTICATED answer.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { from as fromPromise, switchMap } from 'rxjs';
import { MeDocument } from '../graphql/generated/shell';
import possibleTypes from '../graphql/generated/possible-types';
import { refreshAccessToken } from './auth';
import type { SessionStore } from './session';

const graphqlPath = '/graphql';

/** refreshLead is how long before expiry the access token is renewed. */
export const refreshLead = 60_000;

/**
 * makeRefresher renews the access token with the refresh cookie; concurrent
 * callers share one request. A refused (or, after sign-in, missing) cookie
 * ends the session as expired; a network failure leaves it for the next try.
 */
function makeRefresher(store: SessionStore): () => Promise<boolean> {
  let inFlight: Promise<boolean> | null = null;
  return () => {
    if (inFlight) return inFlight;
    inFlight = refreshAccessToken()
      .then((r) => {
        if (r.ok) {
          store.setToken(r);
          return true;
        }
        // No cookie at a reload: simply not signed in. Otherwise the session ended while in use.
        if (r.reason === 'none' && store.status() === 'restoring') store.clear();
        else if (r.reason !== 'network') store.expire();
        return false;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}

function reasonOf(error: unknown): { code: string; reason: string } | null {
  if (!CombinedGraphQLErrors.is(error)) return null;
  for (const e of error.errors) {
    const code = e.extensions?.code;
    if (code === 'UNAUTHENTICATED') {
      const reason = e.extensions?.reason;
      return { code, reason: typeof reason === 'string' ? reason : '' };
    }
  }
  return null;
}

export interface HukouClient {
  client: ApolloClient;
  ws: WsClient;
  /** restore signs the user back in after a reload, from the refresh cookie (once per store). */
  restore: () => Promise<void>;
}

export function createApolloClient(store: SessionStore): HukouClient {
  const refresh = makeRefresher(store);

  const auth = new SetContextLink((prev) => {
    const token = store.accessToken();
    const headers = prev.headers as Record<string, string> | undefined;
    return token ? { headers: { ...headers, Authorization: `Bearer ${token}` } } : {};
  });

  const errors = new ErrorLink(({ error, operation, forward }) => {
    const unauth = reasonOf(error);
    if (!unauth) return;
    const name = operation.operationName;
    if (name === 'Login') return;
    // Expired, or revoked by a sign-out elsewhere: the refresh cookie may still be good.
    const refreshable = unauth.reason === 'auth.token_expired' || unauth.reason === 'auth.token_revoked';
    if (refreshable && !operation.getContext().retriedAfterRefresh) {
      operation.setContext({ retriedAfterRefresh: true });
      return fromPromise(refresh()).pipe(switchMap(() => forward(operation)));
    }
    store.expire(); // the router guard sends the user to the login page, which says the session expired
  });

  const http = new HttpLink({ uri: graphqlPath, credentials: 'same-origin' });

  const wsUrl = () => {
    const { protocol, host } = window.location;
    return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${graphqlPath}`;
  };
  const ws = createClient({
    url: wsUrl,
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    connectionParams: () => {
      const token = store.accessToken();
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
  });

  // A new sign-in (or a refresh) must reach the socket's connection_init, and
  // the next renewal is due shortly before the new token expires.
  let lastToken = store.accessToken();
  let timer: ReturnType<typeof setTimeout> | undefined;
  store.subscribe(() => {
    const token = store.accessToken();
    if (token === lastToken) return;
    lastToken = token;
    ws.terminate();
    clearTimeout(timer);
    const exp = store.accessExpiresAt();
    if (token && exp) {
      const due = Math.max(5_000, Date.parse(exp) - Date.now() - refreshLead);
      timer = setTimeout(() => void refresh(), Math.min(due, 2 ** 31 - 1));
    }
  });

  const transport = ApolloLink.split(
    ({ query }) => isSubscriptionOperation(query),
    new GraphQLWsLink(ws),
    ApolloLink.from([errors, auth, http]),
  );

  const client = new ApolloClient({
    link: transport,
    cache: new InMemoryCache({ possibleTypes: possibleTypes.possibleTypes }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });

  let restoring: Promise<void> | null = null;
  const restore = () => {
    restoring ??= (async () => {
      if (!(await refresh())) {
        if (store.status() === 'restoring') store.clear(); // no cookie, or the server could not be reached
        return;
      }
      const token = { accessToken: store.accessToken() ?? '', accessExpiresAt: store.accessExpiresAt() ?? '' };
      try {
        const r = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
        if (r.data) store.set({ ...token, user: r.data.me });
        else store.clear();
      } catch {
        if (store.status() === 'restoring') store.clear();
      }
    })();
    return restoring;
  };
  return { client, ws, restore };
}
