// The progress and the download of a background export (issue 15, 1.5.x): the server's subscription tells the
// rows written; once done, a signed link (for this user, valid a few minutes) downloads the file.
import { Alert, Button, Modal, Progress, Space, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery, useSubscription } from '@apollo/client/react';
import {
  QueryExportDownloadDocument,
  QueryExportProgressDocument,
  type QueryExportInfoFragment,
} from '../../graphql/generated/graphql';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.queryExport;

/** exportPercent is the share of rows written, 100 once done. */
export function exportPercent(e: Pick<QueryExportInfoFragment, 'state' | 'rows' | 'total'>): number {
  if (e.state === 'DONE') return 100;
  if (e.total <= 0) return 0;
  return Math.min(99, Math.floor((100 * e.rows) / e.total));
}

/** ExportJob shows a started background export in a dialog until it is closed. */
export function ExportJob({ job, onClose }: { job: QueryExportInfoFragment; onClose: () => void }) {
  const progress = useSubscription(QueryExportProgressDocument, { variables: { id: job.id } });
  const e = progress.data?.queryExportProgress ?? job;
  const done = e.state === 'DONE';
  const download = useQuery(QueryExportDownloadDocument, {
    variables: { id: job.id },
    skip: !done,
    fetchPolicy: 'network-only',
  });
  const file = download.data?.queryExport;
  return (
    <Modal
      open
      title={t.title}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t.close}</Button>}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t.states[e.state] ?? e.state}</Typography.Text>
        <Progress
          percent={exportPercent(e)}
          status={e.state === 'FAILED' ? 'exception' : done ? 'success' : 'active'}
          aria-label={t.progress(e.rows, e.total)}
        />
        <Typography.Text type="secondary">{t.progress(e.rows, e.total)}</Typography.Text>
        {e.state === 'FAILED' && <Alert type="error" showIcon message={e.error ?? t.states.FAILED} />}
        {file?.downloadUrl && (
          <Space direction="vertical">
            <Button type="primary" icon={<DownloadOutlined />} href={file.downloadUrl} download>
              {t.download}
            </Button>
            {file.expiresAt && <Typography.Text type="secondary">{t.expires(formatTime(file.expiresAt))}</Typography.Text>}
          </Space>
        )}
      </Space>
    </Modal>
  );
}
