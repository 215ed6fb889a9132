import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import {
  QueryExportDownloadDocument,
  QueryExportProgressDocument,
  type QueryExportDownloadQuery,
  type QueryExportDownloadQueryVariables,
  type QueryExportInfoFragment,
  type QueryExportProgressSubscription,
  type QueryExportProgressSubscriptionVariables,
} from '../../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../../test/render';
import { BackgroundExportNeeded, exportQuery } from './exportQuery';
import { ExportJob, exportPercent } from './ExportJob';

// Background exports (issue 15): progress, then the download link, in Chinese.
const job: QueryExportInfoFragment = {
  __typename: 'QueryExport',
  id: 'e1',
  source: 'BIRTH',
  format: 'XLSX',
  state: 'QUEUED',
  total: 80000,
  rows: 0,
  error: null,
  expiresAt: null,
};

describe('exportPercent', () => {
  it('is the share of rows written, 100 only once done', () => {
    expect(exportPercent({ state: 'RUNNING', rows: 40000, total: 80000 })).toBe(50);
    expect(exportPercent({ state: 'RUNNING', rows: 80000, total: 80000 })).toBe(99);
    expect(exportPercent({ state: 'DONE', rows: 80000, total: 80000 })).toBe(100);
    expect(exportPercent({ state: 'QUEUED', rows: 0, total: 0 })).toBe(0);
  });
});

describe('exportQuery', () => {
  it('turns the server’s “too large to stream” answer into BackgroundExportNeeded', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(JSON.stringify({ code: 'BAD_USER_INPUT', reason: 'query.export_background', message: 'x' }), { status: 400 }))));
    await expect(exportQuery('tok', { source: 'BIRTH', condition: null, columns: [], sort: { field: 'updatedAt', descending: true }, format: 'CSV' }))
      .rejects.toBeInstanceOf(BackgroundExportNeeded);
    vi.unstubAllGlobals();
  });
});

describe('ExportJob', () => {
  it('shows the progress, then the download link once done', async () => {
    const mocks = [
      typedMock<QueryExportProgressSubscription, QueryExportProgressSubscriptionVariables>({
        request: { query: QueryExportProgressDocument, variables: { id: 'e1' } },
        result: { data: { __typename: 'Subscription', queryExportProgress: { ...job, state: 'DONE', rows: 80000 } } },
      }),
      typedMock<QueryExportDownloadQuery, QueryExportDownloadQueryVariables>({
        request: { query: QueryExportDownloadDocument, variables: { id: 'e1' } },
        result: {
          data: {
            __typename: 'Query',
            queryExport: { ...job, state: 'DONE', rows: 80000, expiresAt: '2026-11-27T08:00:00Z', sha256: 'ab', downloadUrl: '/exports/query/e1?sig=x' },
          },
        },
      }),
    ];
    renderWithProviders(<ExportJob job={job} onClose={() => {}} />, mocks);
    expect(await screen.findByText('已完成')).toBeTruthy();
    expect(screen.getByText('已导出 80000 / 80000 条')).toBeTruthy();
    const link = await screen.findByRole('link', { name: /下载文件/ });
    expect(link.getAttribute('href')).toBe('/exports/query/e1?sig=x');
  });

  it('tells a failure', async () => {
    const mocks = [
      typedMock<QueryExportProgressSubscription, QueryExportProgressSubscriptionVariables>({
        request: { query: QueryExportProgressDocument, variables: { id: 'e1' } },
        result: { data: { __typename: 'Subscription', queryExportProgress: { ...job, state: 'FAILED', error: '导出失败，请重新导出' } } },
      }),
    ];
    renderWithProviders(<ExportJob job={job} onClose={() => {}} />, mocks);
    expect(await screen.findByText('导出失败，请重新导出')).toBeTruthy();
    expect(screen.queryByRole('link', { name: /下载文件/ })).toBeNull();
  });
});
