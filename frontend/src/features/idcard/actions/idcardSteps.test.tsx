import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  IdCardSettingsDocument,
  RejectIdCardApplicationDocument,
  SaveIdCardQualityFeedbackDocument,
  SubmitIdCardApplicationDocument,
  type CaseActionName,
  type CaseDetailFragment,
  type IdCardSettingsQuery,
  type RejectIdCardApplicationMutation,
  type RejectIdCardApplicationMutationVariables,
  type SaveIdCardQualityFeedbackMutation,
  type SaveIdCardQualityFeedbackMutationVariables,
  type SubmitIdCardApplicationMutation,
  type SubmitIdCardApplicationMutationVariables,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { CaseActions } from '../../case/CaseActions';
import { idCardParts } from '../parts';
import { idCardCase, settings } from '../testing';
import { idCardSteps, mainIdCardStep } from '.';

const settingsMock = typedMock<IdCardSettingsQuery, Record<string, never>>({
  request: { query: IdCardSettingsDocument },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: { data: { __typename: 'Query', idCardSettings: settings } },
});

function renderActions(c: CaseDetailFragment, mocks: Parameters<typeof renderWithProviders>[1] = []) {
  return renderWithProviders(<CaseActions c={c} kind={idCardParts} onRefresh={vi.fn()} />, [...codeListMocks, settingsMock, ...mocks]);
}

function buttonLabels(): string[] {
  return within(screen.getByTestId('case-actions'))
    .getAllByRole('button')
    .map((b) => (b.textContent ?? '').replace(/\s+/g, ''));
}

describe('ID card steps', () => {
  it('wires every step a user takes, with Chinese labels', () => {
    const all = Object.keys(idCardSteps) as CaseActionName[];
    renderActions(idCardCase({ availableActions: all }));
    expect(buttonLabels()).toEqual([
      '修改', '确认并提交', '审核通过并签发', '审核不通过', '保存审核回馈并结案', '回写签发信息', '打包上传制证中心',
      '保存质量回馈', '更正申请', '保存制证回馈', '领证登记', '结案',
    ]);
    expect(mainIdCardStep({ availableActions: ['MODIFY_ID_CARD_APPLICATION', 'SUBMIT_ID_CARD_APPLICATION'] })).toBe('SUBMIT_ID_CARD_APPLICATION');
    expect(mainIdCardStep({ availableActions: ['CORRECT_ID_CARD_APPLICATION', 'PACKAGE_ID_CARD_APPLICATION'] })).toBe('PACKAGE_ID_CARD_APPLICATION');
  });

  it('submits only after the applicant confirmed what the summary shows (1.1.9)', async () => {
    const user = userEvent.setup();
    const submit = typedMock<SubmitIdCardApplicationMutation, SubmitIdCardApplicationMutationVariables>({
      request: { query: SubmitIdCardApplicationDocument, variables: { input: { id: 'case-1', version: 3, confirmed: true } } },
      result: { data: { __typename: 'Mutation', submitIdCardApplication: idCardCase({ status: 'SUBMITTED' }) } },
    });
    renderActions(idCardCase({ availableActions: ['SUBMIT_ID_CARD_APPLICATION'] }), [submit]);
    await user.click(screen.getByRole('button', { name: '确认并提交' }));
    const dialog = await screen.findByRole('dialog');
    const summary = within(dialog).getByTestId('idcard-summary');
    expect(summary).toHaveTextContent('李秀英');
    expect(summary).toHaveTextContent('13912345678');
    expect(summary).toHaveTextContent('到受理地领取');
    expect(summary).toHaveTextContent('右手食指');
    expect(await within(dialog).findByText(/手指受伤/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: '确认并提交' }));
    expect(await within(dialog).findByText('请先勾选申请人已确认')).toBeInTheDocument();
    await user.click(within(dialog).getByTestId('idcard-confirmed'));
    await user.click(within(dialog).getByRole('button', { name: '确认并提交' }));
    expect(await screen.findByText('确认并提交成功')).toBeInTheDocument();
  });

  it('rejects with a reason, which is required (2.1.4)', async () => {
    const user = userEvent.setup();
    const reject = typedMock<RejectIdCardApplicationMutation, RejectIdCardApplicationMutationVariables>({
      request: { query: RejectIdCardApplicationDocument, variables: { input: { id: 'case-1', version: 3, reason: '相片与本人不符', note: '' } } },
      result: { data: { __typename: 'Mutation', rejectIdCardApplication: idCardCase({ side: 'REGISTRATION', status: 'REFUSED' }) } },
    });
    renderActions(idCardCase({ side: 'REGISTRATION', status: 'RECEIVED', availableActions: ['APPROVE_ID_CARD_APPLICATION', 'REJECT_ID_CARD_APPLICATION'] }), [reject]);
    await user.click(screen.getByRole('button', { name: '审核不通过' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: '审核不通过' }));
    expect(await within(dialog).findByText('请填写不通过原因')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox'), '相片与本人不符');
    await user.click(within(dialog).getByRole('button', { name: '审核不通过' }));
    expect(await screen.findByText('审核不通过成功')).toBeInTheDocument();
  });

  it('shows the validity the rule gives before approving (2.1.4)', async () => {
    const user = userEvent.setup();
    renderActions(idCardCase({ side: 'REGISTRATION', status: 'RECEIVED', availableActions: ['APPROVE_ID_CARD_APPLICATION'] }));
    await user.click(screen.getByRole('button', { name: '审核通过并签发' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('validity-preview')).toHaveTextContent('申请日年龄 39 周岁，有效期 20 年');
  });

  it('shows the quality feedback the clerk saves (1.1.12)', async () => {
    const user = userEvent.setup();
    const feedback = [{ __typename: 'IdCardFeedback' as const, seq: 1, class: 'FINGERPRINT',
      description: '第1枚指纹（右手食指）的特征数据与指纹图像不一致，请重新采集', receivedAt: '2026-12-03T02:00:00Z', savedAt: null }];
    const c = idCardCase({ status: 'QUALITY_FEEDBACK', availableActions: ['SAVE_ID_CARD_QUALITY_FEEDBACK'] }, {
      outcome: { __typename: 'IdCardOutcome', writtenBackAt: null, review: null, issue: null, packages: [], feedback, production: null, licence: null, collection: null },
    });
    const save = typedMock<SaveIdCardQualityFeedbackMutation, SaveIdCardQualityFeedbackMutationVariables>({
      request: { query: SaveIdCardQualityFeedbackDocument, variables: { input: { id: 'case-1', version: 3, note: '重新采集' } } },
      result: { data: { __typename: 'Mutation', saveIdCardQualityFeedback: idCardCase({ status: 'CORRECTION' }) } },
    });
    renderActions(c, [save]);
    await user.click(screen.getByRole('button', { name: '保存质量回馈' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('feedback-body')).toHaveTextContent('指纹特征与图像');
    expect(within(dialog).getByTestId('feedback-body')).toHaveTextContent('右手食指');
    await user.type(within(dialog).getByRole('textbox'), '重新采集');
    await user.click(within(dialog).getByRole('button', { name: '保存质量回馈' }));
    expect(await screen.findByText('保存质量回馈成功')).toBeInTheDocument();
  });
});
