import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes, useNavigate } from 'react-router';
import { useEffect } from 'react';
import { FileLinksDocument, type FileLinksQuery, type FileLinksQueryVariables } from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { caseFile, signedInStore } from '../../test/fixtures';
import { ArchivePrintPage, printItems } from './ArchivePrintPage';
import { printArchives } from './print';

function link(id: string) {
  return {
    __typename: 'FileLink' as const,
    id,
    url: `/files/${id}?sig=s-${id}`,
    thumbnailUrl: `/files/${id}/thumbnail?sig=s-${id}`,
    downloadUrl: `/files/${id}?sig=s-${id}&download=1`,
    expiresAt: '2026-11-25T09:35:00Z',
  };
}

function Go({ to }: { to: string }) {
  const navigate = useNavigate();
  useEffect(() => void navigate(to), [navigate, to]);
  return null;
}

afterEach(() => vi.restoreAllMocks());

describe('printItems', () => {
  it('reads at most 100 archives from the address, with their pages', () => {
    expect(printItems(new URLSearchParams('ids=a,%20b*3,,c'))).toEqual([
      { id: 'a', pages: 1 },
      { id: 'b', pages: 3 },
      { id: 'c', pages: 1 },
    ]);
    expect(printItems(new URLSearchParams(''))).toEqual([]);
    expect(printItems(new URLSearchParams(`ids=${Array.from({ length: 120 }, (_, i) => `f${i}`).join(',')}`))).toHaveLength(100);
  });
});

describe('printArchives', () => {
  it('sends the images to the print view together and each PDF to the browser viewer', () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const img1 = caseFile({ id: 'i1' });
    const img2 = caseFile({ id: 'i2', pages: 2 });
    const pdf = caseFile({ id: 'p1', contentType: 'application/pdf' });
    printArchives([{ file: img1 }, { file: pdf }, { file: img2 }] as never, new Map([['p1', link('p1')]]));
    expect(open).toHaveBeenCalledWith('/archives/print?ids=i1,i2*2', '_blank', 'noopener');
    expect(open).toHaveBeenCalledWith('/files/p1?sig=s-p1', '_blank', 'noopener');
  });
});

describe('ArchivePrintPage', () => {
  it('shows each archive on a sheet of its own at its own size, and opens the print dialog once all have loaded', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    const links = typedMock<FileLinksQuery, FileLinksQueryVariables>({
      request: { query: FileLinksDocument, variables: { ids: ['a1', 'a2'] } },
      result: { data: { __typename: 'Query', fileLinks: [link('a1'), link('a2')] } },
    });
    renderWithProviders(
      <>
        <Go to="/archives/print?ids=a1,a2*2" />
        <Routes>
          <Route path="/archives/print" element={<ArchivePrintPage />} />
          <Route path="*" element={null} />
        </Routes>
      </>,
      [links],
      signedInStore(['ARCHIVIST']),
    );
    expect(await screen.findByText('打印档案（2 份）')).toBeInTheDocument();
    const sheets = await screen.findAllByTestId('print-sheet');
    expect(sheets).toHaveLength(3);
    const imgs = sheets.map((s) => s.querySelector('img')!);
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(['/files/a1?sig=s-a1', '/files/a2?sig=s-a2', '/files/a2?sig=s-a2&page=2']);
    expect(print).not.toHaveBeenCalled();
    for (const img of imgs) fireEvent.load(img);
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
  });
});
