import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App, Button, DatePicker, Drawer, Modal, Select, Table, Typography } from 'antd';
import { createApolloClient } from './apollo';
import { Providers } from './Providers';
import { SessionStore } from './session';

function renderInApp(ui: React.ReactNode) {
  const store = new SessionStore();
  const { client } = createApolloClient(store);
  return render(
    <Providers client={client} store={store}>
      {ui}
    </Providers>,
  );
}

describe('Providers', () => {
  it('applies the Chinese locale: an empty table says 暂无数据', () => {
    renderInApp(<Table rowKey="id" columns={[{ title: '姓名', dataIndex: 'name' }]} dataSource={[]} />);
    expect(screen.getAllByText('暂无数据').length).toBeGreaterThan(0);
    expect(screen.queryByText('No data')).toBeNull();
  });

  it('applies the Chinese locale to date pickers', () => {
    renderInApp(<DatePicker />);
    expect(screen.getByPlaceholderText('请选择日期')).toBeInTheDocument();
    expect(screen.queryByPlaceholderText('Select date')).toBeNull();
  });

  it('names the pickers’ year and month buttons by what they show (label in name)', () => {
    renderInApp(
      <>
        <DatePicker open />
        <DatePicker.RangePicker open />
      </>,
    );
    const years = document.querySelectorAll('.ant-picker-year-btn');
    expect(years.length).toBe(3);
    for (const b of [...years, ...document.querySelectorAll('.ant-picker-month-btn')]) {
      expect(b).not.toHaveAttribute('aria-label');
      expect(b.textContent).toMatch(/\d+[年月]/);
    }
  });

  it('sizes the outline’s headings as the pages were designed (h2 as antd’s h3, h3 as its h5)', () => {
    renderInApp(
      <>
        <Typography.Title level={2}>页面</Typography.Title>
        <Typography.Title level={3}>分区</Typography.Title>
      </>,
    );
    expect(getComputedStyle(screen.getByRole('heading', { level: 2 })).fontSize).toBe('24px');
    expect(getComputedStyle(screen.getByRole('heading', { level: 3 })).fontSize).toBe('16px');
  });

  it('puts popups in a landmark, messages and notifications in live regions; dialogs stay at body level (axe region)', async () => {
    function Page() {
      const { message, notification } = App.useApp();
      return (
        <>
          <Select aria-label="性别" options={[{ value: '1', label: '男' }]} />
          <Button onClick={() => void message.success('已保存')}>保存</Button>
          <Button onClick={() => notification.info({ message: '新消息', description: <a href="#case">查看案件</a> })}>通知我</Button>
          <Modal open title="确认">内容</Modal>
          <Drawer open title="详情">抽屉</Drawer>
        </>
      );
    }
    renderInApp(<Page />);
    await userEvent.click(screen.getByRole('combobox', { name: '性别' }));
    const popups = await screen.findByRole('region', { name: '弹出内容' });
    await waitFor(() => expect(popups.querySelector('.ant-select-dropdown')).not.toBeNull());
    await userEvent.click(screen.getByRole('button', { name: '保存' }));
    const said = await screen.findByText('已保存');
    expect(said.closest('[aria-live="polite"]')).not.toBeNull();
    await userEvent.click(screen.getByRole('button', { name: '通知我' }));
    const notices = await screen.findByRole('region', { name: '通知' });
    await waitFor(() => expect(within(notices).getByRole('link', { name: '查看案件' })).toBeTruthy());
    expect(notices.getAttribute('aria-live')).toBe('polite');
    for (const dialog of screen.getAllByRole('dialog', { name: '确认' })) expect(popups.contains(dialog)).toBe(false);
    expect(document.querySelector('.ant-modal-root')?.parentElement).toBe(document.body);
    const drawer = await screen.findByText('抽屉');
    expect(popups.contains(drawer)).toBe(false);
  });
});
