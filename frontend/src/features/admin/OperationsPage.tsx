import { useEffect } from 'react';
import { Alert, Button, Card, Descriptions, Progress, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useLazyQuery, useMutation, useQuery } from '@apollo/client/react';
import {
  AdminDeadLettersDocument,
  AdminHcybshRunDocument,
  AdminOverdueMessagesDocument,
  AdminPeerDirectoryDocument,
  AdminReplayMessageDocument,
  AdminStartHcybshDocument,
  AdminVerifyMessageLogDocument,
  type AdminMessageFragment,
} from '../../graphql/generated/graphql';
import { CursorPager, useCursors } from '../../components/CursorPager';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from './useAdminAction';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';

const t = zhCN.admin.operations;
const pageSize = 50;

function messageColumns(extra?: ColumnsType<AdminMessageFragment>): ColumnsType<AdminMessageFragment> {
  return [
    { title: t.seq, dataIndex: 'seq', width: 70 },
    { title: t.collabNo, dataIndex: 'collabNo', render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.kind, dataIndex: 'caseKind', width: 130, render: (k: string) => (zhCN.kinds as Record<string, string>)[k] ?? k },
    { title: t.type, dataIndex: 'messageType', width: 130, render: (m: string) => zhCN.messageTypes[m] ?? m },
    { title: t.direction, dataIndex: 'direction', width: 70, render: (d: string) => t.directions[d] ?? d },
    {
      title: t.peer,
      key: 'peer',
      width: 130,
      render: (_, m) => <span className="hukou-mono">{m.direction === 'OUT' ? m.receiverOffice : m.senderOffice}</span>,
    },
    { title: t.status, dataIndex: 'status', width: 100, render: (s: string) => <Tag color={s === 'DEAD' || s === 'FAILED' ? 'red' : 'default'}>{t.statuses[s] ?? s}</Tag> },
    { title: t.attempts, dataIndex: 'attempts', width: 90 },
    { title: t.lastError, dataIndex: 'lastError', ellipsis: true },
    { title: t.deadline, dataIndex: 'deadlineAt', width: 170, render: formatTime },
    ...(extra ?? []),
  ];
}

/** DeadLetters lists the messages that will not move without an administrator, each with a replay button. */
function DeadLetters() {
  const cursors = useCursors();
  const { data, loading, error, refetch } = useQuery(AdminDeadLettersDocument, { variables: { first: pageSize, after: cursors.after } });
  const run = useAdminAction(() => void refetch());
  const [replay] = useMutation(AdminReplayMessageDocument);
  const columns = messageColumns([
    {
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'replay',
      width: 110,
      render: (_, m) => (
        <Button
          type="link"
          onClick={() => void run(() => replay({ variables: { messageId: m.messageId } }), t.replayed).then((ok) => ok && void refetch())}
        >
          {t.replay}
        </Button>
      ),
    },
  ]);
  return (
    <>
      <Typography.Paragraph type="secondary">{t.deadLettersHint}</Typography.Paragraph>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<AdminMessageFragment>
        rowKey="messageId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.deadLetters.edges.map((e) => e.node) ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <CursorPager cursors={cursors} pageInfo={data?.deadLetters.pageInfo} pageSize={pageSize} />
    </>
  );
}

/** OverdueMessages lists the messages still waiting after their deadline. */
function OverdueMessages() {
  const cursors = useCursors();
  const { data, loading, error } = useQuery(AdminOverdueMessagesDocument, { variables: { first: pageSize, after: cursors.after } });
  return (
    <>
      <Typography.Paragraph type="secondary">{t.overdueHint}</Typography.Paragraph>
      <QueryErrorAlert error={error} />
      <Table<AdminMessageFragment>
        rowKey="messageId"
        size="small"
        loading={loading}
        columns={messageColumns()}
        dataSource={data?.overdueMessages.edges.map((e) => e.node) ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <CursorPager cursors={cursors} pageInfo={data?.overdueMessages.pageInfo} pageSize={pageSize} />
    </>
  );
}

/** VerifyLog walks the message log's hash chain and signatures on demand. */
function VerifyLog() {
  const [verify, { data, loading, error }] = useLazyQuery(AdminVerifyMessageLogDocument, { fetchPolicy: 'network-only' });
  const v = data?.verifyMessageLog;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t.verifyHint}</Typography.Paragraph>
      <Button type="primary" loading={loading} onClick={() => void verify()}>
        {t.verifyRun}
      </Button>
      <QueryErrorAlert error={error} />
      {v && (v.ok ? <Alert type="success" showIcon message={t.verifyOk(v.entries)} /> : <Alert type="error" showIcon message={t.verifyBroken(v.firstBrokenSeq, v.problem ?? '')} />)}
    </Space>
  );
}

/** Hcybsh shows the newest household member identifier generation and starts one. */
function Hcybsh() {
  const { data, error, refetch, startPolling, stopPolling } = useQuery(AdminHcybshRunDocument, { fetchPolicy: 'network-only' });
  const run = useAdminAction(() => void refetch());
  const [start, { loading }] = useMutation(AdminStartHcybshDocument);
  const r = data?.hcybshRun;
  const running = r?.state === 'RUNNING';
  useEffect(() => {
    if (!running) return undefined;
    startPolling(1000);
    return () => stopPolling();
  }, [running, startPolling, stopPolling]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t.hcybshHint}</Typography.Paragraph>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      {r ? (
        <Descriptions bordered size="small" column={1}>
          <Descriptions.Item label={t.status}>
            <Tag color={r.state === 'FAILED' ? 'red' : r.state === 'DONE' ? 'green' : 'blue'}>{t.hcybshStates[r.state] ?? r.state}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t.households(r.householdsDone, r.householdsTotal)}>
            <Progress aria-label={t.hcybshProgress} percent={r.householdsTotal ? Math.floor((100 * r.householdsDone) / r.householdsTotal) : 0} />
          </Descriptions.Item>
          <Descriptions.Item label={t.residents(r.residentsNumbered)}>{`${formatTime(r.startedAt)} — ${formatTime(r.finishedAt ?? r.updatedAt)}`}</Descriptions.Item>
          {r.error ? <Descriptions.Item label={t.lastError}>{r.error}</Descriptions.Item> : null}
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t.hcybshNone}</Typography.Text>
      )}
      <Button type="primary" disabled={running} loading={loading} onClick={() => void run(() => start(), t.hcybshStarted).then(() => void refetch())}>
        {t.hcybshStart}
      </Button>
    </Space>
  );
}

/** PeerKeys shows the collaboration peer directory: each trusted key, the offices it speaks for, where it came from and its state. */
function PeerKeys() {
  const { data, loading, error } = useQuery(AdminPeerDirectoryDocument, { fetchPolicy: 'network-only' });
  const dir = data?.collaborationPeerDirectory;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <QueryErrorAlert error={error} />
      <Typography.Paragraph type="secondary">{t.peersHint}</Typography.Paragraph>
      {dir?.developmentTrust && <Alert type="warning" showIcon message={t.peersDevelopment} />}
      <Table
        rowKey="keyId"
        size="small"
        loading={loading}
        dataSource={dir?.keys ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
        columns={[
          { title: t.peerKeyId, dataIndex: 'keyId', render: (v: string) => <span className="hukou-mono">{v}</span> },
          { title: t.peerOffices, dataIndex: 'offices', render: (v: string[]) => <span className="hukou-mono">{v.join('、')}</span> },
          { title: t.peerSource, dataIndex: 'source', width: 120, render: (v: string) => t.peerSources[v] ?? v },
          {
            title: t.status,
            dataIndex: 'status',
            width: 100,
            render: (v: string) => <Tag color={v === 'VALID' ? 'green' : 'red'}>{t.peerStatuses[v] ?? v}</Tag>,
          },
          { title: t.peerValid, key: 'valid', width: 230, render: (_, k) => `${formatTime(k.notBefore)} — ${formatTime(k.notAfter)}` },
          { title: t.peerAnnouncedBy, dataIndex: 'announcedByOffice', width: 140, render: (v?: string | null) => <span className="hukou-mono">{v ?? ''}</span> },
        ]}
      />
      {dir && dir.revokedKeyIds.length > 0 && (
        <Typography.Paragraph>
          {t.peersRevoked}
          <span className="hukou-mono">{dir.revokedKeyIds.join('、')}</span>
        </Typography.Paragraph>
      )}
    </Space>
  );
}

/** OperationsPage is the administrator's operations console: dead letters, overdue messages, log verification, hcybsh generation (19 item 3). */
export function OperationsPage() {
  return (
    <div className="hukou-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Card>
        <Tabs
          items={[
            { key: 'dead', label: t.deadLetters, children: <DeadLetters /> },
            { key: 'overdue', label: t.overdue, children: <OverdueMessages /> },
            { key: 'verify', label: t.verify, children: <VerifyLog /> },
            { key: 'hcybsh', label: t.hcybsh, children: <Hcybsh /> },
            { key: 'peers', label: t.peers, children: <PeerKeys /> },
          ]}
        />
      </Card>
    </div>
  );
}
