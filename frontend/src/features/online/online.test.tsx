import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  OnlineQueueDocument,
  RejectOnlineApplicationDocument,
  type OnlineQueueItemFragment,
  type OnlineQueueQuery,
  type OnlineQueueQueryVariables,
  type RejectOnlineApplicationMutation,
  type RejectOnlineApplicationMutationVariables,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { OnlineQueuePage, applicantOf } from './OnlineQueuePage';

const item: OnlineQueueItemFragment = {
  __typename: 'OnlineApplication',
  id: 'app-1',
  kind: 'BIRTH',
  office: '211102000100',
  reference: 'LN-2026-0001',
  clientId: 'ln-gov',
  status: 'SUBMITTED',
  data: JSON.stringify({ certificateNumber: 'M130000002', applicant: { newbornName: '陈小明', declarantName: '陈东' } }),
  version: 1,
  createdAt: '2026-11-26T08:00:00Z',
  materials: [{ __typename: 'OnlineMaterial', code: 'BIRTH_CERT', name: '出生医学证明.png' }],
};

function queue(items: OnlineQueueItemFragment[]) {
  return typedMock<OnlineQueueQuery, OnlineQueueQueryVariables>({
    request: { query: OnlineQueueDocument, variables: { first: 50, after: null } },
    result: {
      data: {
        __typename: 'Query',
        onlineApplications: {
          __typename: 'OnlineApplicationConnection',
          edges: items.map((node) => ({ __typename: 'OnlineApplicationEdge', node })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    },
  });
}

describe('OnlineQueuePage', () => {
  it('lists the station queue with the applicant from the portal data', async () => {
    renderWithProviders(<OnlineQueuePage />, [queue([item])]);
    expect(await screen.findByText('LN-2026-0001')).toBeInTheDocument();
    expect(screen.getByText('陈小明 · 申报人：陈东')).toBeInTheDocument();
    expect(screen.getByText('1 份')).toBeInTheDocument();
    expect(screen.getByText('新生儿出生登记')).toBeInTheDocument();
  });

  it('shows a refused reject on the reason field', async () => {
    const user = userEvent.setup();
    const refused = typedMock<RejectOnlineApplicationMutation, RejectOnlineApplicationMutationVariables>({
      request: { query: RejectOnlineApplicationDocument, variables: { id: 'app-1', version: 1, reason: '材料不清晰' } },
      result: { errors: [new GraphQLError('give a reason', { extensions: { code: 'BAD_USER_INPUT', field: 'reason', reason: 'online.reason' } })] },
    });
    renderWithProviders(<OnlineQueuePage />, [queue([item]), refused]);
    await user.click(await screen.findByRole('button', { name: '退回' }));
    await user.type(await screen.findByLabelText('退回原因（将告知申请人）'), '材料不清晰');
    const buttons = screen.getAllByRole('button', { name: '退回' });
    await user.click(buttons[buttons.length - 1]);
    await waitFor(() => expect(screen.getByText('请填写 500 字以内的退回原因')).toBeInTheDocument());
  });

  it('reads no applicant from malformed data', () => {
    expect(applicantOf('not json')).toBe('');
  });
});
