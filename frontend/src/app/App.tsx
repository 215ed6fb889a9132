import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { createApolloClient } from './apollo';
import { Providers } from './Providers';
import { createAppRouter } from './router';
import { SessionStore } from './session';
import './global.css';

export function App() {
  const [{ store, client, router }] = useState(() => {
    const store = new SessionStore();
    const { client } = createApolloClient(store);
    store.subscribe(() => {
      if (!store.get()) void client.clearStore();
    });
    return { store, client, router: createAppRouter() };
  });
  return (
    <Providers client={client} store={store}>
      <RouterProvider router={router} />
    </Providers>
  );
}
