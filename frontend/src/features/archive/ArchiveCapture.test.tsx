import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../test/render';
import { caseFile, signedInStore } from '../../test/fixtures';
import { ArchiveCapture } from './ArchiveCapture';

afterEach(() => vi.unstubAllGlobals());

function png(name: string, bytes = 10): File {
  return new File([new Uint8Array(bytes)], name, { type: 'image/png' });
}

describe('ArchiveCapture', () => {
  it('captures several images as one material: the first as file, the others as morePages (issue 16 item 5)', async () => {
    const user = userEvent.setup();
    const sent: FormData[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        sent.push(init.body as FormData);
        return Promise.resolve(new Response(JSON.stringify({ data: { uploadArchive: { ...caseFile({}), pages: 3 } } })));
      }),
    );
    const onUploaded = vi.fn();
    const onClose = vi.fn();
    renderWithProviders(
      <ArchiveCapture caseId="Q2FzZTox" materialCode="BIRTH_CERT" materialName="出生医学证明" onClose={onClose} onUploaded={onUploaded} />,
      [],
      signedInStore(['CLERK']),
    );
    const input = screen.getByTestId('archive-file');
    fireEvent.change(input, { target: { files: [png('第1页.png'), png('第2页.png')] } });
    fireEvent.change(input, { target: { files: [png('第3页.png'), png('第4页.png')] } });
    const pages = await screen.findByTestId('archive-pages');
    expect(pages).toHaveTextContent('已添加 4 页');
    // A page can be taken out again.
    const third = within(pages).getByText(/第 3 页 · 第3页\.png/).closest('.ant-tag') as HTMLElement;
    await user.click(third.querySelector('.ant-tag-close-icon') as HTMLElement);
    expect(pages).toHaveTextContent('已添加 3 页');
    await user.click(screen.getByRole('button', { name: /上\s*传/ }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onUploaded).toHaveBeenCalled();
    const form = sent[0];
    const ops = JSON.parse(form.get('operations') as string) as { variables: Record<string, unknown> };
    expect(ops.variables).toMatchObject({ caseId: 'Q2FzZTox', materialCode: 'BIRTH_CERT', file: null, morePages: [null, null] });
    expect(JSON.parse(form.get('map') as string)).toEqual({ '0': ['variables.file'], '1': ['variables.morePages.0'], '2': ['variables.morePages.1'] });
    expect((form.get('0') as File).name).toBe('第1页.png');
    expect((form.get('2') as File).name).toBe('第4页.png');
  });

  it('refuses a PDF among pages: a PDF is captured alone', async () => {
    renderWithProviders(
      <ArchiveCapture caseId="c" materialCode="M" materialName="材料" onClose={vi.fn()} onUploaded={vi.fn()} />,
      [],
      signedInStore(['CLERK']),
    );
    fireEvent.change(screen.getByTestId('archive-file'), {
      target: { files: [png('a.png'), new File(['%PDF-1.4'], 'b.pdf', { type: 'application/pdf' })] },
    });
    expect(await screen.findByText('PDF 文件须单独上传，不能与图像合为一份材料')).toBeInTheDocument();
  });
});
