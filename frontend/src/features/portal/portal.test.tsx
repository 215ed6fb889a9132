// The Internet+ screens (issue 18 item 5): each lists its rows (and its
// empty state), and its main action reaches the server with what was
// entered, with the server's refusal shown on the field in Chinese.
import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  AnswerPortalMessageDocument,
  ClaimFoundIdCardDocument,
  FoundIdCardsDocument,
  IntegratorClientsDocument,
  PortalMessagesDocument,
  ReplayWebhookDeliveryDocument,
  RotateIntegratorSecretDocument,
  WebhookDeliveriesDocument,
  type AnswerPortalMessageMutation,
  type AnswerPortalMessageMutationVariables,
  type ClaimFoundIdCardMutation,
  type ClaimFoundIdCardMutationVariables,
  type FoundCardItemFragment,
  type FoundIdCardsQuery,
  type FoundIdCardsQueryVariables,
  type IntegratorClientItemFragment,
  type IntegratorClientsQuery,
  type IntegratorClientsQueryVariables,
  type PortalMessageItemFragment,
  type PortalMessagesQuery,
  type PortalMessagesQueryVariables,
  type ReplayWebhookDeliveryMutation,
  type ReplayWebhookDeliveryMutationVariables,
  type RotateIntegratorSecretMutation,
  type RotateIntegratorSecretMutationVariables,
  type WebhookDeliveriesQuery,
  type WebhookDeliveriesQueryVariables,
  type WebhookDeliveryItemFragment,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { IntegratorClientsPage, hashesOf } from './IntegratorClientsPage';
import { WebhookDeliveriesPage } from './WebhookDeliveriesPage';
import { PortalMessagesPage } from './PortalMessagesPage';
import { FoundCardsPage } from './FoundCardsPage';

const client: IntegratorClientItemFragment = {
  __typename: 'IntegratorClient',
  clientId: 'ln-gov',
  name: '辽宁政务服务网',
  kinds: ['BIRTH', 'ID_CARD'],
  offices: ['211102'],
  ratePerMinute: 600,
  webhookUrl: 'https://portal.example.cn/hooks',
  previousSecretValidUntil: null,
  operations: ['a'.repeat(64)],
  disabled: false,
  updatedAt: '2026-11-26T08:00:00Z',
  version: 2,
};

const clients = (items: IntegratorClientItemFragment[]) =>
  typedMock<IntegratorClientsQuery, IntegratorClientsQueryVariables>({
    request: { query: IntegratorClientsDocument },
    maxUsageCount: 5,
    result: { data: { __typename: 'Query', integratorClients: items } },
  });

describe('IntegratorClientsPage', () => {
  it('lists the clients with their scopes, and the empty state', async () => {
    renderWithProviders(<IntegratorClientsPage />, [clients([client])]);
    expect(await screen.findByText('辽宁政务服务网')).toBeInTheDocument();
    expect(screen.getByText('新生儿出生登记')).toBeInTheDocument();
    expect(screen.getByText('1 个')).toBeInTheDocument();
    expect(screen.getByText('启用')).toBeInTheDocument();
  });

  it('shows an empty list in Chinese', async () => {
    renderWithProviders(<IntegratorClientsPage />, [clients([])]);
    expect(await screen.findByText('暂无接入平台')).toBeInTheDocument();
  });

  it('rotates the secret with a grace and shows the new secret once', async () => {
    const user = userEvent.setup();
    const rotated = typedMock<RotateIntegratorSecretMutation, RotateIntegratorSecretMutationVariables>({
      request: { query: RotateIntegratorSecretDocument, variables: { clientId: 'ln-gov', graceSeconds: 86400 } },
      result: {
        data: {
          __typename: 'Mutation',
          rotateIntegratorSecret: { __typename: 'IntegratorCredentials', clientSecret: 'NEWSECRET123', webhookSecret: 'WHSECRET456', client },
        },
      },
    });
    renderWithProviders(<IntegratorClientsPage />, [clients([client]), rotated, clients([client])]);
    await user.click(await screen.findByRole('button', { name: '更换密钥' }));
    const dialog = await screen.findByRole('dialog', { name: '更换接入密钥' });
    await user.click(within(dialog).getByRole('button', { name: /确\s*定|OK/ }));
    expect(await screen.findByText('NEWSECRET123')).toBeInTheDocument();
    expect(screen.getByText('WHSECRET456')).toBeInTheDocument();
  });

  it('reads the allow-list one hash a line', () => {
    expect(hashesOf(' ABC \n\n def\n')).toEqual(['abc', 'def']);
    expect(hashesOf(undefined)).toEqual([]);
  });
});

const delivery: WebhookDeliveryItemFragment = {
  __typename: 'WebhookDelivery',
  id: 'd-1',
  applicationId: 'app-1',
  seq: 3,
  status: 'DEAD',
  attempts: 12,
  lastError: 'portal answered 503',
  createdAt: '2026-11-26T08:00:00Z',
  deliveredAt: null,
};

const deliveries = (status: WebhookDeliveriesQueryVariables['status'], items: WebhookDeliveryItemFragment[]) =>
  typedMock<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>({
    request: { query: WebhookDeliveriesDocument, variables: { status } },
    maxUsageCount: 5,
    result: { data: { __typename: 'Query', webhookDeliveries: items } },
  });

describe('WebhookDeliveriesPage', () => {
  it('lists dead letters first and replays one', async () => {
    const user = userEvent.setup();
    const replay = typedMock<ReplayWebhookDeliveryMutation, ReplayWebhookDeliveryMutationVariables>({
      request: { query: ReplayWebhookDeliveryDocument, variables: { id: 'd-1' } },
      result: { data: { __typename: 'Mutation', replayWebhookDelivery: { ...delivery, status: 'PENDING', attempts: 0 } } },
    });
    renderWithProviders(<WebhookDeliveriesPage />, [deliveries('DEAD', [delivery]), replay]);
    expect(await screen.findByText('portal answered 503')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '重新推送' }));
    expect(await screen.findByText('已重新排队推送')).toBeInTheDocument();
  });

  it('shows the empty state of another status', async () => {
    const user = userEvent.setup();
    renderWithProviders(<WebhookDeliveriesPage />, [deliveries('DEAD', []), deliveries('DELIVERED', [])]);
    expect(await screen.findByText('暂无推送记录')).toBeInTheDocument();
    await user.click(screen.getByText('已送达'));
    expect(await screen.findByText('暂无推送记录')).toBeInTheDocument();
  });
});

const message: PortalMessageItemFragment = {
  __typename: 'PortalMessage',
  id: 'm-1',
  kind: 'INSTRUCTION',
  clientId: 'ln-gov',
  office: '211102001000',
  applicationId: null,
  caseId: null,
  subject: '催办',
  body: '请尽快办理陈东的户口迁移',
  status: 'OPEN',
  deadlineAt: '2026-11-25T08:00:00Z',
  overdue: true,
  answer: null,
  answeredBy: null,
  answeredAt: null,
  createdAt: '2026-11-24T08:00:00Z',
  version: 1,
};

const messages = (overdue: boolean, items: PortalMessageItemFragment[]) =>
  typedMock<PortalMessagesQuery, PortalMessagesQueryVariables>({
    request: { query: PortalMessagesDocument, variables: { overdue, first: 50, after: null } },
    maxUsageCount: 5,
    result: {
      data: {
        __typename: 'Query',
        portalMessages: {
          __typename: 'PortalMessageConnection',
          edges: items.map((node) => ({ __typename: 'PortalMessageEdge', node })),
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        },
      },
    },
  });

describe('PortalMessagesPage', () => {
  it('marks an overdue instruction and shows the server’s refusal of an answer on its field', async () => {
    const user = userEvent.setup();
    const refused = typedMock<AnswerPortalMessageMutation, AnswerPortalMessageMutationVariables>({
      request: { query: AnswerPortalMessageDocument, variables: { id: 'm-1', version: 1, answer: '已办结' } },
      result: { errors: [new GraphQLError('too long', { extensions: { code: 'BAD_USER_INPUT', field: 'answer', reason: 'message.answer' } })] },
    });
    renderWithProviders(<PortalMessagesPage />, [messages(false, [message]), refused]);
    expect(await screen.findByText('催办')).toBeInTheDocument();
    expect(screen.getByText('已超期')).toBeInTheDocument();
    expect(screen.getByText('指令')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '答复' }));
    await user.type(await screen.findByLabelText('答复内容（将推送给接入平台）'), '已办结');
    const buttons = screen.getAllByRole('button', { name: '答复' });
    await user.click(buttons[buttons.length - 1]);
    await waitFor(() => expect(screen.getByText('请填写 4000 字以内的答复内容')).toBeInTheDocument());
  });

  it('filters the overdue ones, with an empty state', async () => {
    const user = userEvent.setup();
    renderWithProviders(<PortalMessagesPage />, [messages(false, []), messages(true, [])]);
    expect(await screen.findByText('暂无平台消息')).toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: '只看超期' }));
    expect(await screen.findByText('暂无平台消息')).toBeInTheDocument();
  });
});

const card: FoundCardItemFragment = {
  __typename: 'FoundCard',
  id: 'f-1',
  idNumber: '130602198706200268',
  nameOnCard: '李秀英',
  foundAt: '2026-11-26T02:00:00Z',
  foundPlace: '兴隆台区公交站',
  finderName: '王师傅',
  station: '211102001000',
  ownerMatched: true,
  ownerName: '李秀英',
  status: 'HELD',
  claimantName: '',
  claimedAt: null,
  version: 1,
};

const cards = (idNumber: string | null, items: FoundCardItemFragment[]) =>
  typedMock<FoundIdCardsQuery, FoundIdCardsQueryVariables>({
    request: { query: FoundIdCardsDocument, variables: { idNumber } },
    maxUsageCount: 5,
    result: { data: { __typename: 'Query', foundIdCards: items } },
  });

describe('FoundCardsPage', () => {
  it('lists held cards with the owner matched, and records a claim refused on its field', async () => {
    const user = userEvent.setup();
    const refused = typedMock<ClaimFoundIdCardMutation, ClaimFoundIdCardMutationVariables>({
      request: { query: ClaimFoundIdCardDocument, variables: { id: 'f-1', version: 1, claimantName: '李秀英', claimantIdNumber: '123' } },
      result: { errors: [new GraphQLError('bad id number', { extensions: { code: 'BAD_USER_INPUT', field: 'claimantIdNumber', reason: 'id_number.length' } })] },
    });
    renderWithProviders(<FoundCardsPage />, [cards(null, [card]), refused]);
    expect(await screen.findByText('已比对：李秀英')).toBeInTheDocument();
    expect(screen.getByText('保管中')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '登记领取' }));
    await user.type(await screen.findByLabelText('领取人姓名'), '李秀英');
    await user.type(screen.getByLabelText('领取人身份证号'), '123');
    const dialog = screen.getByRole('dialog', { name: '登记领取' });
    await user.click(within(dialog).getAllByRole('button').at(-1) as HTMLElement);
    await waitFor(() => expect(within(dialog).getByText(/./, { selector: '.ant-form-item-explain-error' })).toBeInTheDocument());
  });

  it('searches by ID number, with an empty state', async () => {
    const user = userEvent.setup();
    renderWithProviders(<FoundCardsPage />, [cards(null, []), cards('211102198010052301', [])]);
    expect(await screen.findByText('暂无拾获证件')).toBeInTheDocument();
    await user.type(screen.getByLabelText('按身份证号查询'), '211102198010052301{enter}');
    expect(await screen.findByText('暂无拾获证件')).toBeInTheDocument();
  });
});
