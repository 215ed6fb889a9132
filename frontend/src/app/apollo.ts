// The Apollo client: Bearer auth on HTTP and WebSocket, one transparent token
// refresh when the server says the access token expired or was revoked, and sign-out for any
// other UNAUTHENTICATED answer.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { print } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { from as fromPromise, switchMap } from 'rxjs';
import {
  RefreshSessionDocument,
  type RefreshSessionMutation,
  type RefreshSessionMutationVariables,
} from '../graphql/generated/graphql';
import possibleTypes from '../graphql/generated/possible-types';
import type { SessionStore } from './session';

const graphqlPath = '/graphql';

interface RefreshResponse {
  data?: RefreshSessionMutation | null;
  errors?: ReadonlyArray<{ message: string }>;
}

/** refreshSession spends the refresh token once; concurrent callers share one request. */
function makeRefresher(store: SessionStore): () => Promise<boolean> {
  let inFlight: Promise<boolean> | null = null;
  return () => {
    if (inFlight) return inFlight;
    const session = store.get();
    if (!session) return Promise.resolve(false);
    const variables: RefreshSessionMutationVariables = { refreshToken: session.refreshToken };
    inFlight = fetch(graphqlPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operationName: 'RefreshSession', query: print(RefreshSessionDocument), variables }),
    })
      .then((r) => r.json() as Promise<RefreshResponse>)
      .then((body) => {
        if (body.data?.refreshToken) {
          store.set(body.data.refreshToken);
          return true;
        }
        store.clear();
        return false;
      })
      .catch(() => false)
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
}

export function createApolloClient(store: SessionStore): HukouClient {
  const refresh = makeRefresher(store);

  const auth = new SetContextLink((prev) => {
    const token = store.get()?.accessToken;
    const headers = prev.headers as Record<string, string> | undefined;
    return token ? { headers: { ...headers, Authorization: `Bearer ${token}` } } : {};
  });

  const errors = new ErrorLink(({ error, operation, forward }) => {
    const unauth = reasonOf(error);
    if (!unauth) return;
    const name = operation.operationName;
    if (name === 'Login' || name === 'RefreshSession') return;
    // Expired, or revoked by a sign-out elsewhere: the refresh token may still be good.
    const refreshable = unauth.reason === 'auth.token_expired' || unauth.reason === 'auth.token_revoked';
    if (refreshable && !operation.getContext().retriedAfterRefresh) {
      operation.setContext({ retriedAfterRefresh: true });
      return fromPromise(refresh()).pipe(
        switchMap((ok) => {
          if (!ok) store.clear();
          return forward(operation);
        }),
      );
    }
    store.clear(); // the router guard sends the user to the login page
  });

  const http = new HttpLink({ uri: graphqlPath });

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
      const token = store.get()?.accessToken;
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
  });

  // A new sign-in (or a refresh) must reach the socket's connection_init.
  let lastToken = store.get()?.accessToken;
  store.subscribe(() => {
    const token = store.get()?.accessToken;
    if (token !== lastToken) {
      lastToken = token;
      ws.terminate();
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
  return { client, ws };
}
