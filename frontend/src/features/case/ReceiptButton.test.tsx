import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FileLinksDocument,
  PrintAcceptanceReceiptDocument,
  type FileLinksQuery,
  type FileLinksQueryVariables,
  type PrintAcceptanceReceiptMutation,
  type PrintAcceptanceReceiptMutationVariables,
} from '../../graphql/generated/graphql';
import { SessionStore } from '../../app/session';
import { birthCase } from '../../test/fixtures';
import { renderWithProviders, typedMock } from '../../test/render';
import { ReceiptButton } from './ReceiptButton';

function storeFor(roles: string[]) {
  const store = new SessionStore();
  const user = { __typename: 'User', id: 'u1', username: 'clerk', displayName: '王警官', roles, office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' } };
  store.set({ accessToken: 'tok', accessExpiresAt: '2099-01-01T00:00:00Z', user: user as never });
  return store;
}

const printed = typedMock<PrintAcceptanceReceiptMutation, PrintAcceptanceReceiptMutationVariables>({
  request: { query: PrintAcceptanceReceiptDocument, variables: { id: 'case-1' } },
  result: {
    data: {
      __typename: 'Mutation',
      printAcceptanceReceipt: {
        __typename: 'CaseFile', id: 'r1', category: 'DOCUMENT', materialCode: 'ACCEPTANCE_RECEIPT', name: '受理回执-X1.pdf', contentType: 'application/pdf',
        size: 1000, pages: 1, revision: 1, url: '/files/r1', thumbnailUrl: '/files/r1/thumbnail', createdBy: 'clerk', createdAt: '2026-12-10T01:00:00Z', version: 1,
      },
    },
  },
});
const link = typedMock<FileLinksQuery, FileLinksQueryVariables>({
  request: { query: FileLinksDocument, variables: { ids: ['r1'] } },
  result: {
    data: {
      __typename: 'Query',
      fileLinks: [{ __typename: 'FileLink', id: 'r1', url: '/files/r1?sig=x', thumbnailUrl: '', downloadUrl: '', expiresAt: '2099-01-01T00:00:00Z' }],
    },
  },
});

afterEach(() => vi.restoreAllMocks());

describe('the acceptance receipt button (issue 19 item 5)', () => {
  it('prints the receipt of the acceptance office’s case and opens it for printing', async () => {
    const u = userEvent.setup();
    const win = { closed: false, close: vi.fn(), location: { href: 'about:blank' } };
    vi.spyOn(window, 'open').mockReturnValue(win as unknown as Window);
    const onPrinted = vi.fn();
    renderWithProviders(<ReceiptButton c={birthCase({ id: 'case-1', side: 'ACCEPTANCE' })} onPrinted={onPrinted} />, [printed, link], storeFor(['CLERK']));
    await u.click(screen.getByRole('button', { name: /打印受理回执/ }));
    await waitFor(() => expect(win.location.href).toBe('/files/r1?sig=x'));
    expect(onPrinted).toHaveBeenCalled();
    expect(win.close).not.toHaveBeenCalled();
  });

  it('is not offered on the registration office’s copy nor to other roles', () => {
    renderWithProviders(<ReceiptButton c={birthCase({ side: 'REGISTRATION' })} />, [], storeFor(['CLERK']));
    expect(screen.queryByRole('button', { name: /打印受理回执/ })).not.toBeInTheDocument();
    renderWithProviders(<ReceiptButton c={birthCase({ side: 'ACCEPTANCE' })} />, [], storeFor(['OFFICER', 'ANALYST']));
    expect(screen.queryByRole('button', { name: /打印受理回执/ })).not.toBeInTheDocument();
  });
});
