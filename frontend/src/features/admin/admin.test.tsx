import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  AdminDeadLettersDocument,
  AdminOfficesDocument,
  AdminPeerDirectoryDocument,
  AdminUpdateUserDocument,
  AdminUsersDocument,
  AdminVerifyMessageLogDocument,
  type AdminDeadLettersQuery,
  type AdminPeerDirectoryQuery,
  type AdminDeadLettersQueryVariables,
  type AdminOfficesQuery,
  type AdminUpdateUserMutation,
  type AdminUpdateUserMutationVariables,
  type AdminUserFragment,
  type AdminUsersQuery,
  type AdminUsersQueryVariables,
  type AdminVerifyMessageLogQuery,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { OperationsPage } from './OperationsPage';
import { UsersPage } from './UsersPage';

const clerk: AdminUserFragment = {
  __typename: 'User',
  id: 'VXNlcjox',
  username: 'clerk',
  displayName: '受理民警',
  roles: ['CLERK'],
  disabled: false,
  version: 3,
  createdAt: '2026-11-20T08:00:00Z',
  office: { __typename: 'Office', code: '211102000100', name: '兴隆派出所' },
};

const offices = typedMock<AdminOfficesQuery, Record<string, never>>({
  request: { query: AdminOfficesDocument },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: {
    data: {
      __typename: 'Query',
      offices: [
        { __typename: 'Office', code: '211100000000', name: '盘锦市公安局', level: 'CITY_BUREAU' },
        { __typename: 'Office', code: '211102000100', name: '兴隆派出所', level: 'POLICE_STATION' },
      ],
    },
  },
});

function usersMock(users: AdminUserFragment[]) {
  return typedMock<AdminUsersQuery, AdminUsersQueryVariables>({
    request: { query: AdminUsersDocument, variables: { filter: {}, first: 50, after: null } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        users: {
          __typename: 'UserConnection',
          edges: users.map((node) => ({ __typename: 'UserEdge' as const, node })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    },
  });
}

describe('UsersPage', () => {
  it('lists users in Chinese, and says so when there are none', async () => {
    const { unmount } = renderWithProviders(<UsersPage />, [usersMock([clerk]), offices]);
    expect(await screen.findByText('clerk')).toBeInTheDocument();
    expect(screen.getByText('兴隆派出所')).toBeInTheDocument();
    expect(screen.getByText('正常')).toBeInTheDocument();
    unmount();
    renderWithProviders(<UsersPage />, [usersMock([]), offices]);
    expect(await screen.findByText('没有符合条件的用户')).toBeInTheDocument();
  });

  it('edits a user with its version and shows the server’s field error on the field', async () => {
    const user = userEvent.setup();
    const refused = typedMock<AdminUpdateUserMutation, AdminUpdateUserMutationVariables>({
      request: {
        query: AdminUpdateUserDocument,
        variables: { input: { id: clerk.id, version: 3, displayName: '受理民警', officeCode: '211102000100', roles: ['CLERK', 'OFFICER'] } },
      },
      result: {
        errors: [new GraphQLError('taken', { extensions: { code: 'BAD_USER_INPUT', field: 'roles', reason: 'user.roles' } })],
      },
    });
    renderWithProviders(<UsersPage />, [usersMock([clerk]), offices, refused]);
    await user.click(await screen.findByRole('button', { name: '编辑' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox', { name: '角色' }));
    await user.click(await screen.findByTitle('审核民警'));
    await user.click(screen.getByRole('button', { name: /^确\s?定$/ }));
    await waitFor(() => expect(within(dialog).getByText('请至少选择一个角色')).toBeInTheDocument());
  });
});

describe('OperationsPage', () => {
  it('verifies the message log on demand', async () => {
    const user = userEvent.setup();
    const verify = typedMock<AdminVerifyMessageLogQuery, Record<string, never>>({
      request: { query: AdminVerifyMessageLogDocument },
      result: { data: { __typename: 'Query', verifyMessageLog: { __typename: 'MessageLogVerification', ok: true, entries: 12, firstBrokenSeq: null, problem: null } } },
    });
    const empty = typedMock<AdminDeadLettersQuery, AdminDeadLettersQueryVariables>({
      request: { query: AdminDeadLettersDocument, variables: { first: 50, after: null } },
      result: {
        data: {
          __typename: 'Query',
          deadLetters: { __typename: 'CollabMessageConnection', edges: [], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null } },
        },
      },
    });
    renderWithProviders(<OperationsPage />, [empty, verify]);
    expect(await screen.findByText('暂无')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: '消息日志校验' }));
    await user.click(await screen.findByRole('button', { name: '开始校验' }));
    expect(await screen.findByText('校验通过：共 12 条，哈希链与签名均完整')).toBeInTheDocument();
  });

  it('shows the peer directory: each key, whom it speaks for, its source and state (#19 item 3)', async () => {
    const user = userEvent.setup();
    const empty = typedMock<AdminDeadLettersQuery, AdminDeadLettersQueryVariables>({
      request: { query: AdminDeadLettersDocument, variables: { first: 50, after: null } },
      result: {
        data: {
          __typename: 'Query',
          deadLetters: { __typename: 'CollabMessageConnection', edges: [], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null } },
        },
      },
    });
    const peers = typedMock<AdminPeerDirectoryQuery, Record<string, never>>({
      request: { query: AdminPeerDirectoryDocument },
      result: {
        data: {
          __typename: 'Query',
          collaborationPeerDirectory: {
            __typename: 'CollaborationPeerDirectory',
            developmentTrust: false,
            revokedKeyIds: ['hebei-2025'],
            keys: [
              { __typename: 'CollaborationPeerKey', keyId: 'panjin-2026', publicKey: 'iq75', offices: ['2111'], notBefore: null, notAfter: null,
                source: 'OWN', status: 'VALID', announcedByOffice: null },
              { __typename: 'CollaborationPeerKey', keyId: 'hebei-2026', publicKey: 'NX+d', offices: ['13'], notBefore: null, notAfter: null,
                source: 'ANNOUNCED', status: 'VALID', announcedByOffice: '130100000000' },
            ],
          },
        },
      },
    });
    renderWithProviders(<OperationsPage />, [empty, peers]);
    await user.click(await screen.findByRole('tab', { name: '协同密钥' }));
    const row = (await screen.findByText('hebei-2026')).closest('tr') as HTMLElement;
    expect(within(row).getByText('对方通告')).toBeInTheDocument();
    expect(within(row).getByText('有效')).toBeInTheDocument();
    expect(screen.getByText('hebei-2025')).toBeInTheDocument();
  });
});
