import { useState } from 'react';
import { Button, Image, Modal, Pagination, Space, Typography } from 'antd';
import { FileImageOutlined } from '@ant-design/icons';
import type { FileLinkInfoFragment } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.pages;

/** pageUrl is the signed link to page n (1, 2, …) of a multi-page archive. */
export function pageUrl(link: Pick<FileLinkInfoFragment, 'url'>, n: number): string {
  if (n <= 1) return link.url;
  return `${link.url}${link.url.includes('?') ? '&' : '?'}page=${n}`;
}

/**
 * PagesViewer pages through a multi-page archive (several images as one
 * material, issue 16 item 5) at its own size: a button "共 n 页" that opens
 * the pages one at a time.
 */
export function PagesViewer({ name, pages, link, size = 'small' }: { name: string; pages: number; link: FileLinkInfoFragment | undefined; size?: 'small' | 'middle' }) {
  const [open, setOpen] = useState(false);
  const [n, setN] = useState(1);
  if (pages < 2) return null;
  return (
    <>
      <Button size={size} type="link" icon={<FileImageOutlined />} disabled={!link} onClick={() => setOpen(true)} data-testid="pages-open" style={{ padding: 0 }}>
        {t.count(pages)}
      </Button>
      <Modal open={open} width={820} title={t.title(name)} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        {link && (
          <Space direction="vertical" align="center" style={{ width: '100%' }}>
            <Image src={pageUrl(link, n)} alt={t.pageAlt(n)} style={{ maxHeight: 560, objectFit: 'contain' }} data-testid="pages-image" />
            <Pagination current={n} total={pages} pageSize={1} onChange={setN} simple={{ readOnly: true }} />
            <Typography.Text type="secondary">{t.of(n, pages)}</Typography.Text>
          </Space>
        )}
      </Modal>
    </>
  );
}
