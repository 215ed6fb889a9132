import { beforeAll, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import axe from 'axe-core';
import { aCase } from '../../test/fixtures';
import { codeListMocks, renderWithProviders } from '../../test/render';
import { CaseView } from './CaseDetailPage';
import { loadKindParts } from '../kinds';

// CaseView renders the kind's parts, loaded once as on the case page's first visit.
beforeAll(() => loadKindParts('BIRTH'));

const materials = [{ __typename: 'Material' as const, code: 'M1', name: '证明材料', required: true, description: '', files: [] }];

describe('CaseView', () => {
  it('shows the kind’s panel, the steps and the history', () => {
    renderWithProviders(<CaseView c={aCase()} onRefresh={vi.fn()} />, codeListMocks);
    expect(within(screen.getByTestId('case-details')).getByTestId('ministry-data')).toBeInTheDocument();
    expect(screen.getByText('办理过程')).toBeInTheDocument();
    expect(screen.getByText('当前没有可办理的操作')).toBeInTheDocument();
  });

  it('keeps its sections under the page’s title in the outline, no header left unnamed (axe; #19)', async () => {
    renderWithProviders(<CaseView c={aCase({ materials, canCaptureArchives: true })} onRefresh={vi.fn()} />, codeListMocks);
    await screen.findByTestId('ministry-data');
    // The page's title (h2) is CaseDetailPage's; the case view's sections are level three.
    expect(screen.getAllByRole('heading').every((h) => Number(h.tagName.slice(1)) >= 3)).toBe(true);
    const { violations } = await axe.run(document, { runOnly: { type: 'rule', values: ['heading-order', 'empty-table-header'] } });
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('offers archive capture only where the server allows it (canCaptureArchives)', () => {
    const { unmount } = renderWithProviders(<CaseView c={aCase({ materials, canCaptureArchives: true })} onRefresh={vi.fn()} />, codeListMocks);
    expect(within(screen.getByTestId('material-M1')).getByRole('button', { name: /采集/ })).toBeInTheDocument();
    unmount();
    renderWithProviders(<CaseView c={aCase({ materials, canCaptureArchives: false })} onRefresh={vi.fn()} />, codeListMocks);
    expect(within(screen.getByTestId('material-M1')).queryByRole('button')).toBeNull();
  });
});
