import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App, Button, Select, Typography } from 'antd';
import axe from 'axe-core';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { createApolloClient } from './apollo';
import { AppLayout } from './AppLayout';
import { Providers } from './Providers';
import { SessionStore } from './session';

const user = {
  __typename: 'User',
  id: 'u1',
  username: 'clerk',
  displayName: '王警官',
  roles: ['OFFICER'],
  office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
};

function renderAt(path: string, page = <p>页面内容</p>) {
  const store = new SessionStore();
  store.set({ accessToken: 'tok', accessExpiresAt: '2099-01-01T00:00:00Z', user: user as never });
  const { client } = createApolloClient(store);
  const router = createMemoryRouter(
    [{ element: <AppLayout />, children: [{ path: '*', element: page }] }],
    { initialEntries: [path] },
  );
  render(
    <Providers client={client} store={store}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return router;
}

describe('AppLayout', () => {
  it('titles the tab and shows the breadcrumbs of the page, linking to the pages above it', async () => {
    const router = renderAt('/cases/Q2FzZTox');
    await waitFor(() => expect(document.title).toBe('案件详情 - 户籍业务跨省通办协同系统'));
    const nav = screen.getByRole('navigation', { name: '当前位置' });
    expect(within(nav).getAllByRole('listitem').map((li) => li.textContent?.replace('/', '').trim())).toEqual(['工作台', '案件列表', '案件详情']);
    expect(within(nav).getByRole('link', { name: '案件列表' })).toHaveAttribute('href', '/cases');
    expect(within(nav).queryByRole('link', { name: '案件详情' })).toBeNull();

    await act(() => router.navigate('/admin/users'));
    // An officer may not open user management: the step is named, not linked.
    await waitFor(() => expect(document.title).toBe('用户管理 - 户籍业务跨省通办协同系统'));
    expect(within(screen.getByRole('navigation', { name: '当前位置' })).getAllByRole('link').map((a) => a.textContent)).toEqual(['工作台']);
  });

  it('gives a page’s headings an outline and its popups landmarks (axe heading-order, region; #19)', async () => {
    function Page() {
      const { message } = App.useApp();
      return (
        <div className="hukou-page">
          <Typography.Title level={2}>案件列表</Typography.Title>
          <Typography.Title level={3}>查询条件</Typography.Title>
          <Select aria-label="业务类型" options={[{ value: 'BIRTH', label: '新生儿出生登记' }]} />
          <Button onClick={() => void message.success('已保存')}>保存</Button>
        </div>
      );
    }
    renderAt('/cases', <Page />);
    await screen.findByRole('heading', { name: '案件列表' });
    await userEvent.click(screen.getByRole('combobox', { name: '业务类型' }));
    await userEvent.click(screen.getByRole('button', { name: '保存' }));
    await screen.findByText('已保存');
    await waitFor(() => expect(document.querySelector('.ant-select-dropdown')).not.toBeNull());
    const rules = ['heading-order', 'region', 'page-has-heading-one', 'landmark-one-main', 'landmark-unique', 'empty-table-header'];
    const { violations } = await axe.run(document, { runOnly: { type: 'rule', values: rules } });
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
