import { useState } from 'react';
import { Alert, Button, Card, Empty, Image, List, Space, Table, Tag, Typography } from 'antd';
import { CameraOutlined, DownloadOutlined, EyeOutlined, FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import type { CaseFileInfoFragment, CaseFilesFragment, FileLinkInfoFragment } from '../../graphql/generated/graphql';
import { openForPrint, useFileLinks } from '../../lib/files';
import { formatTime } from '../../lib/format';
import { usePageErrors } from '../../lib/pageErrors';
import { zhCN } from '../../locales/zh-CN';
import { ArchiveCapture } from './ArchiveCapture';
import { PagesViewer } from './PagesViewer';
import { formatBytes } from './imageEdit';

const t = zhCN.files;
const thumb = 96;

type Material = CaseFilesFragment['materials'][number];

/** hasChinese: the Ministry's descriptions are shown only when they are written in Chinese (some lists carry English notes). */
function hasChinese(s: string): boolean {
  return /[\u4e00-\u9fff]/.test(s);
}

/** documentLabel names a generated document kind in Chinese. */
export function documentLabel(kind: string): string {
  return t.documentKinds[kind] ?? kind;
}

function ArchiveThumb({ f, link }: { f: CaseFileInfoFragment; link: FileLinkInfoFragment | undefined }) {
  const isPdf = f.contentType === 'application/pdf';
  return (
    <div style={{ width: thumb, textAlign: 'center' }} data-testid="archive-thumb">
      {isPdf ? (
        <a href={link?.url} target="_blank" rel="noreferrer" title={f.name}>
          <div
            style={{ width: thumb, height: thumb, border: '1px solid #f0f0f0', borderRadius: 4, display: 'flex',
              alignItems: 'center', justifyContent: 'center', background: '#fafafa' }}
          >
            <FilePdfOutlined style={{ fontSize: 36, color: '#cf1322' }} />
          </div>
        </a>
      ) : (
        // antd's thumbnail opens its preview on a click only: Enter and Space click it, so the keyboard reaches it too.
        <div
          role="button"
          tabIndex={0}
          className="hukou-thumb"
          aria-label={t.previewOf(f.name)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' && e.key !== ' ') return;
            e.preventDefault();
            e.currentTarget.querySelector('img')?.click();
          }}
        >
          <Image
            width={thumb}
            height={thumb}
            style={{ objectFit: 'cover', borderRadius: 4, border: '1px solid #f0f0f0' }}
            src={link?.thumbnailUrl}
            alt={f.name}
            preview={{ src: link?.url, mask: <span><EyeOutlined /> {t.preview}</span> }}
          />
        </div>
      )}
      <Typography.Text ellipsis style={{ display: 'block', fontSize: 12, width: thumb }} title={f.name}>
        {f.name}
      </Typography.Text>
      <PagesViewer name={f.name} pages={f.pages} link={link} />
      <a href={link?.downloadUrl} style={{ fontSize: 12, display: 'block' }}>
        <DownloadOutlined /> {t.download}
      </a>
    </div>
  );
}

type PanelCase = CaseFilesFragment & { id: string; status: string; canCaptureArchives: boolean };

interface Props {
  /** The case: its materials and documents, its status, and whether the server lets the user capture archives now. */
  c: PanelCase;
  /** Reloads the case; what it returns is awaited before the capture dialog closes. */
  onChanged: () => unknown;
}

/** missingRequired names the required materials without an archive, in list order. */
export function missingRequired(c: Pick<CaseFilesFragment, 'materials'>): string[] {
  return c.materials.filter((m) => m.required && m.files.length === 0).map((m) => m.name);
}

/**
 * captureNote says why capture is not offered (canCaptureArchives is false),
 * by the statuses every kind shares: a closed case; a draft (the user's role
 * cannot capture); otherwise the materials went with the application and are
 * frozen. Null while capture is open.
 */
export function captureNote(c: Pick<PanelCase, 'status' | 'canCaptureArchives'>): string | null {
  if (c.canCaptureArchives) return null;
  switch (c.status) {
    case 'CLOSED':
    case 'COMPLETED':
      return t.captureClosed;
    case 'DRAFT':
      return t.captureNoRole;
    default:
      return t.captureFrozen;
  }
}

/**
 * CaseFilesPanel lists the Ministry's materials with their archives (1.4.1,
 * 1.4.10, 1.4.18) and the documents the case generated (1.4.17). Capture is
 * offered only where the server says so (canCaptureArchives).
 */
export function CaseFilesPanel({ c, onChanged }: Props) {
  const canCapture = c.canCaptureArchives;
  const note = captureNote(c);
  const page = usePageErrors();
  const materialsError = page.errors.materials;
  const missing = missingRequired(c);
  const [capturing, setCapturing] = useState<Material | null>(null);
  const docs = [...c.documents].sort((a, b) =>
    a.materialCode === b.materialCode ? b.revision - a.revision : a.materialCode.localeCompare(b.materialCode),
  );
  const links = useFileLinks([...c.materials.flatMap((m) => m.files.map((f) => f.id)), ...docs.map((d) => d.id)]);

  return (
    <Card title={t.title} data-testid="case-files">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t.materials}
      </Typography.Title>
      {note && (
        <Alert type="info" showIcon message={note} style={{ marginBottom: 12 }} data-testid="capture-note" />
      )}
      {materialsError && (
        <Alert
          type="error"
          showIcon
          message={materialsError}
          description={missing.length > 0 ? t.missingRequired(missing.join('、')) : undefined}
          style={{ marginBottom: 12 }}
          data-testid="materials-error"
        />
      )}
      <Image.PreviewGroup>
        <List<Material>
          size="small"
          bordered
          dataSource={c.materials}
          locale={{ emptyText: zhCN.app.empty }}
          renderItem={(m) => (
            <List.Item
              key={m.code}
              data-testid={`material-${m.code}`}
              extra={
                canCapture ? (
                  <Button size="small" icon={<CameraOutlined />} aria-label={t.captureOf(m.name)} onClick={() => setCapturing(m)}>
                    {t.capture}
                  </Button>
                ) : null
              }
            >
              <Space direction="vertical" size={6} style={{ width: '100%' }}>
                <Space size={6} wrap>
                  {m.required ? <Tag color="red">{t.required}</Tag> : <Tag>{t.optional}</Tag>}
                  <Typography.Text strong>{m.name}</Typography.Text>
                  {hasChinese(m.description) && <Typography.Text type="secondary">{m.description}</Typography.Text>}
                </Space>
                {m.files.length === 0 ? (
                  <Typography.Text type={m.required ? (materialsError ? 'danger' : 'warning') : 'secondary'}>{t.noArchive}</Typography.Text>
                ) : (
                  <Space wrap size={12} align="start">
                    {m.files.map((f) => (
                      <ArchiveThumb key={f.id} f={f} link={links.get(f.id)} />
                    ))}
                  </Space>
                )}
              </Space>
            </List.Item>
          )}
        />
      </Image.PreviewGroup>

      <Typography.Title level={3}>{t.documents}</Typography.Title>
      <Table<CaseFileInfoFragment>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={docs}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noDocuments} /> }}
        columns={[
          { title: t.docName, key: 'kind', render: (_, d) => t.documentKinds[d.materialCode] ?? d.name },
          { title: t.revision, key: 'rev', width: 90, render: (_, d) => t.revisionN(d.revision) },
          { title: t.createdAt, key: 'at', width: 170, render: (_, d) => formatTime(d.createdAt) },
          { title: t.size, key: 'size', width: 90, render: (_, d) => formatBytes(d.size) },
          {
            title: t.operations,
            key: 'ops',
            width: 220,
            render: (_, d) => {
              const link = links.get(d.id);
              return (
                <Space size={4}>
                  <Button size="small" type="link" icon={<EyeOutlined />} href={link?.url} target="_blank" disabled={!link}>
                    {t.view}
                  </Button>
                  <Button size="small" type="link" icon={<DownloadOutlined />} href={link?.downloadUrl} disabled={!link}>
                    {t.download}
                  </Button>
                  <Button size="small" type="link" icon={<PrinterOutlined />} disabled={!link} onClick={() => link && openForPrint(link.url)}>
                    {t.print}
                  </Button>
                </Space>
              );
            },
          },
        ]}
      />
      {capturing && (
        <ArchiveCapture
          caseId={c.id}
          materialCode={capturing.code}
          materialName={capturing.name}
          onClose={() => setCapturing(null)}
          onUploaded={() => {
            page.clear('materials');
            return onChanged();
          }}
        />
      )}
    </Card>
  );
}
