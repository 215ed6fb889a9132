import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { DatePicker, Table } from 'antd';
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
});
