import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  ReportBirthErrorsDocument,
  type CaseDetailFragment,
  type ReportBirthErrorsMutation,
  type ReportBirthErrorsMutationVariables,
} from '../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../test/render';
import { birthCase as fixture } from '../../test/fixtures';
import { CaseActions } from './CaseActions';

function birthCase(availableActions: string[]): CaseDetailFragment {
  return fixture({ availableActions });
}

function buttonLabels(): string[] {
  return within(screen.getByTestId('case-actions'))
    .getAllByRole('button')
    .map((b) => (b.textContent ?? '').replace(/\s+/g, ''));
}

describe('CaseActions', () => {
  it('renders exactly the available actions, in order, with Chinese labels', () => {
    renderWithProviders(<CaseActions c={birthCase(['modify', 'submit'])} onRefresh={vi.fn()} />, codeListMocks);
    expect(buttonLabels()).toEqual(['修改', '提交']);
  });

  it('renders the registration office actions', () => {
    renderWithProviders(<CaseActions c={birthCase(['approve', 'refuse'])} onRefresh={vi.fn()} />, codeListMocks);
    expect(buttonLabels()).toEqual(['审批通过', '不予办理']);
  });

  it('shows no button when nothing is available', () => {
    renderWithProviders(<CaseActions c={birthCase([])} onRefresh={vi.fn()} />, codeListMocks);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('当前没有可办理的操作')).toBeInTheDocument();
  });

  it('wires every action: no disabled button', () => {
    const all = ['print', 'reportErrors', 'returnSigned', 'correctMinor', 'requestMajorChange', 'approveMajorChange', 'rejectMajorChange', 'resendForm', 'file'];
    renderWithProviders(<CaseActions c={birthCase(all)} onRefresh={vi.fn()} />, codeListMocks);
    expect(buttonLabels()).toEqual(['打印常表', '报告差错', '回传签字常表', '直接更正', '申请主项变更', '批准主项变更', '驳回主项变更', '重发常表', '归档办结']);
    for (const b of within(screen.getByTestId('case-actions')).getAllByRole('button')) expect(b).toBeEnabled();
  });
});

describe('CaseActions forms', () => {
  it('sends the error report and puts the server error on the row it names', async () => {
    const user = userEvent.setup();
    const c = fixture({ status: 'PRINTED', availableActions: ['print', 'reportErrors', 'returnSigned'] });
    const report = typedMock<ReportBirthErrorsMutation, ReportBirthErrorsMutationVariables>({
      request: {
        query: ReportBirthErrorsDocument,
        variables: { id: 'case-1', version: 3, items: [{ field: 'name', wanted: '陈晓鸣', note: null }] },
      },
      result: {
        errors: [
          new GraphQLError('"name" is not a field of the registration form', {
            extensions: { code: 'BAD_USER_INPUT', field: 'items[0].field', reason: 'birth.error_field' },
          }),
        ],
      },
    });
    renderWithProviders(<CaseActions c={c} onRefresh={vi.fn()} />, [...codeListMocks, report]);
    await user.click(screen.getByRole('button', { name: '报告差错' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox'));
    await user.click(await screen.findByTitle('姓名'));
    await user.type(within(dialog).getByLabelText('应为'), '陈晓鸣');
    await user.click(within(dialog).getByRole('button', { name: '报告差错' }));
    const row = within(dialog).getByTestId('error-item');
    expect(await within(row).findByText('该字段不在常表中')).toBeInTheDocument();
  });
});
