import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  ReportBirthErrorsDocument,
  type CaseActionName,
  type ReportBirthErrorsMutation,
  type ReportBirthErrorsMutationVariables,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { birthCase } from '../../../test/fixtures';
import { CaseActions } from '../../case/CaseActions';
import { birthParts } from '../parts';
import { birthSteps } from '.';

function renderActions(availableActions: CaseActionName[], mocks: Parameters<typeof renderWithProviders>[1] = codeListMocks) {
  return renderWithProviders(<CaseActions c={birthCase({ availableActions })} kind={birthParts} onRefresh={vi.fn()} />, mocks);
}

function buttons(): HTMLElement[] {
  return within(screen.getByTestId('case-actions')).getAllByRole('button');
}

function buttonLabels(): string[] {
  return buttons().map((b) => (b.textContent ?? '').replace(/\s+/g, ''));
}

describe('birth steps', () => {
  it('renders exactly the available steps, in order, with Chinese labels', () => {
    renderActions(['MODIFY_BIRTH_REGISTRATION', 'SUBMIT_BIRTH_REGISTRATION']);
    expect(buttonLabels()).toEqual(['修改', '提交']);
  });

  it('renders the registration office steps, refusal as danger', () => {
    renderActions(['APPROVE_BIRTH_REGISTRATION', 'REFUSE_BIRTH_REGISTRATION']);
    expect(buttonLabels()).toEqual(['审批通过', '不予办理']);
    expect(buttons()[0]).toHaveClass('ant-btn-primary');
    expect(buttons()[1]).toHaveClass('ant-btn-dangerous');
  });

  it('shows no button when nothing is available', () => {
    renderActions([]);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('当前没有可办理的操作')).toBeInTheDocument();
  });

  it('wires every step a user takes: no disabled button', () => {
    const all = Object.keys(birthSteps) as CaseActionName[];
    renderActions(all);
    expect(buttons()).toHaveLength(all.length);
    for (const b of buttons()) expect(b).toBeEnabled();
  });

  it('makes printing again secondary once the signed form can be returned (1.3.2, 1.3.4)', () => {
    renderActions(['PRINT_BIRTH_FORM', 'REPORT_BIRTH_ERRORS', 'RETURN_SIGNED_BIRTH_FORM']);
    expect(buttonLabels()).toEqual(['打印常表', '报告差错', '回传签字常表']);
    expect(buttons().map((b) => b.classList.contains('ant-btn-primary'))).toEqual([false, false, true]);
  });
});

describe('birth step dialogs', () => {
  it('sends the error report as one input and puts the server error on the row it names (1.3.2)', async () => {
    const user = userEvent.setup();
    const report = typedMock<ReportBirthErrorsMutation, ReportBirthErrorsMutationVariables>({
      request: {
        query: ReportBirthErrorsDocument,
        variables: { input: { id: 'case-1', version: 3, items: [{ field: 'name', wanted: '陈晓鸣', note: null }] } },
      },
      result: {
        errors: [
          new GraphQLError('"name" is not a field of the registration form', {
            extensions: { code: 'BAD_USER_INPUT', field: 'items[0].field', reason: 'birth.error_field' },
          }),
        ],
      },
    });
    renderActions(['PRINT_BIRTH_FORM', 'REPORT_BIRTH_ERRORS', 'RETURN_SIGNED_BIRTH_FORM'], [...codeListMocks, report]);
    await user.click(screen.getByRole('button', { name: '报告差错' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox'));
    await user.click(await screen.findByTitle('姓名'));
    await user.type(within(dialog).getByLabelText('应为'), '陈晓鸣');
    await user.click(within(dialog).getByRole('button', { name: '报告差错' }));
    const row = within(dialog).getByTestId('error-item');
    expect(await within(row).findByText('该字段不在常表中')).toBeInTheDocument();
  });

  it('prefills the minor correction from the report (1.3.3)', async () => {
    const user = userEvent.setup();
    const c = birthCase(
      { status: 'CORRECTING', side: 'REGISTRATION', availableActions: ['CORRECT_BIRTH_MINOR', 'REQUEST_BIRTH_MAJOR_CHANGE'] },
      {
        errorReport: [
          { __typename: 'BirthErrorItem', field: 'formerNames', wanted: '陈明', note: null },
          { __typename: 'BirthErrorItem', field: 'name', wanted: '陈晓鸣', note: '鸣字有误' },
        ],
      },
    );
    renderWithProviders(<CaseActions c={c} kind={birthParts} onRefresh={vi.fn()} />, codeListMocks);
    await user.click(screen.getByRole('button', { name: '直接更正' }));
    expect(await within(await screen.findByRole('dialog')).findByLabelText('曾用名')).toHaveValue('陈明');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: '取消' }));
    await user.click(screen.getByRole('button', { name: '申请主项变更' }));
    const dialog = await screen.findByRole('dialog', { name: '申请主项变更' });
    expect(within(dialog).getByLabelText('变更后内容')).toHaveValue('陈晓鸣');
    expect(within(dialog).getByLabelText('变更理由')).toHaveValue('鸣字有误');
  });
});
