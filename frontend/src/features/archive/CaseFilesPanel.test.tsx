import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { FileLinksDocument, type FileLinksQuery, type FileLinksQueryVariables } from '../../graphql/generated/graphql';
import { aCase, caseFile, signedInStore } from '../../test/fixtures';
import { CaseFilesPanel } from './CaseFilesPanel';

const c = aCase({
  materials: [
    {
      __typename: 'Material',
      code: 'BIRTH_CERT',
      name: '出生医学证明',
      required: true,
      description: '原件照片或扫描件',
      files: [caseFile({}), caseFile({ id: 'f2', name: '背面.pdf', contentType: 'application/pdf', url: '/files/f2', thumbnailUrl: '/files/f2/thumbnail' })],
    },
    { __typename: 'Material', code: 'MARRIAGE', name: '结婚证', required: false, description: '', files: [] },
  ],
  documents: [
    caseFile({ id: 'd1', category: 'DOCUMENT', materialCode: 'REGISTRATION_FORM', name: 'form-1.pdf', contentType: 'application/pdf', revision: 1, url: '/files/d1' }),
    caseFile({ id: 'd2', category: 'DOCUMENT', materialCode: 'REGISTRATION_FORM', name: 'form-2.pdf', contentType: 'application/pdf', revision: 2, url: '/files/d2' }),
  ],
});

const signed = (id: string) => `?u=u1&exp=1795000000&sig=sig-${id}`;

const linksMock = typedMock<FileLinksQuery, FileLinksQueryVariables>({
  request: { query: FileLinksDocument, variables: { ids: ['f1', 'f2', 'd2', 'd1'] } },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: {
    data: {
      __typename: 'Query',
      fileLinks: ['f1', 'f2', 'd2', 'd1'].map((id) => ({
        __typename: 'FileLink' as const,
        id,
        url: `/files/${id}${signed(id)}`,
        thumbnailUrl: `/files/${id}/thumbnail${signed(id)}`,
        downloadUrl: `/files/${id}${signed(id)}&download=1`,
        expiresAt: '2026-11-25T09:35:00Z',
      })),
    },
  },
});

function renderPanel(canCaptureArchives: boolean) {
  return renderWithProviders(<CaseFilesPanel c={{ ...c, canCaptureArchives }} onChanged={vi.fn()} />, [linksMock], signedInStore(['CLERK']));
}

describe('CaseFilesPanel', () => {
  it('lists the materials with required marks and thumbnails through signed links, no token in a URL', async () => {
    renderPanel(true);
    const cert = screen.getByTestId('material-BIRTH_CERT');
    expect(within(cert).getByText('必交')).toBeInTheDocument();
    expect(within(cert).getByText('出生医学证明')).toBeInTheDocument();
    const img = within(cert).getByRole('img', { name: '出生医学证明.jpg' });
    await waitFor(() => expect(img).toHaveAttribute('src', '/files/f1/thumbnail' + signed('f1')));
    expect(within(cert).getAllByTestId('archive-thumb')).toHaveLength(2);
    const downloads = within(cert).getAllByRole('link', { name: /下载/ });
    expect(downloads[0]).toHaveAttribute('href', '/files/f1' + signed('f1') + '&download=1');
    expect(document.body.innerHTML).not.toContain('tok-123');
    const marriage = screen.getByTestId('material-MARRIAGE');
    expect(within(marriage).getByText('选交')).toBeInTheDocument();
    expect(within(marriage).getByText('尚未采集')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /采集/ })).toHaveLength(2);
  });

  it('names each capture button after its material, and opens a thumbnail from the keyboard', async () => {
    renderPanel(true);
    expect(screen.getAllByRole('button', { name: /^采集/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['采集出生医学证明', '采集结婚证']);
    const thumb = screen.getByRole('button', { name: '预览 出生医学证明.jpg' });
    expect(thumb).toHaveAttribute('tabindex', '0');
    thumb.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(document.querySelector('.ant-image-preview')).not.toBeNull());
  });

  it('lists every form revision, newest first, with view, download and print', async () => {
    renderPanel(false);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['第 2 版', '第 1 版']);
    expect(within(rows[0]).getByText('常住人口登记表')).toBeInTheDocument();
    await waitFor(() => expect(within(rows[0]).getByRole('link', { name: /查看/ })).toHaveAttribute('href', '/files/d2' + signed('d2')));
    expect(within(rows[0]).getByRole('button', { name: /打印/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /采集/ })).toBeNull();
  });

  it('shows the files without links when the server refuses them (a masked role), and no English', async () => {
    const refused = typedMock<FileLinksQuery, FileLinksQueryVariables>({
      request: { query: FileLinksDocument, variables: { ids: ['f1', 'f2', 'd2', 'd1'] } },
      result: { errors: [new GraphQLError('case files show ID numbers…', { extensions: { code: 'FORBIDDEN', reason: 'pii.document' } })] },
    });
    renderWithProviders(<CaseFilesPanel c={{ ...c, canCaptureArchives: false }} onChanged={vi.fn()} />, [refused], signedInStore(['ANALYST']));
    const cert = screen.getByTestId('material-BIRTH_CERT');
    expect(within(cert).getAllByTestId('archive-thumb')).toHaveLength(2);
    await waitFor(() => expect(within(cert).getByRole('img', { name: '出生医学证明.jpg' })).not.toHaveAttribute('src', expect.stringContaining('/files/')));
    expect(document.body.textContent).not.toMatch(/ID numbers/);
  });
});
