import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { CaseQueuesDocument, type CaseQueuesQuery } from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { WorkbenchPage } from './WorkbenchPage';

type Queue = CaseQueuesQuery['caseQueues'][number];

function queue(q: Partial<Queue> & Pick<Queue, 'side' | 'status'>): Queue {
  return {
    __typename: 'QueueCount',
    kind: 'BIRTH',
    count: 1,
    overdue: 0,
    nextDeadline: null,
    actions: [],
    awaitsOtherSide: false,
    terminal: false,
    ...q,
  };
}

function queuesMock(caseQueues: Queue[]) {
  return typedMock<CaseQueuesQuery, Record<string, never>>({
    request: { query: CaseQueuesDocument },
    result: { data: { __typename: 'Query', caseQueues } },
  });
}

describe('WorkbenchPage', () => {
  it('shows what the user can act on, with overdue counts, apart from what waits for the other office', async () => {
    renderWithProviders(<WorkbenchPage />, [
      queuesMock([
        queue({ side: 'REGISTRATION', status: 'RECEIVED', count: 3, overdue: 1, actions: ['APPROVE_BIRTH_REGISTRATION'],
          nextDeadline: '2026-11-20T08:00:00Z' }),
        queue({ side: 'REGISTRATION', status: 'SETTLED', count: 2, awaitsOtherSide: true }),
        queue({ side: 'REGISTRATION', status: 'COMPLETED', count: 7, terminal: true }),
        queue({ side: 'ACCEPTANCE', status: 'COMPLETED', count: 4, terminal: true }),
      ]),
    ]);
    const registration = (await screen.findByText('户籍地待办')).closest('.ant-card') as HTMLElement;
    const mine = within(registration).getByText('待审批').closest('.ant-card') as HTMLElement;
    expect(within(mine).getByText('3')).toBeTruthy();
    expect(within(mine).getByText('超期 1 件')).toBeTruthy();
    expect(within(registration).getByRole('button', { name: /出生登记 · 已落户 2 件/ })).toBeTruthy();
    expect(within(registration).getByRole('button', { name: /办结 7 件/ })).toBeTruthy();
    // A side with only finished cases has no panel.
    expect(screen.queryByText('受理地待办')).toBeNull();
    expect(screen.getByText('待我办理').closest('.ant-statistic')?.textContent).toContain('3');
    expect(screen.getByText('已超期').closest('.ant-statistic')?.textContent).toContain('1');
    expect(screen.getByText('等待对方办理').closest('.ant-statistic')?.textContent).toContain('2');
  });

  it('says so when there is nothing to do', async () => {
    renderWithProviders(<WorkbenchPage />, [queuesMock([])]);
    expect(await screen.findByText('当前没有待办案件')).toBeTruthy();
  });
});
