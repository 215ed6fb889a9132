import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { createApolloClient } from './apollo';
import { Providers } from './Providers';
import { createAppRouter } from './router';
import { SessionStore } from './session';
import './global.css';

export function App() {
  const [{ store, client, restore, router }] = useState(() => {
    const store = new SessionStore('restoring');
    const { client, restore } = createApolloClient(store);
    store.subscribe(() => {
      if (!store.get() && store.status() !== 'restoring') void client.clearStore();
    });
    return { store, client, restore, router: createAppRouter() };
  });
  // A reload keeps the user signed in through the refresh cookie (restore runs once per store).
  useEffect(() => void restore(), [restore]);
  return (
    <Providers client={client} store={store}>
      <RouterProvider router={router} />
    </Providers>
  );
}
