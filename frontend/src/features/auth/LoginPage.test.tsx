import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { createApolloClient } from '../../app/apollo';
import { Providers } from '../../app/Providers';
import { SessionStore } from '../../app/session';
import { LoginPage } from './LoginPage';

const user = {
  __typename: 'User',
  id: 'u1',
  username: 'clerk',
  displayName: '王警官',
  roles: ['CLERK'],
  office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
};

function renderLogin(store: SessionStore) {
  const { client } = createApolloClient(store);
  return render(
    <Providers client={client} store={store}>
      <MemoryRouter initialEntries={['/login']}>
        <LoginPage />
      </MemoryRouter>
    </Providers>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('LoginPage', () => {
  it('says in Chinese that the session expired, and signs in again', async () => {
    const requests: { headers: Headers; body: string }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_input: RequestInfo | URL, init?: RequestInit) => {
        requests.push({ headers: new Headers(init?.headers), body: typeof init?.body === 'string' ? init.body : '' });
        return Promise.resolve(new Response(
          JSON.stringify({ data: { login: { __typename: 'Session', accessToken: 'tok', accessExpiresAt: '2026-11-25T11:00:00Z', user } } }),
          { status: 200, headers: { 'Content-Type': 'application/json' } },
        ));
      }),
    );
    const store = new SessionStore();
    store.set({ accessToken: 'old', accessExpiresAt: '2026-11-25T10:00:00Z', user: user as never });
    store.expire();
    renderLogin(store);
    expect(await screen.findByTestId('session-expired')).toHaveTextContent('会话已过期，请重新登录');
    expect(document.body.textContent).not.toMatch(/expired|Unauthenticated/i);
    expect(document.title).toBe('用户登录 - 户籍业务跨省通办协同系统');

    await userEvent.type(screen.getByLabelText('用户名'), 'clerk');
    await userEvent.type(screen.getByLabelText('密码'), 'hukou-demo-2026');
    await userEvent.click(screen.getByRole('button', { name: /登\s*录/ }));
    await waitFor(() => expect(store.status()).toBe('signedIn'));
    expect(store.get()?.accessToken).toBe('tok');
    // The sign-in asks for the HttpOnly cookie (CSRF header) and never for the refresh token itself.
    expect(requests).toHaveLength(1);
    expect(requests[0].headers.get('X-Hukou-CSRF')).toBe('1');
    expect(requests[0].body).not.toContain('refreshToken');
  });

  it('shows no expiry notice to someone who was not signed in', async () => {
    renderLogin(new SessionStore());
    expect(await screen.findByLabelText('用户名')).toBeInTheDocument();
    expect(screen.queryByTestId('session-expired')).toBeNull();
  });
});
