// The issue-11 refusals as the screens show them: each server reason lands on
// the field (or panel) the user fixes, in Chinese.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  CorrectBirthMinorDocument,
  RejectBirthMajorChangeDocument,
  SettleBirthRegistrationDocument,
  SubmitBirthRegistrationDocument,
  type CorrectBirthMinorMutation,
  type CorrectBirthMinorMutationVariables,
  type RejectBirthMajorChangeMutation,
  type RejectBirthMajorChangeMutationVariables,
  type SettleBirthRegistrationMutation,
  type SettleBirthRegistrationMutationVariables,
  type SubmitBirthRegistrationMutation,
  type SubmitBirthRegistrationMutationVariables,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { birthCase, caseFile } from '../../../test/fixtures';
import { zhCN } from '../../../locales/zh-CN';
import { CaseActions } from '../../case/CaseActions';
import { CaseView } from '../../case/CaseDetailPage';
import { birthParts } from '../parts';
import { loadKindParts } from '../../kinds';

// CaseView renders the kind's parts, loaded once as on the case page's first visit.
beforeAll(() => loadKindParts('BIRTH'));

const reasons = zhCN.errors.reasons;

function refused(message: string, extensions: Record<string, string>) {
  return { errors: [new GraphQLError(message, { extensions })] };
}

/** formItem is the antd form item labelled label inside scope. */
function formItem(scope: HTMLElement, label: string): HTMLElement {
  const el = within(scope).getByText(label, { selector: 'label' }).closest('.ant-form-item');
  if (!(el instanceof HTMLElement)) throw new Error(`no form item labelled ${label}`);
  return el;
}

describe('issue-11 refusals on the case page', () => {
  it('shows a submission without every required material on the materials panel, naming what is missing', async () => {
    const user = userEvent.setup();
    const submit = typedMock<SubmitBirthRegistrationMutation, SubmitBirthRegistrationMutationVariables>({
      request: { query: SubmitBirthRegistrationDocument, variables: { input: { id: 'case-1', version: 3, note: '' } } },
      result: refused('capture every required material before submitting; missing: 出生登记申请表 (BIRTH_APPLICATION)', {
        code: 'BAD_USER_INPUT',
        field: 'materials',
        reason: 'archive.materials_missing',
      }),
    });
    const c = birthCase({
      availableActions: ['MODIFY_BIRTH_REGISTRATION', 'SUBMIT_BIRTH_REGISTRATION'],
      materials: [
        { __typename: 'Material', code: 'BIRTH_CERT', name: '出生医学证明', required: true, description: '', files: [caseFile({})] },
        { __typename: 'Material', code: 'BIRTH_APPLICATION', name: '出生登记申请表', required: true, description: '', files: [] },
      ],
    });
    renderWithProviders(<CaseView c={c} onRefresh={vi.fn()} />, [...codeListMocks, submit]);
    await user.click(within(screen.getByTestId('case-actions')).getByRole('button', { name: '提交' }));
    const confirm = await screen.findByRole('dialog');
    await user.click(within(confirm).getByRole('button', { name: '提交' }));
    const alert = await within(screen.getByTestId('case-files')).findByTestId('materials-error');
    expect(alert).toHaveTextContent(reasons['archive.materials_missing']);
    expect(alert).toHaveTextContent('尚未采集的必交材料：出生登记申请表');
    expect(screen.queryByText(/capture every/)).toBeNull();
  });

  it.each([
    ['DRAFT', false, '您的角色不能采集材料'],
    ['SUBMITTED', false, '材料已随申请提交，不能再采集或修改'],
    ['RECEIVED', false, '材料已随申请提交，不能再采集或修改'],
    ['COMPLETED', false, '案件已结案，材料不能再采集或修改'],
  ] as const)('says why capture is closed (%s)', (status, canCaptureArchives, note) => {
    const materials = [{ __typename: 'Material' as const, code: 'M1', name: '证明材料', required: true, description: '', files: [] }];
    renderWithProviders(<CaseView c={birthCase({ status, canCaptureArchives, materials })} onRefresh={vi.fn()} />, codeListMocks);
    expect(screen.getByTestId('capture-note')).toHaveTextContent(note);
    expect(within(screen.getByTestId('material-M1')).queryByRole('button')).toBeNull();
  });

  it('says nothing about capture while it is open', () => {
    renderWithProviders(<CaseView c={birthCase({ canCaptureArchives: true })} onRefresh={vi.fn()} />, codeListMocks);
    expect(screen.queryByTestId('capture-note')).toBeNull();
  });
});

describe('issue-11 refusals in the step dialogs', () => {
  it('puts a settlement contradicting the certificate on the sex field (2.2.1)', async () => {
    const user = userEvent.setup();
    const settle = typedMock<SettleBirthRegistrationMutation, SettleBirthRegistrationMutationVariables>({
      request: {
        query: SettleBirthRegistrationDocument,
        variables: {
          input: {
            id: 'case-1',
            version: 3,
            newborn: { householdNumber: '130100000001', name: '张小明', sex: '1', ethnicity: '01', birthDate: '2026-11-01', relation: '20' },
          },
        },
      },
      result: refused('the medical birth certificate M130000001 says 女', { code: 'BAD_USER_INPUT', field: 'sex', reason: 'birth.sex_mismatch' }),
    });
    const c = birthCase({ side: 'REGISTRATION', status: 'APPROVED', availableActions: ['SETTLE_BIRTH_REGISTRATION'] });
    renderWithProviders(<CaseActions c={c} kind={birthParts} onRefresh={vi.fn()} />, [...codeListMocks, settle]);
    await user.click(screen.getByRole('button', { name: '落户' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: '落户' }));
    expect(await within(formItem(dialog, '性别')).findByText('性别与出生医学证明不一致')).toBeInTheDocument();
    expect(within(formItem(dialog, '与户主关系')).queryByRole('alert')).toBeNull();
  });

  it('puts a refused minor correction on the item the reason names, and the rest on the form (1.3.3)', async () => {
    const user = userEvent.setup();
    const variables = { input: { id: 'case-1', version: 3, changes: [{ field: 'relation', value: '30' }] } };
    const correct = (reason: string) =>
      typedMock<CorrectBirthMinorMutation, CorrectBirthMinorMutationVariables>({
        request: { query: CorrectBirthMinorDocument, variables },
        result: refused('refused', { code: 'BAD_USER_INPUT', field: 'changes', reason }),
      });
    const c = birthCase(
      { side: 'REGISTRATION', status: 'CORRECTING', availableActions: ['CORRECT_BIRTH_MINOR'] },
      { errorReport: [{ __typename: 'BirthErrorItem', field: 'relation', wanted: '30', note: null }] },
    );
    renderWithProviders(<CaseActions c={c} kind={birthParts} onRefresh={vi.fn()} />, [
      ...codeListMocks,
      correct('birth.relation_sex'),
      correct('birth.not_reported'),
    ]);
    await user.click(screen.getByRole('button', { name: '直接更正' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: '直接更正' }));
    expect(await within(formItem(dialog, '与户主关系')).findByText(reasons['birth.relation_sex'])).toBeInTheDocument();
    // (jsdom never ends the loading icon's exit motion: the name may still start with "loading")
    await user.click(within(dialog).getByRole('button', { name: /直接更正$/ }));
    expect(await within(dialog).findByTestId('correction-error')).toHaveTextContent('只能更正申请人报告的差错项目');
  });

  it('puts a rejection refused for its reason on the reason field (2.2.2)', async () => {
    const user = userEvent.setup();
    const reject = typedMock<RejectBirthMajorChangeMutation, RejectBirthMajorChangeMutationVariables>({
      request: { query: RejectBirthMajorChangeDocument, variables: { input: { id: 'case-1', version: 3, reason: '理由' } } },
      result: refused('give the reason for the rejection', { code: 'BAD_USER_INPUT', field: 'reason', reason: 'birth.reason_required' }),
    });
    const c = birthCase({ side: 'REGISTRATION', status: 'CHANGE_PENDING', availableActions: ['REJECT_BIRTH_MAJOR_CHANGE'] });
    renderWithProviders(<CaseActions c={c} kind={birthParts} onRefresh={vi.fn()} />, [...codeListMocks, reject]);
    await user.click(screen.getByRole('button', { name: '驳回主项变更' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('驳回理由'), '理由');
    await user.click(within(dialog).getByRole('button', { name: '驳回主项变更' }));
    expect(await within(formItem(dialog, '驳回理由')).findByText('请填写驳回理由')).toBeInTheDocument();
  });
});
