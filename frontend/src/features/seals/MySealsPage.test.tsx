import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import {
  ChooseSealDocument,
  MySealsDocument,
  type ChooseSealMutation,
  type ChooseSealMutationVariables,
  type MySealFragment,
  type MySealsQuery,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { MySealsPage } from './MySealsPage';

const seal = (id: string, name: string, status: MySealFragment['status'], chosenAt: string | null = null): MySealFragment => ({
  __typename: 'ElectronicSeal',
  id,
  name,
  imageDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
  validFrom: '2026-11-26T00:00:00Z',
  validTo: '2028-11-25T00:00:00Z',
  status,
  chosenAt,
});

const newest = seal('ES2', '王警官（新）', 'VALID');
const older = seal('ES1', '王警官', 'VALID');
const revoked = seal('ES0', '王警官（旧）', 'REVOKED');

const list = (signing: string): MySealsQuery => ({
  __typename: 'Query',
  mySeals: { __typename: 'MySeals', seals: [newest, older, revoked], signing: { __typename: 'ElectronicSeal', id: signing } },
});

// 5.1.2 seal picker: the operator sees which seal signs, chooses another, and a refused choice says why in Chinese.
describe('MySealsPage', () => {
  it('marks the signing seal, chooses another, and shows why a revoked seal is refused', async () => {
    const user = userEvent.setup();
    const mocks = [
      typedMock<MySealsQuery, Record<string, never>>({ request: { query: MySealsDocument }, result: { data: list('ES2') } }),
      typedMock<ChooseSealMutation, ChooseSealMutationVariables>({
        request: { query: ChooseSealDocument, variables: { sealId: 'ES0' } },
        result: { errors: [new GraphQLError('revoked', { extensions: { code: 'CONFLICT', field: 'sealId', reason: 'seal.revoked' } })] },
      }),
      typedMock<ChooseSealMutation, ChooseSealMutationVariables>({
        request: { query: ChooseSealDocument, variables: { sealId: 'ES1' } },
        result: { data: { __typename: 'Mutation', chooseSeal: { ...older, chosenAt: '2026-12-06T08:00:00Z' } } },
      }),
      typedMock<MySealsQuery, Record<string, never>>({ request: { query: MySealsDocument }, result: { data: list('ES1') } }),
    ];
    renderWithProviders(<MySealsPage />, mocks);
    const row = (await screen.findByText('王警官（新）')).closest('tr') as HTMLElement;
    expect(within(row).getByText('签章使用中')).toBeInTheDocument();
    expect(within(row).queryByRole('button')).toBeNull();
    expect(screen.getByText('已吊销')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '选用此章：王警官（旧）' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('电子印章已被吊销，请联系管理员重新申请');

    await user.click(screen.getByRole('button', { name: '选用此章：王警官' }));
    expect(await screen.findByText('已选用该印章，此后打印的文书加盖此章')).toBeInTheDocument();
    const chosen = (await screen.findByText('王警官')).closest('tr') as HTMLElement;
    expect(await within(chosen).findByText('签章使用中')).toBeInTheDocument();
  });

  it('tells an operator without personal seals whom to ask', async () => {
    const none: MySealsQuery = { __typename: 'Query', mySeals: { __typename: 'MySeals', seals: [], signing: null } };
    renderWithProviders(<MySealsPage />, [typedMock<MySealsQuery, Record<string, never>>({ request: { query: MySealsDocument }, result: { data: none } })]);
    expect(await screen.findByText('您还没有个人名章，请联系系统管理员申请')).toBeInTheDocument();
  });
});
