import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  MigrationRegisterHouseholdDocument,
  MoveInMigrationDocument,
  type CaseActionName,
  type CaseDetailFragment,
  type MigrationDetailsFragment,
  type MigrationRegisterHouseholdQuery,
  type MigrationRegisterHouseholdQueryVariables,
  type MoveInMigrationMutation,
  type MoveInMigrationMutationVariables,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { birthCase } from '../../../test/fixtures';
import { CaseActions } from '../../case/CaseActions';
import { migrationParts } from '../parts';
import { migrationSteps } from '.';

const HEAD = '130123199802049798';
const SPOUSE = '13012319980220222X';
const CHILD = '13010820260715442X';

function details(over: Partial<MigrationDetailsFragment> = {}): MigrationDetailsFragment {
  return {
    __typename: 'MigrationDetails',
    ministryChecks: [],
    applicant: {
      __typename: 'MigrationApplicant',
      applicantIdNumber: HEAD,
      category: 'GRADUATE',
      movers: [HEAD, CHILD],
      kinIdNumber: null,
      way: 'ESTABLISH',
      householdNumber: null,
      headConsent: false,
      division: '211102',
      address: '兴隆台区振兴街道学苑小区2号楼101',
      reason: null,
      phone: null,
      moveInPermit: null,
    },
    categoryName: '大中专院校毕业生',
    household: null,
    homeClass: '111',
    destClass: '111',
    destAddress: '兴隆台区振兴街道学苑小区2号楼101',
    kinName: '',
    refusalReasons: [],
    outcome: {
      __typename: 'MigrationOutcome',
      approved: true,
      note: null,
      certificate: null,
      movers: [
        { __typename: 'MigrationMover', idNumber: HEAD, name: '陈东', formerNames: '', sex: '1', ethnicity: '01', birthDate: '1998-02-04', birthplaceDivision: '130123', relation: '02' },
        { __typename: 'MigrationMover', idNumber: CHILD, name: '陈依诺', formerNames: '', sex: '2', ethnicity: '01', birthDate: '2026-07-15', birthplaceDivision: '130108', relation: '31' },
      ],
      newHead: null,
      householdClosed: false,
      movedOutOn: '2026-11-26',
      householdNumber: '',
      settled: [],
      movedInOn: null,
    },
    ...over,
  };
}

function migrationCase(over: Partial<CaseDetailFragment> = {}, d: Partial<MigrationDetailsFragment> = {}): CaseDetailFragment {
  return birthCase({ kind: 'MIGRATION', details: details(d), ...over });
}

function renderActions(c: CaseDetailFragment, mocks: Parameters<typeof renderWithProviders>[1] = codeListMocks) {
  return renderWithProviders(<CaseActions c={c} kind={migrationParts} onRefresh={vi.fn()} />, mocks);
}

function buttonLabels(): string[] {
  return within(screen.getByTestId('case-actions'))
    .getAllByRole('button')
    .map((b) => (b.textContent ?? '').replace(/\s+/g, ''));
}

describe('migration steps', () => {
  it('wires every step a user takes, with Chinese labels', () => {
    const all = Object.keys(migrationSteps) as CaseActionName[];
    renderActions(migrationCase({ availableActions: all }));
    expect(buttonLabels()).toEqual(['修改', '提交', '准予迁出', '不予迁出', '结案', '办理迁入']);
  });

  it('fills the arriving members from the move-out feedback and sends the chosen head (2.2.6)', async () => {
    const user = userEvent.setup();
    const moveIn = typedMock<MoveInMigrationMutation, MoveInMigrationMutationVariables>({
      request: {
        query: MoveInMigrationDocument,
        variables: { input: { id: 'case-1', version: 3, members: [{ idNumber: HEAD, relation: '02' }, { idNumber: CHILD, relation: '30' }] } },
      },
      result: { data: { __typename: 'Mutation', moveInMigration: migrationCase({ status: 'COMPLETED' }) } },
    });
    renderActions(migrationCase({ status: 'MOVED_OUT', availableActions: ['MOVE_IN_MIGRATION'] }), [...codeListMocks, moveIn]);
    await user.click(screen.getByRole('button', { name: '办理迁入' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByTestId('arriving-members')).toBeNull();
    await user.click(within(dialog).getByTestId('fetch-cross-province'));
    expect(within(dialog).getByTestId('arriving-members')).toHaveTextContent('陈依诺');
    // Saving without a head is refused on the form.
    await user.click(within(dialog).getByRole('button', { name: '办理迁入' }));
    expect(await within(dialog).findByText('请选择新户主')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('radio', { name: '陈东' }));
    const relation = within(dialog).getByRole('combobox');
    await user.click(relation);
    await user.click(await screen.findByTitle('女'));
    await user.click(within(dialog).getByRole('button', { name: '办理迁入' }));
    expect(await screen.findByText('办理迁入成功')).toBeInTheDocument();
  });

  it('asks for a new head when the head leaves and others stay (2.2.4)', async () => {
    const user = userEvent.setup();
    const household = typedMock<MigrationRegisterHouseholdQuery, MigrationRegisterHouseholdQueryVariables>({
      request: { query: MigrationRegisterHouseholdDocument, variables: { idNumber: HEAD } },
      result: {
        data: {
          __typename: 'Query',
          resident: {
            __typename: 'Resident',
            id: 'r1',
            household: {
              __typename: 'Household',
              id: 'h1',
              number: '020500001',
              members: [
                { __typename: 'Resident', id: 'r1', idNumber: HEAD, name: '陈东', status: 'ACTIVE', relation: { __typename: 'CodeEntry', code: '02', name: '户主' } },
                { __typename: 'Resident', id: 'r2', idNumber: SPOUSE, name: '王莹', status: 'ACTIVE', relation: { __typename: 'CodeEntry', code: '12', name: '妻' } },
                { __typename: 'Resident', id: 'r3', idNumber: CHILD, name: '陈依诺', status: 'ACTIVE', relation: { __typename: 'CodeEntry', code: '31', name: '长女' } },
              ],
            },
          },
        },
      },
    });
    renderActions(migrationCase({ side: 'REGISTRATION', status: 'RECEIVED', availableActions: ['APPROVE_MIGRATION', 'REFUSE_MIGRATION'] }), [
      ...codeListMocks,
      household,
    ]);
    await user.click(screen.getByRole('button', { name: '准予迁出' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText(/户主迁出，请在留户成员中指定新户主/)).toBeInTheDocument();
    const rows = within(within(dialog).getByTestId('move-out-members')).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual(expect.arrayContaining([expect.stringMatching(/王莹.*留户/)]));
    // Every control is named: the new head's radio group, and each staying member's relation select.
    expect(within(dialog).getByRole('radiogroup', { name: '新户主' })).toBeInTheDocument();
    expect(within(dialog).getByRole('combobox', { name: '王莹与户主关系' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: '准予迁出' }));
    expect(await within(dialog).findByText('请选择新户主')).toBeInTheDocument();
  });
});
