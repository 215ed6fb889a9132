import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { renderWithProviders } from '../../test/render';
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

function renderPanel(canCaptureArchives: boolean) {
  return renderWithProviders(<CaseFilesPanel c={{ ...c, canCaptureArchives }} onChanged={vi.fn()} />, [], signedInStore(['CLERK']));
}

describe('CaseFilesPanel', () => {
  it('lists the materials with required marks and token-carrying thumbnails', () => {
    renderPanel(true);
    const cert = screen.getByTestId('material-BIRTH_CERT');
    expect(within(cert).getByText('必交')).toBeInTheDocument();
    expect(within(cert).getByText('出生医学证明')).toBeInTheDocument();
    const img = within(cert).getByRole('img', { name: '出生医学证明.jpg' });
    expect(img).toHaveAttribute('src', '/files/f1/thumbnail?access_token=tok-123');
    expect(within(cert).getAllByTestId('archive-thumb')).toHaveLength(2);
    const downloads = within(cert).getAllByRole('link', { name: /下载/ });
    expect(downloads[0]).toHaveAttribute('href', '/files/f1?access_token=tok-123&download=1');
    const marriage = screen.getByTestId('material-MARRIAGE');
    expect(within(marriage).getByText('选交')).toBeInTheDocument();
    expect(within(marriage).getByText('尚未采集')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /采集/ })).toHaveLength(2);
  });

  it('lists every form revision, newest first, with view, download and print', () => {
    renderPanel(false);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['第 2 版', '第 1 版']);
    expect(within(rows[0]).getByText('常住人口登记表')).toBeInTheDocument();
    expect(within(rows[0]).getByRole('link', { name: /查看/ })).toHaveAttribute('href', '/files/d2?access_token=tok-123');
    expect(within(rows[0]).getByRole('button', { name: /打印/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /采集/ })).toBeNull();
  });
});
