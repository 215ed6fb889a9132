import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Space, Spin, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { FileLinksDocument } from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { zhCN } from '../../locales/zh-CN';
import { pageUrl } from './PagesViewer';

const t = zhCN.archivePrint;

/** PrintItem is an archive to print and how many pages it has. */
export interface PrintItem {
  id: string;
  pages: number;
}

/** printItems reads the archives to print from the address (?ids=a,b*3,…: b has 3 pages), at most 100 (the server's limit per request). */
export function printItems(params: URLSearchParams): PrintItem[] {
  return (params.get('ids') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 100)
    .map((s) => {
      const [id, n] = s.split('*');
      return { id, pages: Math.min(Math.max(Number(n) || 1, 1), 50) };
    });
}

/**
 * ArchivePrintPage prints one archive or a selection (1.4.17): each image on
 * a page of its own at its own size (scaled down only when larger than the
 * paper), through signed links minted for this view (each audited). PDFs
 * print from the browser's PDF viewer (the search page opens them there).
 * Once every image has loaded the browser's print dialog opens by itself.
 */
export function ArchivePrintPage() {
  const [params] = useSearchParams();
  const items = useMemo(() => printItems(params), [params]);
  const ids = useMemo(() => items.map((i) => i.id), [items]);
  const { data, loading, error } = useQuery(FileLinksDocument, { variables: { ids }, skip: ids.length === 0, fetchPolicy: 'network-only' });
  const [loaded, setLoaded] = useState(0);
  const sheets = (data?.fileLinks ?? []).flatMap((l) =>
    Array.from({ length: items.find((i) => i.id === l.id)?.pages ?? 1 }, (_, k) => ({ key: `${l.id}-${k + 1}`, url: pageUrl(l, k + 1) })),
  );
  const ready = sheets.length > 0 && loaded >= sheets.length;
  useEffect(() => {
    if (ready && params.get('auto') !== '0') window.print();
  }, [ready, params]);

  return (
    <div className="hukou-page">
      <div className="hukou-no-print">
        <Typography.Title level={3}>{t.title(ids.length)}</Typography.Title>
        <Space style={{ marginBottom: 16 }} wrap>
          <Button type="primary" icon={<PrinterOutlined />} disabled={!ready} onClick={() => window.print()}>
            {t.print}
          </Button>
          <Typography.Text type="secondary">{t.hint}</Typography.Text>
        </Space>
        {ids.length === 0 && <Alert type="info" showIcon message={t.none} />}
        {error && <QueryErrorAlert error={error} />}
        {loading && <Spin />}
      </div>
      {sheets.map((p) => (
        <div className="hukou-print-sheet" key={p.key} data-testid="print-sheet">
          <img src={p.url} alt="" onLoad={() => setLoaded((n) => n + 1)} onError={() => setLoaded((n) => n + 1)} />
        </div>
      ))}
    </div>
  );
}
