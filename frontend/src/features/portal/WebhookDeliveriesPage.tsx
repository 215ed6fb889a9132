// Webhook deliveries (issue 18 item 2), for ADMIN: each notification to a
// portal with its status and attempts; dead letters (retries exhausted) are
// sent again from here.
import { useState } from 'react';
import { Button, Card, Segmented, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  ReplayWebhookDeliveryDocument,
  WebhookDeliveriesDocument,
  type WebhookDeliveryItemFragment,
  type WebhookStatus,
} from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from '../admin/useAdminAction';

const t = zhCN.portal.deliveries;
const colours: Record<string, string> = { PENDING: 'blue', DELIVERED: 'green', DEAD: 'red' };

export function WebhookDeliveriesPage() {
  const [status, setStatus] = useState<WebhookStatus | 'ALL'>('DEAD');
  const { data, loading, error, refetch } = useQuery(WebhookDeliveriesDocument, {
    variables: { status: status === 'ALL' ? null : status },
    fetchPolicy: 'network-only',
  });
  const run = useAdminAction(() => void refetch());
  const [replay] = useMutation(ReplayWebhookDeliveryDocument);

  const columns: ColumnsType<WebhookDeliveryItemFragment> = [
    { title: t.createdAt, dataIndex: 'createdAt', width: 170, render: formatTime },
    { title: t.application, dataIndex: 'applicationId', render: (v: string | null) => <span className="hukou-mono">{v ?? ''}</span> },
    { title: t.seq, dataIndex: 'seq', width: 70 },
    { title: t.status, dataIndex: 'status', width: 100, render: (s: string) => <Tag color={colours[s]}>{t.statuses[s] ?? s}</Tag> },
    { title: t.attempts, dataIndex: 'attempts', width: 100 },
    { title: t.lastError, dataIndex: 'lastError', render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.deliveredAt, dataIndex: 'deliveredAt', width: 170, render: formatTime },
    {
      // Named for screen readers (axe empty-table-header), not shown.
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'actions',
      width: 110,
      render: (_, d) =>
        d.status === 'DEAD' && (
          <Button size="small" onClick={() => void run(() => replay({ variables: { id: d.id } }), t.replayed).then(() => void refetch())}>
            {t.replay}
          </Button>
        ),
    },
  ];

  return (
    <Card title={t.title}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <Segmented<WebhookStatus | 'ALL'>
        aria-label={t.status}
        value={status}
        onChange={setStatus}
        options={[
          { value: 'DEAD', label: t.statuses.DEAD },
          { value: 'PENDING', label: t.statuses.PENDING },
          { value: 'DELIVERED', label: t.statuses.DELIVERED },
          { value: 'ALL', label: t.all },
        ]}
        style={{ marginBottom: 16 }}
      />
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<WebhookDeliveryItemFragment>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.webhookDeliveries ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t.empty }}
      />
    </Card>
  );
}
