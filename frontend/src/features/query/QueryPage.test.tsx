import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import {
  QueryCaseMessagesDocument,
  QueryCaseTimelineDocument,
  QuerySourcesDocument,
  QueryViewsDocument,
  RecentQueriesDocument,
  RunQueryDocument,
  type QueryCaseMessagesQuery,
  type QueryCaseMessagesQueryVariables,
  type QueryCaseTimelineQuery,
  type QueryCaseTimelineQueryVariables,
  type QuerySourcesQuery,
  type QuerySourcesQueryVariables,
  type QueryViewsQuery,
  type QueryViewsQueryVariables,
  type RecentQueriesQuery,
  type RecentQueriesQueryVariables,
  type RunQueryQuery,
  type RunQueryQueryVariables,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { QueryPage, caseGlobalId } from './QueryPage';

const field = (name: string, label: string, extra: Partial<QuerySourcesQuery['querySources'][number]['fields'][number]> = {}) => ({
  __typename: 'QueryField' as const,
  name,
  label,
  type: 'STRING' as const,
  operators: ['EQ' as const, 'PREFIX' as const, 'IS_NULL' as const, 'NOT_NULL' as const],
  codes: [],
  pii: null,
  masked: false,
  sortable: false,
  ...extra,
});

const mocks = [
  typedMock<QuerySourcesQuery, QuerySourcesQueryVariables>({
    request: { query: QuerySourcesDocument },
    result: {
      data: {
        __typename: 'Query',
        querySources: [
          {
            __typename: 'QuerySource',
            name: 'BIRTH',
            label: '出生登记',
            defaultColumns: ['collabNo', 'status'],
            defaultSort: 'updatedAt',
            fields: [
              field('collabNo', '协同编号'),
              field('status', '状态', { type: 'CODE', operators: ['EQ', 'IN'], codes: [{ __typename: 'QueryCodeValue', code: 'DRAFT', name: 'DRAFT' }] }),
              field('motherIdNumber', '母亲公民身份号码', { pii: 'ID_NUMBER', masked: true }),
              field('updatedAt', '更新时间', { type: 'DATETIME', sortable: true, operators: ['BETWEEN', 'LAST_DAYS'] }),
            ],
          },
        ],
      },
    },
  }),
  typedMock<QueryViewsQuery, QueryViewsQueryVariables>({
    request: { query: QueryViewsDocument, variables: { source: 'BIRTH' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: { data: { __typename: 'Query', queryViews: [] } },
  }),
  typedMock<RecentQueriesQuery, RecentQueriesQueryVariables>({
    request: { query: RecentQueriesDocument, variables: { source: 'BIRTH' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: { data: { __typename: 'Query', recentQueries: [] } },
  }),
  typedMock<RunQueryQuery, RunQueryQueryVariables>({
    request: {
      query: RunQueryDocument,
      variables: {
        input: { source: 'BIRTH', condition: null, columns: ['collabNo', 'status', 'motherIdNumber', 'updatedAt'], sort: { field: 'updatedAt', descending: true } },
        first: 50,
        after: null,
      },
    },
    result: {
      data: {
        __typename: 'Query',
        runQuery: {
          __typename: 'QueryResult',
          columns: [],
          rows: [{ __typename: 'QueryRow', id: 'case-1', values: ['XT0001', 'DRAFT', '211102**********01', '2026-11-25T01:00:00Z'] }],
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'c1' },
        },
      },
    },
  }),
  typedMock<QueryCaseTimelineQuery, QueryCaseTimelineQueryVariables>({
    request: { query: QueryCaseTimelineDocument, variables: { id: 'Q2FzZTpjYXNlLTE' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        case: {
          __typename: 'Case',
          id: 'Q2FzZTpjYXNlLTE',
          collabNo: 'XT0001',
          timeline: [
            { __typename: 'CaseAction', seq: 1, action: 'START_BIRTH_REGISTRATION', from: 'DRAFT', to: 'DRAFT', actorName: '受理民警',
              office: '211102000100', messageId: '', note: '', at: '2026-11-25T01:00:00Z' },
          ],
        },
      },
    },
  }),
  typedMock<QueryCaseMessagesQuery, QueryCaseMessagesQueryVariables>({
    request: { query: QueryCaseMessagesDocument, variables: { collabNo: 'XT0001' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        collaborationMessages: {
          __typename: 'CollabMessageConnection',
          edges: [
            {
              __typename: 'CollabMessageEdge',
              node: { __typename: 'CollabMessage', messageId: 'm1', direction: 'OUT', messageType: 'APPLICATION', status: 'SENT',
                sentAt: '2026-11-25T01:05:00Z', body: '{"declarantIdNumber":"211102**********01"}' },
            },
          ],
        },
      },
    },
  }),
];

describe('caseGlobalId', () => {
  it('is the API’s global ID of the case (base64url of Case:<id>, unpadded), as the case page takes it', () => {
    expect(caseGlobalId('case-1')).toBe('Q2FzZTpjYXNlLTE');
    expect(caseGlobalId('0196c3f0-aaaa-7bbb-8ccc-dddddddddddd')).not.toMatch(/[+/=]/);
  });
});

describe('QueryPage (1.5.1)', () => {
  it('runs the source’s default view, shows Chinese values and the record’s detail, and says data is masked', async () => {
    renderWithProviders(<QueryPage />, mocks);
    expect(await screen.findByText('个人信息已按规定脱敏')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    const cell = await screen.findByText('XT0001');
    const row = cell.closest('tr');
    expect(row).not.toBeNull();
    expect(within(row as HTMLElement).getByText('待提交')).toBeInTheDocument();
    fireEvent.click(cell);
    const drawer = await screen.findByRole('dialog');
    expect(within(drawer).getByText('211102**********01')).toBeInTheDocument();
    expect(within(drawer).getByText('母亲公民身份号码')).toBeInTheDocument();
    // The source view: the case's history, as the case page shows it.
    const history = await within(drawer).findByRole('region', { name: '办理记录' });
    expect(within(history).getByText(/受理民警/)).toBeInTheDocument();
    // And its collaboration messages, bodies masked by the server.
    const messages = await within(drawer).findByRole('region', { name: '协同消息' });
    expect(await within(messages).findByText('出生登记申请')).toBeInTheDocument();
    expect(within(messages).getByText('发出')).toBeInTheDocument();
  });

  it('prints every record with its detail fields (full print)', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      // The records are on the page while the print dialog copies it.
      const printed = screen.getByTestId('query-print-full');
      expect(within(printed).getByText('第 1 条')).toBeInTheDocument();
      expect(within(printed).getByText('211102**********01')).toBeInTheDocument();
    });
    renderWithProviders(<QueryPage />, mocks);
    fireEvent.click(await screen.findByRole('button', { name: '查询' }));
    await screen.findByText('XT0001');
    fireEvent.click(screen.getByRole('button', { name: /完整打印/ }));
    expect(print).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('query-print-full')).toBeNull();
    print.mockRestore();
  });

  it('offers a masked field only the emptiness operators', async () => {
    renderWithProviders(<QueryPage />, mocks);
    fireEvent.click(await screen.findByRole('button', { name: /添加条件$/ }));
    const fieldSelect = screen.getByRole('combobox', { name: '字段' });
    fireEvent.mouseDown(fieldSelect);
    fireEvent.click(await screen.findByTitle('母亲公民身份号码'));
    fireEvent.mouseDown(screen.getByRole('combobox', { name: '比较方式' }));
    await screen.findByTitle('不为空');
    const dropdowns = document.querySelectorAll('.ant-select-dropdown');
    const last = dropdowns[dropdowns.length - 1];
    const options = [...last.querySelectorAll('.ant-select-item-option-content')].map((o) => o.textContent);
    expect(options).toEqual(['为空', '不为空']);
  });
});
