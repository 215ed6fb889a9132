import { describe, expect, it, vi } from 'vitest';
import axe from 'axe-core';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import { Route, Routes } from 'react-router';
import {
  CertificateMatterTypesDocument,
  IssueInformationCertificateDocument,
  VerifyCertificateDocument,
  VerifyMatterTrueDocument,
  type CaseActionName,
  type CaseDetailFragment,
  type CertificateMatterTypesQuery,
  type CertificateMatterTypesQueryVariables,
  type IssueInformationCertificateMutation,
  type IssueInformationCertificateMutationVariables,
  type MatterCertificateDetailsFragment,
  type VerifyCertificateQuery,
  type VerifyCertificateQueryVariables,
  type VerifyMatterTrueMutation,
  type VerifyMatterTrueMutationVariables,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { birthCase } from '../../test/fixtures';
import { CaseActions } from '../case/CaseActions';
import { matterSteps } from './actions';
import { InfoIntakePage } from './intake/InfoIntakePage';
import { MatterIntakePage } from './intake/MatterIntakePage';
import { matterIntakePath } from './paths';
import { VerifyCertificatePage } from './VerifyCertificatePage';
import { MatterCertificateDetail } from './CertificateDetail';
import { matterCertificateParts } from './parts';

function matterDetails(over: Partial<MatterCertificateDetailsFragment> = {}): MatterCertificateDetailsFragment {
  return {
    __typename: 'MatterCertificateDetails',
    matter: {
      __typename: 'CertificateMatter',
      matterType: 'KINSHIP',
      persons: [
        { __typename: 'CertificatePerson', idNumber: '130602198706200268', name: '李秀英' },
        { __typename: 'CertificatePerson', idNumber: '130602201509010355', name: '张子轩' },
      ],
      statement: '证明李秀英与张子轩系母子关系',
      purpose: '办理入学',
      relation: '母子',
      otherName: '',
      address: '',
      period: '',
      applicantName: '李秀英',
      applicantIdNumber: '130602198706200268',
      applicantPhone: '',
      registrationOffice: '130102000100',
    },
    matterTitle: '亲属关系证明',
    persons: [{ __typename: 'CertificatePersonCheck', idNumber: '130602198706200268', found: true, householdNumber: '020199999', officeCode: '130102000100' }],
    decision: null,
    route: null,
    issued: null,
    refusal: null,
    revocation: null,
    ...over,
  };
}

function matterCase(over: Partial<CaseDetailFragment> = {}, details: Partial<MatterCertificateDetailsFragment> = {}): CaseDetailFragment {
  return birthCase({ kind: 'MATTER_CERT', details: matterDetails(details), ...over });
}

const verifyQ = (number: string, code: string, result: VerifyCertificateQuery['verifyCertificate'] | GraphQLError) =>
  typedMock<VerifyCertificateQuery, VerifyCertificateQueryVariables>({
    request: { query: VerifyCertificateDocument, variables: { number, code } },
    result: result instanceof GraphQLError ? { errors: [result] } : { data: { __typename: 'Query', verifyCertificate: result } },
  });

const typesQ = typedMock<CertificateMatterTypesQuery, CertificateMatterTypesQueryVariables>({
  request: { query: CertificateMatterTypesDocument },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: {
    data: {
      __typename: 'Query',
      certificateMatterTypes: [
        { __typename: 'CertificateMatterType', code: 'KINSHIP', title: '亲属关系证明', minPersons: 2, maxPersons: 2, needs: ['relation'] },
        { __typename: 'CertificateMatterType', code: 'HOUSEHOLD_INFO', title: '户籍信息证明（协查）', minPersons: 1, maxPersons: 1, needs: [] },
      ],
    },
  },
});

function labels(): string[] {
  return within(screen.getByTestId('case-actions'))
    .getAllByRole('button')
    .map((b) => (b.textContent ?? '').replace(/\s+/g, ''));
}

describe('matter certificate steps', () => {
  it('offers the registration office the verdicts and routing, TRUE as the main step (2.1.3, 2.2.7)', () => {
    const actions: CaseActionName[] = ['ROUTE_MATTER_CERTIFICATE', 'VERIFY_MATTER_TRUE', 'VERIFY_MATTER_NOT_TRUE', 'VERIFY_MATTER_NO_RESULT'];
    renderWithProviders(<CaseActions c={matterCase({ side: 'REGISTRATION', status: 'RECEIVED', availableActions: actions })} kind={matterCertificateParts} onRefresh={vi.fn()} />, []);
    expect(labels()).toEqual(['提请外省协查', '核实属实', '核实不属实', '无法核实']);
    const buttons = within(screen.getByTestId('case-actions')).getAllByRole('button');
    expect(buttons.map((b) => b.classList.contains('ant-btn-primary'))).toEqual([false, true, false, false]);
  });

  it('wires every user step: no disabled button', () => {
    const all = Object.keys(matterSteps) as CaseActionName[];
    renderWithProviders(<CaseActions c={matterCase({ availableActions: all })} kind={matterCertificateParts} onRefresh={vi.fn()} />, [typesQ]);
    const buttons = within(screen.getByTestId('case-actions')).getAllByRole('button');
    expect(buttons).toHaveLength(all.length);
    for (const b of buttons) expect(b).toBeEnabled();
  });

  it('sends the findings and shows the server reason when the verification materials are missing (1.4.4)', async () => {
    const user = userEvent.setup();
    const verify = typedMock<VerifyMatterTrueMutation, VerifyMatterTrueMutationVariables>({
      request: { query: VerifyMatterTrueDocument, variables: { input: { id: 'case-1', version: 3, findings: '系母子关系' } } },
      result: {
        errors: [
          new GraphQLError('a TRUE verdict needs the verification materials', {
            extensions: { code: 'BAD_USER_INPUT', field: 'materials', reason: 'certificate.verification_materials' },
          }),
        ],
      },
    });
    renderWithProviders(
      <CaseActions c={matterCase({ side: 'REGISTRATION', status: 'RECEIVED', availableActions: ['VERIFY_MATTER_TRUE'] })} kind={matterCertificateParts} onRefresh={vi.fn()} />,
      [verify],
    );
    await user.click(screen.getByRole('button', { name: '核实属实' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('核实情况'), '系母子关系');
    await user.click(within(dialog).getByRole('button', { name: '核实属实' }));
    expect(await screen.findByText('核实属实须先采集核查材料')).toBeInTheDocument();
  });

  it('shows the verdict, the materials and the issued certificate with its number and code (2.2.8)', () => {
    const c = matterCase(
      { status: 'COMPLETED' },
      {
        decision: { __typename: 'CertificateDecision', verdict: 'TRUE', findings: '系母子关系', reasons: null, office: '130102000100', at: '2026-11-29T09:00:00Z', materials: ['核查材料.png'] },
        issued: {
          __typename: 'IssuedCertificate',
          number: 'ZM2111032026112900000001',
          code: 'ABCDEFGH23',
          title: '户籍事项证明',
          holderName: '李秀英',
          facts: ['证明事项：亲属关系证明'],
          officeName: '兴隆台派出所',
          issuedAt: '2026-11-29T10:00:00Z',
        },
      },
    );
    renderWithProviders(<MatterCertificateDetail c={c} />, []);
    expect(within(screen.getByTestId('certificate-decision')).getByText('属实')).toBeInTheDocument();
    expect(screen.getByText('核查材料.png')).toBeInTheDocument();
    const issued = screen.getByTestId('issued-certificate');
    expect(within(issued).getByText('ZM2111032026112900000001')).toBeInTheDocument();
    expect(within(issued).getByText('ABCDEFGH23')).toBeInTheDocument();
  });
});

describe('information certificate intake', () => {
  it('continues with the assisted flow, the data entered, when the Ministry finds nothing (1.1.5)', async () => {
    const user = userEvent.setup();
    const issue = typedMock<IssueInformationCertificateMutation, IssueInformationCertificateMutationVariables>({
      request: {
        query: IssueInformationCertificateDocument,
        variables: { input: { name: '赵无名', idNumber: '110101199001011237', purpose: '就业', applicantName: '赵无名' } },
      },
      result: {
        data: {
          __typename: 'Mutation',
          issueInformationCertificate: {
            __typename: 'InfoCertificateOutcome',
            case: null,
            draft: {
              __typename: 'CertificateMatter',
              matterType: 'HOUSEHOLD_INFO',
              persons: [{ __typename: 'CertificatePerson', idNumber: '110101199001011237', name: '赵无名' }],
              statement: '核实赵无名的户籍信息',
              purpose: '就业',
              relation: null,
              otherName: null,
              address: null,
              period: null,
              applicantName: '赵无名',
              applicantIdNumber: '',
              applicantPhone: null,
              registrationOffice: null,
            },
          },
        },
      },
    });
    renderWithProviders(
      <Routes>
        <Route path="/" element={<InfoIntakePage />} />
        <Route path={matterIntakePath} element={<MatterIntakePage />} />
      </Routes>,
      [issue, typesQ],
    );
    await user.type(screen.getByLabelText('姓名'), '赵无名');
    await user.type(screen.getByLabelText('公民身份号码'), '110101199001011237');
    await user.type(screen.getByLabelText('证明用途'), '就业');
    await user.type(screen.getByLabelText('申请人姓名'), '赵无名');
    await user.click(screen.getByRole('button', { name: '查询并出具证明' }));
    expect(await screen.findByText(/已转入协查办理/)).toBeInTheDocument();
    expect(screen.getByLabelText('姓名1')).toHaveValue('赵无名');
    expect(screen.getByLabelText('公民身份号码1')).toHaveValue('110101199001011237');
    expect(screen.getByLabelText('申请证明的内容')).toHaveValue('核实赵无名的户籍信息');
  });
});

describe('public certificate verification', () => {
  const fill = async (number: string, code: string) => {
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('证明编号'), number);
    await user.type(screen.getByLabelText('验证码'), code);
    await user.click(screen.getByRole('button', { name: '查验' }));
  };

  it('answers valid with what the certificate shows', async () => {
    renderWithProviders(<VerifyCertificatePage />, [
      verifyQ('ZM2111032026112900000001', 'ABCDEFGH23', {
        __typename: 'CertificateCheck',
        status: 'VALID',
        number: 'ZM2111032026112900000001',
        title: '户籍信息证明',
        holderName: '李秀英',
        officeName: '兴隆台派出所',
        issuedAt: '2026-11-29T10:00:00Z',
        revokedAt: null,
      }),
    ]);
    await fill('ZM2111032026112900000001', 'ABCDEFGH23');
    const answer = await screen.findByTestId('verify-answer');
    expect(within(answer).getByText('证明有效')).toBeInTheDocument();
    expect(within(answer).getByText('李秀英')).toBeInTheDocument();
  });

  it('answers unknown for a forged code, showing nothing of any certificate', async () => {
    renderWithProviders(<VerifyCertificatePage />, [
      verifyQ('ZM2111032026112900000001', 'AAAAAAAAAA', {
        __typename: 'CertificateCheck',
        status: 'UNKNOWN',
        number: 'ZM2111032026112900000001',
        title: null,
        holderName: null,
        officeName: null,
        issuedAt: null,
        revokedAt: null,
      }),
    ]);
    await fill('ZM2111032026112900000001', 'AAAAAAAAAA');
    expect(await screen.findByText(/未查到与该编号和验证码相符的证明/)).toBeInTheDocument();
    // A page of its own, outside the signed-in frame: its main landmark and level-one heading (#19).
    const { violations } = await axe.run(document, {
      runOnly: { type: 'rule', values: ['region', 'landmark-one-main', 'page-has-heading-one', 'heading-order', 'empty-table-header'] },
    });
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('says when the address is throttled', async () => {
    renderWithProviders(<VerifyCertificatePage />, [
      verifyQ('ZM1', 'X', new GraphQLError('too many', { extensions: { code: 'TOO_MANY_REQUESTS', reason: 'certificate.verify_throttled' } })),
    ]);
    await fill('ZM1', 'X');
    expect(await screen.findByText('查验失败次数过多，请稍后再试')).toBeInTheDocument();
  });
});
