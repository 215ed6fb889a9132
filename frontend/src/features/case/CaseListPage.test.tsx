import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CaseCountDocument,
  type CaseCountQuery,
  type CaseCountQueryVariables,
  CaseListColumnsDocument,
  type CaseListColumnsQuery,
  CaseListDocument,
  CaseListOfficesDocument,
  SaveCaseListColumnsDocument,
  type SaveCaseListColumnsMutation,
  type SaveCaseListColumnsMutationVariables,
  type CaseListOfficesQuery,
  type CaseListQuery,
  type CaseListQueryVariables,
  type CaseOrder,
  type CaseSummaryFragment,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { signedInStore } from '../../test/fixtures';
import { CaseListPage } from './CaseListPage';
import { caseColumnKeys, move, serverValue } from './caseColumns';

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

/** saved collects the values the page saved as the user's column settings. */
let saved: string[] = [];

function columnsMock(value: string | null) {
  return typedMock<CaseListColumnsQuery, Record<string, never>>({
    request: { query: CaseListColumnsDocument },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: { data: { __typename: 'Query', myPreference: value } },
  });
}

function saveMock(value: string) {
  return typedMock<SaveCaseListColumnsMutation, SaveCaseListColumnsMutationVariables>({
    request: { query: SaveCaseListColumnsDocument, variables: { value } },
    result: () => {
      saved.push(value);
      return { data: { __typename: 'Mutation', setMyPreference: value } };
    },
  });
}

const headers = () => screen.getAllByRole('columnheader').map((h) => h.textContent ?? '');

describe('CaseListPage', () => {
  beforeEach(() => {
    saved = [];
    window.localStorage.clear();
  });

  it('narrows the list to an office in the jurisdiction (#19 item 4)', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, []), listMock({ office: '211103000100' }, [row])], signedInStore(['ADMIN']));
    await screen.findAllByText('暂无数据');
    await userEvent.click(screen.getByLabelText('办理单位'));
    await userEvent.click(await screen.findByTitle('兴隆派出所'));
    await userEvent.click(screen.getByRole('button', { name: /查\s?询/ }));
    expect(await screen.findByText('XT2111002026112600001')).toBeTruthy();
  });

  it('finds cases by a person and shows whom each is about and the other office', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, []), listMock({ person: '李红' }, [row])], signedInStore(['CLERK']));
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
      [officesMock, columnsMock(null), listMock({}, [row]), listMock({}, [row], 'COLLAB_NO_ASC'), listMock({}, [row], 'COLLAB_NO_DESC')],
      signedInStore(['CLERK']),
    );
    await screen.findByText('XT2111002026112600001');
    // Looked up each time: the header may render anew once the user's column settings arrive.
    const header = () => screen.getAllByRole('columnheader').find((h) => h.textContent?.includes('协同编号')) as HTMLElement;
    await userEvent.click(header());
    await waitFor(() => expect(header().getAttribute('aria-sort')).toBe('ascending'));
    await userEvent.click(header());
    await waitFor(() => expect(header().getAttribute('aria-sort')).toBe('descending'));
    expect(await screen.findByText('XT2111002026112600001')).toBeTruthy();
  });

  it('offers no person search to an analyst, who reads names masked', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, [])], signedInStore(['ANALYST']));
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
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, [row]), countMock], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    expect(screen.queryByTestId('case-total')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: '统计总数' }));
    expect((await screen.findByTestId('case-total')).textContent).toBe('共 1234 条');
  });

  it('hides and orders columns, saved on the server for the user (#19 item 4)', async () => {
    const hidden = serverValue({ order: [...caseColumnKeys], hidden: ['people'] });
    const moved = serverValue({ order: move(caseColumnKeys, 'status', -1), hidden: ['people'] });
    const { unmount } = renderWithProviders(
      <CaseListPage />,
      [officesMock, columnsMock(null), saveMock(hidden), saveMock(moved), listMock({}, [row])],
      signedInStore(['CLERK']),
    );
    await screen.findByText('XT2111002026112600001');
    expect(headers()).toContain('当事人');
    await userEvent.click(screen.getByRole('button', { name: /列设置/ }));
    const panel = await screen.findByTestId('case-column-settings');
    await userEvent.click(within(panel).getByRole('checkbox', { name: '当事人' }));
    await userEvent.click(within(panel).getByRole('button', { name: '上移“状态”' }));
    expect(headers()).not.toContain('当事人');
    const h = headers();
    expect(h.indexOf('状态')).toBeLessThan(h.indexOf('对方单位'));
    // One save for the two clicks, 800 ms after the last (#18): one audit row, the latest change.
    expect(saved).toEqual([]);
    await waitFor(() => expect(saved).toEqual([moved]), { timeout: 3000 });
    unmount();
    // The next visit, on any PC, shows what the server keeps.
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(moved), listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    await waitFor(() => expect(headers()).not.toContain('当事人'));
    expect(window.localStorage.length).toBe(0);
  });

  it('saves a change at once when the user leaves the page (#18)', async () => {
    const hidden = serverValue({ order: [...caseColumnKeys], hidden: ['people'] });
    const { unmount } = renderWithProviders(
      <CaseListPage />,
      [officesMock, columnsMock(null), saveMock(hidden), listMock({}, [row])],
      signedInStore(['CLERK']),
    );
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /列设置/ }));
    await userEvent.click(within(await screen.findByTestId('case-column-settings')).getByRole('checkbox', { name: '当事人' }));
    expect(saved).toEqual([]);
    unmount();
    // Sent on unmount, well before the 800 ms the change would otherwise wait.
    await waitFor(() => expect(saved).toEqual([hidden]), { timeout: 300 });
  });

  it('saves a change at once when the tab is closed (#18)', async () => {
    const hidden = serverValue({ order: [...caseColumnKeys], hidden: ['people'] });
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), saveMock(hidden), listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /列设置/ }));
    await userEvent.click(within(await screen.findByTestId('case-column-settings')).getByRole('checkbox', { name: '当事人' }));
    expect(saved).toEqual([]);
    window.dispatchEvent(new Event('pagehide'));
    await waitFor(() => expect(saved).toEqual([hidden]), { timeout: 300 });
  });

  it('moves the settings an older version kept in this browser to the server, once', async () => {
    const old = { order: move(caseColumnKeys, 'status', -1), hidden: ['people' as const] };
    window.localStorage.setItem('hukou.caseList.columns.clerk', JSON.stringify(old));
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), saveMock(serverValue(old)), listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    await waitFor(() => expect(headers()).not.toContain('当事人'));
    await waitFor(() => expect(window.localStorage.getItem('hukou.caseList.columns.clerk')).toBeNull());
    expect(saved).toEqual([serverValue(old)]);
  });

  it('prints the page in brief', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, [row])], signedInStore(['CLERK']));
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /简要打印/ }));
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('exports the list as shown, for every role that reads it (#19 item 4)', async () => {
    const fetchMock = vi.fn(() =>
      Promise.resolve(new Response('\uFEFFa\n', { status: 200, headers: { 'Content-Disposition': 'attachment; filename="cases.csv"' } })),
    );
    vi.stubGlobal('fetch', fetchMock);
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
    const kept = serverValue({ order: move(caseColumnKeys, 'status', -1), hidden: ['people', 'deadline'] });
    renderWithProviders(
      <CaseListPage />,
      [officesMock, columnsMock(kept), listMock({}, []), listMock({ kind: 'BIRTH' }, [row])],
      signedInStore(['CLERK']),
    );
    await screen.findAllByText('暂无数据');
    await userEvent.click(screen.getAllByRole('combobox')[0]);
    await userEvent.click(await screen.findByTitle('新生儿出生登记'));
    await userEvent.click(screen.getByRole('button', { name: /查\s?询/ }));
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /导出 CSV/ }));
    await screen.findByText('已导出案件列表，请在浏览器的下载列表中查看');
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/exports/cases');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok-123');
    expect(JSON.parse(init.body as string)).toEqual({
      filter: { kind: 'BIRTH' },
      orderBy: 'UPDATED_DESC',
      columns: ['collabNo', 'kind', 'side', 'status', 'otherOffice', 'created', 'updatedAt'],
      format: 'CSV',
    });
    vi.unstubAllGlobals();
  });

  it('says to narrow the search when the export is too large', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ code: 'BAD_USER_INPUT', reason: 'case.export_too_large', message: 'narrow it' }), {
            status: 400,
            headers: { 'Content-Type': 'application/json' },
          }),
        ),
      ),
    );
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, [row])], signedInStore(['OFFICER']));
    await screen.findByText('XT2111002026112600001');
    await userEvent.click(screen.getByRole('button', { name: /导出 CSV/ }));
    await screen.findByText(/符合条件的案件太多，无法一次导出。请缩小查询条件/);
    vi.unstubAllGlobals();
  });

  it.each([['CLERK'], ['OFFICER'], ['APPROVER'], ['ARCHIVIST'], ['ANALYST'], ['ADMIN']] as const)('offers the export to %s', async (role) => {
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, [])], signedInStore([role]));
    await screen.findAllByText('暂无数据');
    expect(screen.getByRole('button', { name: /导出 CSV/ })).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: /导出电子表格/ })).toBeTruthy();
  });

  it('offers no export to a role that does not read the case list', async () => {
    renderWithProviders(<CaseListPage />, [officesMock, columnsMock(null), listMock({}, [])], signedInStore(['INTEGRATOR']));
    await screen.findAllByText('暂无数据');
    expect(screen.queryByRole('button', { name: /导出/ })).toBeNull();
  });
});
