import { useState } from 'react';
import { Alert, Button, Card, Image, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import { ChooseSealDocument, MySealsDocument, type MySealFragment } from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { classifyError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.mySeals;
const statusColors: Record<string, string> = { VALID: 'green', EXPIRED: 'orange', REVOKED: 'red' };

/**
 * MySealsPage is the seal picker (5.1.2): an operator with several personal seals chooses the one that signs the
 * documents they print (and those a job renders in their name). The choice is kept on the server until changed, so it
 * also holds for documents rendered later; the server refuses an expired or revoked seal and says why.
 */
export function MySealsPage() {
  const { data, loading, error, refetch } = useQuery(MySealsDocument);
  const [choose, { loading: choosing }] = useMutation(ChooseSealDocument);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const signing = data?.mySeals.signing?.id;

  const pick = async (id: string) => {
    setMessage(null);
    try {
      await choose({ variables: { sealId: id } });
      setMessage({ type: 'success', text: t.chosen });
      void refetch();
    } catch (e) {
      setMessage({ type: 'error', text: classifyError(e).message });
    }
  };

  const columns: ColumnsType<MySealFragment> = [
    { title: t.image, dataIndex: 'imageDataUrl', width: 80, render: (src: string, s) => <Image src={src} width={48} alt={s.name} /> },
    {
      title: t.name,
      dataIndex: 'name',
      render: (name: string, s) => (
        <>
          {name} {s.id === signing && <Tag color="blue">{t.signing}</Tag>}
        </>
      ),
    },
    { title: t.validity, key: 'validity', width: 230, render: (_, s) => `${formatDate(s.validFrom)} – ${formatDate(s.validTo)}` },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (v: string) => <Tag color={statusColors[v] ?? 'default'}>{zhCN.seals.statuses[v] ?? v}</Tag>,
    },
    {
      // Named for screen readers (axe empty-table-header), not shown.
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'choose',
      width: 110,
      render: (_, s) =>
        s.id !== signing ? (
          <Button type="link" loading={choosing} onClick={() => void pick(s.id)} aria-label={`${t.choose}：${s.name}`}>
            {t.choose}
          </Button>
        ) : null,
    },
  ];

  return (
    <Card title={t.title}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      {message && <Alert type={message.type} showIcon message={message.text} role={message.type === 'error' ? 'alert' : 'status'} style={{ marginBottom: 12 }} />}
      <Table<MySealFragment>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.mySeals.seals ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
    </Card>
  );
}
