import { afterEach, describe, expect, it } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button, Form, Input } from 'antd';
import { createMemoryRouter, Link, RouterProvider } from 'react-router';
import { UiProviders } from '../../app/Providers';
import { SessionContext } from '../../app/context';
import { SessionStore } from '../../app/session';
import { draftKey, draftTTLMs, saveDraft } from '../../lib/drafts';
import { IntakeDraft, useIntakeDone, useIntakeDraft } from './IntakeDraft';

const user = {
  __typename: 'User',
  id: 'u1',
  username: 'clerk',
  displayName: '王警官',
  roles: ['CLERK'],
  office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
};

/** A two-field intake form like every kind's: joined to the draft, saved with useIntakeDone. */
function TestIntake() {
  const [form] = Form.useForm<{ name: string; idNumber: string }>();
  useIntakeDraft('applicant', form);
  const done = useIntakeDone();
  return (
    <Form form={form} onFinish={() => done('/cases/c1#materials')}>
      <Form.Item name="name" label="申报人姓名">
        <Input />
      </Form.Item>
      <Form.Item name="idNumber" label="公民身份号码">
        <Input />
      </Form.Item>
      <Button htmlType="submit">保存</Button>
      <Link to="/cases">案件列表</Link>
    </Form>
  );
}

function renderIntake(store = signedIn()) {
  const router = createMemoryRouter(
    [
      {
        path: '/birth/new',
        element: (
          <IntakeDraft kind="BIRTH">
            <TestIntake />
          </IntakeDraft>
        ),
      },
      { path: '/cases', element: <p>案件列表页</p> },
      { path: '/cases/:id', element: <p>案件详情页</p> },
    ],
    { initialEntries: ['/birth/new'] },
  );
  render(
    <SessionContext.Provider value={store}>
      <UiProviders>
        <RouterProvider router={router} />
      </UiProviders>
    </SessionContext.Provider>,
  );
  return { router, store };
}

function signedIn() {
  const store = new SessionStore();
  store.set({ accessToken: 'tok', accessExpiresAt: '2099-01-01T00:00:00Z', user: user as never });
  return store;
}

afterEach(() => localStorage.clear());

describe('the intake draft and unsaved-changes guard (issue 19 item 5)', () => {
  it('keeps what was typed per user and kind, and asks in Chinese before another page opens', async () => {
    const u = userEvent.setup();
    const { router } = renderIntake();
    await u.type(screen.getByLabelText('申报人姓名'), '李秀英');
    await waitFor(() => expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).toContain('李秀英'));

    await u.click(screen.getByRole('link', { name: '案件列表' }));
    expect(await screen.findAllByText('离开此页？')).not.toHaveLength(0);
    await u.click(screen.getByRole('button', { name: '留在此页' }));
    expect(router.state.location.pathname).toBe('/birth/new');
    expect(screen.getByLabelText('申报人姓名')).toHaveValue('李秀英');

    await u.click(screen.getByRole('link', { name: '案件列表' }));
    // The first dialog may still be closing: answer the newest one.
    await u.click((await screen.findAllByRole('button', { name: '离开' })).at(-1) as HTMLElement);
    await waitFor(() => expect(router.state.location.pathname).toBe('/cases'));
    expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).toContain('李秀英');
  });

  it('asks the browser before a tab with unsaved input closes', async () => {
    const u = userEvent.setup();
    renderIntake();
    const clean = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    await u.type(screen.getByLabelText('公民身份号码'), '2111');
    const dirty = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(dirty);
    expect(dirty.defaultPrevented).toBe(true);
  });

  it('offers the draft back on return, and restores or discards it', async () => {
    const u = userEvent.setup();
    saveDraft('u1', 'BIRTH', { savedAt: Date.now(), forms: { applicant: { name: '李秀英', idNumber: '211102199001011234' } } });
    renderIntake();
    expect(screen.getByText(/发现未保存的草稿/)).toBeInTheDocument();
    expect(screen.getByLabelText('申报人姓名')).toHaveValue('');
    await u.click(screen.getByRole('button', { name: '恢复草稿' }));
    expect(screen.getByLabelText('申报人姓名')).toHaveValue('李秀英');
    expect(screen.getByLabelText('公民身份号码')).toHaveValue('211102199001011234');
    expect(screen.queryByText(/发现未保存的草稿/)).not.toBeInTheDocument();
  });

  it('drops a discarded draft, an old one, and another user’s', async () => {
    const u = userEvent.setup();
    saveDraft('u1', 'BIRTH', { savedAt: Date.now(), forms: { applicant: { name: '李秀英' } } });
    saveDraft('u2', 'BIRTH', { savedAt: Date.now(), forms: { applicant: { name: '张伟' } } });
    renderIntake();
    await u.click(screen.getByRole('button', { name: '丢弃草稿' }));
    expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).toBeNull();
    expect(localStorage.getItem(draftKey('u2', 'BIRTH'))).not.toBeNull();
  });

  it('does not offer a draft older than a working day', () => {
    saveDraft('u1', 'BIRTH', { savedAt: Date.now() - draftTTLMs - 1000, forms: { applicant: { name: '李秀英' } } });
    renderIntake();
    expect(screen.queryByText(/发现未保存的草稿/)).not.toBeInTheDocument();
    expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).toBeNull();
  });

  it('clears the draft when the case is saved, and opens its materials without asking', async () => {
    const u = userEvent.setup();
    const { router } = renderIntake();
    await u.type(screen.getByLabelText('申报人姓名'), '李秀英');
    await waitFor(() => expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).not.toBeNull());
    await u.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/cases/c1'));
    expect(router.state.location.hash).toBe('#materials');
    expect(screen.queryByText('离开此页？')).not.toBeInTheDocument();
    expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).toBeNull();
  });

  it('clears every draft of the user on sign-out, so nothing lingers for the next user of the PC', async () => {
    const u = userEvent.setup();
    saveDraft('u1', 'MIGRATION', { savedAt: Date.now(), forms: { applicant: { name: '陈东' } } });
    saveDraft('u2', 'BIRTH', { savedAt: Date.now(), forms: { applicant: { name: '张伟' } } });
    const { store, router } = renderIntake();
    await u.type(screen.getByLabelText('申报人姓名'), '李秀英');
    await waitFor(() => expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).not.toBeNull());
    act(() => store.clear());
    expect(localStorage.getItem(draftKey('u1', 'BIRTH'))).toBeNull();
    // Signed out, the way to the login page is not blocked.
    await act(() => router.navigate('/cases'));
    expect(router.state.location.pathname).toBe('/cases');
    expect(screen.queryByText('离开此页？')).not.toBeInTheDocument();
    expect(localStorage.getItem(draftKey('u1', 'MIGRATION'))).toBeNull();
    expect(localStorage.getItem(draftKey('u2', 'BIRTH'))).not.toBeNull();
  });
});
