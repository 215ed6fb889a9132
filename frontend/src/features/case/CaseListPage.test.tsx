import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CaseCountDocument,
  type CaseCountQuery,
  type CaseCountQueryVariables,
  CaseListDocument,
  CaseListOfficesDocument,
  type CaseListOfficesQuery,
  type CaseListQuery,
  type CaseListQueryVariables,
  type CaseOrder,
  type CaseSummaryFragment,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { signedInStore } from '../../test/fixtures';
import { CaseListPage } from './CaseListPage';

const row: CaseSummaryFragment = {
  __typename: 'Case',
  id: 'Q2FzZTox',
  kind: 'BIRTH',
  side: 'ACCEPTANCE',
  collabNo: 'XT2111002026112600001',
  status: 'DRAFT',
  people: [
    { __typename: 'CasePerson', name: '王小明', idNumber: '' },
    { __typename: 'CasePerson', name: '李红', idNumber: '130102199003152341' },
    { __typename: 'CasePerson', name: '王大力', idNumber: '21110219850101123X' },
  ],
  acceptanceOffice: '211102000100',
  registrationOffice: '130102000100',
  acceptanceOfficeName: '兴隆派出所',
  registrationOfficeName: '长安派出所',
  deadlineAt: null,
  overdue: false,
  awaitingOtherSide: false,
  version: 1,
  createdAt: '2026-11-26T01:00:00Z',
  updatedAt: '2026-11-26T01:00:00Z',
};

function listMock(filter: CaseListQueryVariables['filter'], rows: CaseSummaryFragment[], orderBy: CaseOrder = 'UPDATED_DESC') {
  return typedMock<CaseListQuery, CaseListQueryVariables>({
    request: { query: CaseListDocument, variables: { filter, first: 20, after: null, orderBy } },
    result: {
      data: {
        __typename: 'Query',
        cases: {
          __typename: 'CaseConnection',
          edges: rows.map((node) => ({ __typename: 'CaseEdge' as const, cursor: node.id, node })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    },
  });
}

const officesMock = typedMock<CaseListOfficesQuery, Record<string, never>>({
  request: { query: CaseListOfficesDocument },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: {
    data: {
      __typename: 'Query',
      offices: [
        { __typename: 'Office', code: '211103000100', name: '兴隆派出所' },
        { __typename: 'Office', code: '211103000200', name: '榆树派出所' },
      ],
    },
  },
});

describe('CaseListPage', () => {
  it('narrows the list to an office in the jurisdiction (#19 item 4)', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, []), listMock({ office: '211103000100' }, [row])], signedInStore(['ADMIN']));
    await screen.findAllByText('暂无数据');
    await userEvent.click(screen.getByLabelText('办理单位'));
    await userEvent.click(await screen.findByTitle('兴隆派出所'));
    await userEvent.click(screen.getByRole('button', { name: /查\s?询/ }));
    expect(await screen.findByText('XT2111002026112600001')).toBeTruthy();
  });

  it('finds cases by a person and shows whom each is about and the other office', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, []), listMock({ person: '李红' }, [row])], signedInStore(['CLERK']));
    await screen.findAllByText('暂无数据');
    await userEvent.type(screen.getByLabelText('当事人'), '李红');
    await userEvent.click(screen.getByRole('button', { name: /查\s?询/ }));
    const tr = (await screen.findByText('XT2111002026112600001')).closest('tr') as HTMLElement;
    expect(within(tr).getByText('王小明、李红 等 3 人')).toBeTruthy();
    expect(within(tr).getByText('长安派出所')).toBeTruthy();
  });

  it('sorts by a column on the server, from the first page (#19 item 4)', async () => {
    renderWithProviders(
      <CaseListPage />,
      [officesMock, listMock({}, [row]), listMock({}, [row], 'COLLAB_NO_ASC'), listMock({}, [row], 'COLLAB_NO_DESC')],
      signedInStore(['CLERK']),
    );
    await screen.findByText('XT2111002026112600001');
    const header = screen.getAllByRole('columnheader').find((h) => h.textContent?.includes('协同编号')) as HTMLElement;
    await userEvent.click(header);
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('ascending'));
    await userEvent.click(header);
    await waitFor(() => expect(header.getAttribute('aria-sort')).toBe('descending'));
    expect(await screen.findByText('XT2111002026112600001')).toBeTruthy();
  });

  it('offers no person search to an analyst, who reads names masked', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, [])], signedInStore(['ANALYST']));
    await screen.findAllByText('暂无数据');
    expect(screen.queryByLabelText('当事人')).toBeNull();
    expect(screen.getAllByText('受理日期').length).toBeGreaterThan(0);
  });

  afterEach(() => {
    window.localStorage.clear();
    vi.restoreAllMocks();
  });

  it('counts the total on demand, for the filter shown (#19 item 4)', async () => {
    const countMock = typedMock<CaseCountQuery, CaseCountQueryVariables>({
      request: { query: CaseCountDocument, variables: { filter: {} } },
      result: { data: { __typename: 'Query', caseCount: 1234 } },
    });
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, [row]), countMock], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    expect(screen.queryByTestId('case-total')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: '统计总数' }));
    expect((await screen.findByTestId('case-total')).textContent).toBe('共 1234 条');
  });

  it('hides and orders columns, kept for the user', async () => {
    const { unmount } = renderWithProviders(<CaseListPage />, [officesMock, listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    const headers = () => screen.getAllByRole('columnheader').map((h) => h.textContent ?? '');
    expect(headers()).toContain('当事人');
    await userEvent.click(screen.getByRole('button', { name: /列设置/ }));
    const panel = await screen.findByTestId('case-column-settings');
    await userEvent.click(within(panel).getByRole('checkbox', { name: '当事人' }));
    await userEvent.click(within(panel).getByRole('button', { name: '上移“状态”' }));
    expect(headers()).not.toContain('当事人');
    const h = headers();
    expect(h.indexOf('状态')).toBeLessThan(h.indexOf('对方单位'));
    unmount();
    // The next visit by the same user shows the same columns.
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    expect(headers()).not.toContain('当事人');
  });

  it('prints the page in brief', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /简要打印/ }));
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('exports a kind’s cases through the audited query export, for query roles only', async () => {
    const fetchMock = vi.fn(() =>
      Promise.resolve(new Response('a,b\n', { status: 200, headers: { 'Content-Disposition': 'attachment; filename="BIRTH.csv"' } })),
    );
    vi.stubGlobal('fetch', fetchMock);
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
    renderWithProviders(
      <CaseListPage />,
      [officesMock, listMock({}, []), listMock({ kind: 'BIRTH' }, [row])],
      signedInStore(['APPROVER', 'OFFICER']),
    );
    await screen.findAllByText('暂无数据');
    const csv = screen.getByRole('button', { name: /导出 CSV/ });
    expect(csv).toHaveProperty('disabled', true); // no kind chosen yet
    await userEvent.click(screen.getAllByRole('combobox')[0]);
    await userEvent.click(await screen.findByTitle('新生儿出生登记'));
    await userEvent.click(screen.getByRole('button', { name: /查\s?询/ }));
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /导出 CSV/ }));
    await screen.findByText('已导出查询结果，请在浏览器的下载列表中查看');
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/exports/query');
    const body = JSON.parse(init.body as string) as { source: string; condition: unknown; format: string; columns: string[] };
    expect(body).toMatchObject({ source: 'BIRTH', condition: null, format: 'CSV' });
    expect(body.columns).toContain('collabNo');
    vi.unstubAllGlobals();
  });

  it('offers no export to roles without query views', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, listMock({}, [])], signedInStore(['CLERK']));
    await screen.findAllByText('暂无数据');
    expect(screen.queryByRole('button', { name: /导出/ })).toBeNull();
  });
});
