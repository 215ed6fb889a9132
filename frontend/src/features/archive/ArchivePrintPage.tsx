import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Space, Spin, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { FileLinksDocument } from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { zhCN } from '../../locales/zh-CN';
import { pageUrl } from './PagesViewer';
import { printSize, readDpi, type PrintSize } from './dpi';

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
 * PrintSheet is one page of the print view: the image fetched once through
 * its signed link, shown at its original physical size when it records its
 * resolution (a scan: pixels ÷ dpi), scaled to the paper otherwise (a
 * camera image has no physical size) and whenever it is larger than the
 * paper.
 */
function PrintSheet({ url, onDone }: { url: string; onDone: () => void }) {
  const [shown, setShown] = useState<{ src: string; dpi: number | null } | null>(null);
  const [size, setSize] = useState<PrintSize | null>(null);
  useEffect(() => {
    let cancelled = false;
    let objectUrl = '';
    void (async () => {
      try {
        const res = await fetch(url, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(String(res.status));
        const bytes = new Uint8Array(await res.arrayBuffer());
        const dpi = readDpi(bytes);
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: res.headers.get('Content-Type') ?? '' }));
        if (!cancelled) setShown({ src: objectUrl, dpi });
      } catch {
        if (!cancelled) setShown({ src: url, dpi: null }); // the link itself: the browser shows what it can
      }
    })();
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return (
    <div
      className={size ? 'hukou-print-sheet hukou-print-actual' : 'hukou-print-sheet'}
      data-testid="print-sheet"
      data-print-size={size ? `${size.widthMm.toFixed(1)}x${size.heightMm.toFixed(1)}mm` : 'fit'}
    >
      {shown && (
        <img
          src={shown.src}
          alt=""
          style={size ? { width: `${size.widthMm}mm`, height: `${size.heightMm}mm` } : undefined}
          onLoad={(e) => {
            const img = e.currentTarget;
            if (shown.dpi && img.naturalWidth > 0) setSize(printSize(img.naturalWidth, img.naturalHeight, shown.dpi));
            onDone();
          }}
          onError={onDone}
        />
      )}
    </div>
  );
}

/**
 * ArchivePrintPage prints one archive or a selection (1.4.17): each image on
 * a page of its own at its original size (a scan's resolution, kept through
 * the capture editor, gives its size on paper; scaled down only when larger
 * than the paper, and fitted to the paper when the image records no
 * resolution), through signed links minted for this view (each audited).
 * PDFs print from the browser's PDF viewer, whose pages carry their own
 * size (the search page opens them there). Once every image has loaded the
 * browser's print dialog opens by itself.
 */
export function ArchivePrintPage() {
  const [params] = useSearchParams();
  const items = useMemo(() => printItems(params), [params]);
  const ids = useMemo(() => items.map((i) => i.id), [items]);
  const { data, loading, error } = useQuery(FileLinksDocument, { variables: { ids }, skip: ids.length === 0, fetchPolicy: 'network-only' });
  const [loaded, setLoaded] = useState(0);
  const done = useCallback(() => setLoaded((n) => n + 1), []);
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
        <Typography.Title level={2}>{t.title(ids.length)}</Typography.Title>
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
        <PrintSheet key={p.key} url={p.url} onDone={done} />
      ))}
    </div>
  );
}
