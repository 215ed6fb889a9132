import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  BirthLookupDocument,
  type BirthLookupQuery,
  type BirthLookupQueryVariables,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { BirthIntakeWizard } from './BirthIntakeWizard';

const variables: BirthLookupQueryVariables = { certificateNumber: 'M130000001', settleWith: 'FATHER' };
const checks = ['SERVICE', 'CERTIFICATE', 'USAGE', 'HISTORY', 'HOUSEHOLD'];

function formItemOf(label: string): HTMLElement {
  const el = screen.getByText(label, { selector: 'label' }).closest('.ant-form-item');
  if (!(el instanceof HTMLElement)) throw new Error(`no form item labelled ${label}`);
  return el;
}

async function fillLookup() {
  await userEvent.type(screen.getByLabelText('出生医学证明编号'), 'm130000001');
  await userEvent.click(screen.getByText('随父落户'));
  await userEvent.click(screen.getByRole('button', { name: /查\s*询/ }));
}

describe('BirthIntakeWizard', () => {
  it('shows each Ministry check and the read-only data, then the form beside it', async () => {
    const ok = typedMock<BirthLookupQuery, BirthLookupQueryVariables>({
      request: { query: BirthLookupDocument, variables },
      result: {
        data: {
          __typename: 'Query',
          birthLookup: {
            __typename: 'BirthLookup',
            certificate: {
              __typename: 'BirthCertificateInfo',
              number: 'M130000001',
              name: '陈晓明',
              sex: '1',
              birthTime: '2026-01-02T03:04:05Z',
              hospital: '石家庄市妇幼保健院',
              motherName: '李芳',
              motherIdNumber: '130102199001010022',
              fatherName: '陈东',
              fatherIdNumber: '130102198801010011',
            },
            householdNumber: '130102000001',
            householdAddress: '长安区建设北大街1号',
            ministryChecks: checks.map((check) => ({ __typename: 'MinistryCheck' as const, check, passed: true, detail: 'x' })),
          },
        },
      },
    });
    renderWithProviders(<BirthIntakeWizard onCreated={vi.fn()} />, [...codeListMocks, ok]);
    expect(screen.queryByRole('button', { name: /保存并受理/ })).toBeNull();
    await fillLookup();
    const panel = await screen.findByTestId('lookup-checks');
    expect(within(panel).getAllByText('通过')).toHaveLength(5);
    expect(screen.getByText('长安区建设北大街1号')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /下一步/ }));
    expect(await screen.findByRole('button', { name: /保存并受理/ })).toBeInTheDocument();
    expect(screen.getByLabelText('出生医学证明编号')).toHaveValue('M130000001');
    expect(screen.getByLabelText('出生医学证明编号')).toHaveAttribute('readonly');
    expect(screen.getByTestId('lookup-data')).toBeInTheDocument();
  });

  it('puts a Ministry refusal on the certificate number field', async () => {
    const used = typedMock<BirthLookupQuery, BirthLookupQueryVariables>({
      request: { query: BirthLookupDocument, variables },
      result: {
        errors: [
          {
            message: 'birth certificate M130000001 was already used by office 211100000000 on 2026-01-01',
            extensions: { code: 'CONFLICT', field: 'certificateNumber', reason: 'birth.certificate_used' },
          },
        ],
      },
    });
    renderWithProviders(<BirthIntakeWizard onCreated={vi.fn()} />, [...codeListMocks, used]);
    await fillLookup();
    const item = formItemOf('出生医学证明编号');
    expect(await within(item).findByText('该出生医学证明已被使用，不能再次办理出生登记')).toBeInTheDocument();
    expect(screen.queryByTestId('lookup-checks')).toBeNull();
    expect(screen.queryByText(/Ministry/)).toBeNull();
  });
});
