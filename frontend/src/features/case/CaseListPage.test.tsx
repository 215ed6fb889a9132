import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CaseListDocument,
  type CaseListQuery,
  type CaseListQueryVariables,
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

function listMock(filter: CaseListQueryVariables['filter'], rows: CaseSummaryFragment[]) {
  return typedMock<CaseListQuery, CaseListQueryVariables>({
    request: { query: CaseListDocument, variables: { filter, first: 20, after: null } },
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

describe('CaseListPage', () => {
  it('finds cases by a person and shows whom each is about and the other office', async () => {
    renderWithProviders(<CaseListPage />, [listMock({}, []), listMock({ person: '李红' }, [row])], signedInStore(['CLERK']));
    await screen.findAllByText('暂无数据');
    await userEvent.type(screen.getByLabelText('当事人'), '李红');
    await userEvent.click(screen.getByRole('button', { name: /查\s?询/ }));
    const tr = (await screen.findByText('XT2111002026112600001')).closest('tr') as HTMLElement;
    expect(within(tr).getByText('王小明、李红 等 3 人')).toBeTruthy();
    expect(within(tr).getByText('长安派出所')).toBeTruthy();
  });

  it('offers no person search to an analyst, who reads names masked', async () => {
    renderWithProviders(<CaseListPage />, [listMock({}, [])], signedInStore(['ANALYST']));
    await screen.findAllByText('暂无数据');
    expect(screen.queryByLabelText('当事人')).toBeNull();
    expect(screen.getAllByText('受理日期').length).toBeGreaterThan(0);
  });
});
