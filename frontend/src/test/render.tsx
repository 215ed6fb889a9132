import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { InMemoryCache } from '@apollo/client';
import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import {
  CodeListDocument,
  type CodeListQuery,
  type CodeListQueryVariables,
} from '../graphql/generated/graphql';
import possibleTypes from '../graphql/generated/possible-types';
import { UiProviders } from '../app/Providers';
import { SessionContext } from '../app/context';
import { SessionStore } from '../app/session';

/** typedMock ties a mocked response to an operation's generated data and variables types. */
export function typedMock<TData, TVars extends Record<string, unknown>>(
  m: MockLink.MockedResponse<TData, TVars>,
): MockLink.MockedResponse<TData, TVars> {
  return m;
}

export const codeListMocks = [
  typedMock<CodeListQuery, CodeListQueryVariables>({
    request: { query: CodeListDocument, variables: { kind: 'ETHNICITY' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        codeList: [
          { __typename: 'CodeEntry', code: '01', name: '汉族' },
          { __typename: 'CodeEntry', code: '03', name: '满族' },
        ],
      },
    },
  }),
  typedMock<CodeListQuery, CodeListQueryVariables>({
    request: { query: CodeListDocument, variables: { kind: 'RELATION' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        codeList: [
          { __typename: 'CodeEntry', code: '20', name: '子' },
          { __typename: 'CodeEntry', code: '30', name: '女' },
        ],
      },
    },
  }),
  typedMock<CodeListQuery, CodeListQueryVariables>({
    request: { query: CodeListDocument, variables: { kind: 'SEX' } },
    maxUsageCount: Number.POSITIVE_INFINITY,
    result: {
      data: {
        __typename: 'Query',
        codeList: [
          { __typename: 'CodeEntry', code: '1', name: '男' },
          { __typename: 'CodeEntry', code: '2', name: '女' },
        ],
      },
    },
  }),
];

/** renderWithProviders renders ui with the app's Chinese UI providers, a router and mocked GraphQL. */
export function renderWithProviders(
  ui: ReactElement,
  mocks: ReadonlyArray<MockLink.MockedResponse<unknown, Record<string, unknown>>>,
  store: SessionStore = new SessionStore(),
) {
  return render(
    <SessionContext.Provider value={store}>
      <MockedProvider mocks={mocks} cache={new InMemoryCache({ possibleTypes: possibleTypes.possibleTypes })}>
        <MemoryRouter>
          <UiProviders>{ui}</UiProviders>
        </MemoryRouter>
      </MockedProvider>
    </SessionContext.Provider>,
  );
}
