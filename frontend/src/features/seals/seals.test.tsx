import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  AdminOfficesDocument,
  AdminRevokeSealDocument,
  AdminSealsDocument,
  AdminUsersDocument,
  CiteLicenceDocument,
  CitedLicencesDocument,
  type AdminOfficesQuery,
  type AdminRevokeSealMutation,
  type AdminRevokeSealMutationVariables,
  type AdminSealFragment,
  type AdminSealsQuery,
  type AdminSealsQueryVariables,
  type AdminUsersQuery,
  type AdminUsersQueryVariables,
  type CiteLicenceMutation,
  type CiteLicenceMutationVariables,
  type CitedLicencesQuery,
  type CitedLicencesQueryVariables,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { CaseLicencesPanel } from './CaseLicencesPanel';
import { SealsPage } from './SealsPage';
import { VerifyDocumentPage } from './VerifyDocumentPage';

const seal: AdminSealFragment = {
  __typename: 'ElectronicSeal',
  id: 'ES21110220261126000001',
  kind: 'HOUSEHOLD',
  officeCode: '211102000100',
  userId: '',
  name: '兴隆派出所户口专用章',
  imageDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
  validFrom: '2026-11-26T00:00:00Z',
  validTo: '2028-11-25T00:00:00Z',
  status: 'VALID',
  revokedAt: null,
  revokeReason: '',
};

const mocks = [
  typedMock<AdminOfficesQuery, Record<string, never>>({
    request: { query: AdminOfficesDocument },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: { data: { __typename: 'Query', offices: [{ __typename: 'Office', code: '211102000100', name: '兴隆派出所', level: 'POLICE_STATION' }] } },
  }),
  typedMock<AdminSealsQuery, AdminSealsQueryVariables>({
    request: { query: AdminSealsDocument, variables: { officeCode: null } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: { data: { __typename: 'Query', seals: [seal] } },
  }),
  typedMock<AdminUsersQuery, AdminUsersQueryVariables>({
    request: { query: AdminUsersDocument, variables: { filter: {}, first: 200, after: null } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        users: { __typename: 'UserConnection', edges: [], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null } },
      },
    },
  }),
];

describe('SealsPage', () => {
  it('lists the seals in Chinese and shows the server’s reason when a revocation is refused', async () => {
    const user = userEvent.setup();
    const refused = typedMock<AdminRevokeSealMutation, AdminRevokeSealMutationVariables>({
      request: { query: AdminRevokeSealDocument, variables: { input: { id: seal.id, reason: '印章遗失' } } },
      result: { errors: [new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT', field: 'reason', reason: 'seal.reason' } })] },
    });
    renderWithProviders(<SealsPage />, [...mocks, refused]);
    expect(await screen.findByText('兴隆派出所户口专用章')).toBeInTheDocument();
    expect(screen.getByText('户口专用章')).toBeInTheDocument();
    expect(screen.getByText('有效')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /^吊\s?销$/ }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('吊销原因'), '印章遗失');
    await user.click(within(dialog).getByRole('button', { name: /^吊\s?销$/ }));
    await waitFor(() => expect(within(dialog).getByText('请填写吊销原因（不超过 200 字）')).toBeInTheDocument());
  });
});

describe('VerifyDocumentPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('uploads a PDF and shows each seal and the verdict in Chinese', async () => {
    const user = userEvent.setup();
    const answer = {
      data: {
        verifyDocument: {
          __typename: 'DocumentVerification',
          valid: false,
          unchanged: false,
          reason: 'document.changed',
          message: 'seal x: changed',
          seals: [
            {
              __typename: 'SealVerification',
              field: 'seal-1',
              sealId: 'ES1',
              sealName: '兴隆派出所户口专用章',
              holder: '兴隆派出所',
              signedAt: '2026-11-26T08:00:00Z',
              signatureValid: false,
              trusted: true,
              statusAtSigning: 'VALID',
              coversWhole: true,
              problem: '',
            },
          ],
        },
      },
    };
    const fetchMock = vi.fn(() => Promise.resolve(new Response(JSON.stringify(answer), { status: 200 })));
    vi.stubGlobal('fetch', fetchMock);
    const { container } = renderWithProviders(<VerifyDocumentPage />, []);
    const input = container.querySelector('input[type="file"]') as HTMLInputElement;
    await user.upload(input, new File(['%PDF-1.7'], 'form.pdf', { type: 'application/pdf' }));
    expect(await screen.findByText('文书未通过核验：文书在盖章后被修改')).toBeInTheDocument();
    expect(screen.getByText('兴隆派出所户口专用章')).toBeInTheDocument();
    expect(screen.getByText('未通过')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledOnce();
  });
});

describe('CaseLicencesPanel', () => {
  it('cites a licence by its number and shows the refusal of a revoked one in Chinese (4.1.2)', async () => {
    const user = userEvent.setup();
    const c = { id: 'Q2FzZTox', canCaptureArchives: true, materials: [{ code: 'HUKOU_BOOK', name: '父母户口簿' }] };
    const none = typedMock<CitedLicencesQuery, CitedLicencesQueryVariables>({
      request: { query: CitedLicencesDocument, variables: { caseId: c.id } },
      maxUsageCount: Number.POSITIVE_INFINITY,
      result: { data: { __typename: 'Query', citedLicences: [] } },
    });
    const refused = typedMock<CiteLicenceMutation, CiteLicenceMutationVariables>({
      request: { query: CiteLicenceDocument, variables: { caseId: c.id, materialCode: 'HUKOU_BOOK', licenceId: 'HKB2026112600000002' } },
      result: { errors: [new GraphQLError('revoked', { extensions: { code: 'CONFLICT', field: 'licenceId', reason: 'licence.revoked' } })] },
    });
    renderWithProviders(<CaseLicencesPanel c={c} />, [none, refused]);
    expect(await screen.findByText('尚未引用电子证照')).toBeInTheDocument();
    await user.type(screen.getByLabelText('证照编号'), 'HKB2026112600000002');
    await user.click(screen.getByRole('button', { name: '查询并引用' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('该电子证照已被吊销，不能作为申请材料');
  });

  it('shows a cited licence the Ministry has since revoked as refused, also one cited by the other office (4.1.2)', async () => {
    const c = { id: 'Q2FzZToy', canCaptureArchives: false, materials: [{ code: 'HUKOU_BOOK', name: '父母户口簿' }] };
    const cited = typedMock<CitedLicencesQuery, CitedLicencesQueryVariables>({
      request: { query: CitedLicencesDocument, variables: { caseId: c.id } },
      result: {
        data: {
          __typename: 'Query',
          citedLicences: [
            {
              __typename: 'CitedLicence',
              licenceId: 'HKB2026112600000001',
              materialCode: 'HUKOU_BOOK',
              citedBy: 'clerk',
              citedAt: '2026-11-26T08:00:00Z',
              status: 'REVOKED',
              reason: 'licence.revoked',
              problem: 'revoked on 2026-11-27',
              licence: {
                __typename: 'Licence',
                id: 'HKB2026112600000001',
                type: 'HUKOU_BOOK',
                holderName: '陈建国',
                status: 'REVOKED',
                validUntil: '2036-11-26T00:00:00Z',
                revokeReason: '户口簿已注销',
              },
            },
          ],
        },
      },
    });
    renderWithProviders(<CaseLicencesPanel c={c} />, [cited]);
    expect(await screen.findByText('已吊销，不能作为材料')).toBeInTheDocument();
    expect(screen.getByText('已吊销')).toBeInTheDocument();
    expect(screen.queryByLabelText('证照编号')).toBeNull();
  });
});
