import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { CaseDetailFragment } from '../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders } from '../../test/render';
import { CaseActions } from './CaseActions';

function birthCase(availableActions: string[]): CaseDetailFragment {
  return {
    __typename: 'BirthRegistration',
    id: 'case-1',
    kind: 'BIRTH',
    side: 'ACCEPTANCE',
    collabNo: '2111002026112500001',
    status: 'DRAFT',
    acceptanceOffice: '211100',
    registrationOffice: '130100',
    deadlineAt: null,
    overdue: false,
    awaitingOtherSide: false,
    version: 3,
    updatedAt: '2026-11-25T10:00:00Z',
    createdAt: '2026-11-25T09:00:00Z',
    availableActions,
    office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
    timeline: [],
    applicant: {
      __typename: 'BirthApplicant',
      newbornName: '张小明',
      ethnicity: '01',
      relation: '20',
      settleWith: 'FATHER',
      declarantName: '张伟',
      declarantIdNumber: '11010519491231002X',
      declarantPhone: '',
    },
    certificate: {
      __typename: 'BirthCertificateInfo',
      number: 'M130000001',
      name: '张小明',
      sex: '1',
      birthTime: '2026-11-01T08:00:00Z',
      hospital: '石家庄市妇产医院',
      motherName: '李娜',
      motherIdNumber: '',
      fatherName: '张伟',
      fatherIdNumber: '11010519491231002X',
    },
    householdNumber: '130100000001',
    refusalReasons: [],
    outcome: null,
  };
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

  it('shows actions without a screen yet as disabled buttons, never more', () => {
    renderWithProviders(<CaseActions c={birthCase(['print', 'reportErrors', 'returnSigned'])} onRefresh={vi.fn()} />, codeListMocks);
    expect(buttonLabels()).toEqual(['打印', '报告差错', '回传签字常表']);
    for (const b of within(screen.getByTestId('case-actions')).getAllByRole('button')) expect(b).toBeDisabled();
  });
});
