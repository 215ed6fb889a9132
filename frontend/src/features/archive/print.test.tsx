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

/** scanPng is the start of a PNG that records dpi in its pHYs chunk, as scanimage writes it. */
function scanPng(dpi: number): Uint8Array {
  const ppm = Math.round(dpi / 0.0254);
  const be = [ppm >>> 24, (ppm >> 16) & 0xff, (ppm >> 8) & 0xff, ppm & 0xff];
  const ihdr = [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 6, 0x76, 0, 0, 9, 0x23, 8, 2, 0, 0, 0, 0, 0, 0, 0];
  const phys = [0, 0, 0, 9, 0x70, 0x48, 0x59, 0x73, ...be, ...be, 1, 0, 0, 0, 0];
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...ihdr, ...phys]);
}

describe('ArchivePrintPage', () => {
  it('shows each archive on a sheet of its own at its original size, and opens the print dialog once all have loaded', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    // a1 is a scan at 200 dpi (an A4 page of 1654 × 2339 pixels); a2's pages record no resolution (a camera's).
    const fetched: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation((input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      fetched.push(url);
      const body = url.includes('a1') ? scanPng(200) : new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
      return Promise.resolve(new Response(body as Uint8Array<ArrayBuffer>));
    });
    let n = 0;
    const created = new Map<string, string>();
    URL.createObjectURL = vi.fn(() => {
      const u = `blob:sheet-${++n}`;
      created.set(u, fetched[n - 1]);
      return u;
    });
    URL.revokeObjectURL = vi.fn();
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
    await waitFor(() => expect(sheets.every((s) => s.querySelector('img'))).toBe(true));
    const imgs = sheets.map((s) => s.querySelector('img')!);
    // Each page fetched once through its signed link (one audited read), shown from memory.
    expect(imgs.map((i) => created.get(i.getAttribute('src')!))).toEqual(['/files/a1?sig=s-a1', '/files/a2?sig=s-a2', '/files/a2?sig=s-a2&page=2']);
    expect(print).not.toHaveBeenCalled();
    for (const img of imgs) {
      Object.defineProperty(img, 'naturalWidth', { value: 1654 });
      Object.defineProperty(img, 'naturalHeight', { value: 2339 });
      fireEvent.load(img);
    }
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    // 1.4.17: the scan at 210 × 297 mm on paper; the camera images fitted to the paper.
    expect(sheets.map((s) => s.getAttribute('data-print-size'))).toEqual(['210.1x297.1mm', 'fit', 'fit']);
    expect(parseFloat(imgs[0].style.width)).toBeCloseTo(210.06, 2);
    expect(imgs[0].style.width).toMatch(/mm$/);
    expect(imgs[1].style.width).toBe('');
  });
});
