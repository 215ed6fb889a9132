import { useMemo } from 'react';
import { App, Badge, Button, Card, Col, Empty, Row, Space, Spin, Statistic, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useQuery, useSubscription } from '@apollo/client/react';
import {
  CaseQueuesDocument,
  CollaborationEventsDocument,
  type CaseQueuesQuery,
  type Side,
} from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { paths } from '../../app/paths';
import { useSession } from '../../app/session';
import { accessFor, permits } from '../../lib/access';
import { zhCN, statusLabel } from '../../locales/zh-CN';
import { kinds } from '../kinds';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';

const t = zhCN.workbench;
type Queue = CaseQueuesQuery['caseQueues'][number];

function QueueCards({ side, queues }: { side: Side; queues: Queue[] }) {
  const navigate = useNavigate();
  if (queues.length === 0) return <Empty description={t.noQueues} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Row gutter={[16, 16]}>
      {queues.map((q) => (
        <Col key={`${q.kind}-${q.status}`} xs={24} sm={12} lg={8} xl={6}>
          <Card
            hoverable
            size="small"
            onClick={() => void navigate(`${paths.cases}?kind=${q.kind}&side=${side}&status=${q.status}`)}
          >
            <Statistic
              title={
                <Space direction="vertical" size={0}>
                  <Typography.Text type="secondary">{zhCN.kinds[q.kind]}</Typography.Text>
                  <Typography.Text strong>{statusLabel(q.status)}</Typography.Text>
                </Space>
              }
              value={q.count}
              suffix={t.cases}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** WorkbenchPage is the work queues with live counts (2.1), the other office's messages as they arrive, and each kind's intake the user may start. */
export function WorkbenchPage() {
  const { notification } = App.useApp();
  const navigate = useNavigate();
  const session = useSession(useSessionStore());
  const { data, loading, error, refetch } = useQuery(CaseQueuesDocument);
  const live = useSubscription(CollaborationEventsDocument, {
    onData: ({ data: ev }) => {
      const e = ev.data?.collaborationEvents;
      if (!e) return;
      void refetch();
      const key = e.messageId;
      notification.info({
        key,
        message: t.notificationTitle,
        description: t.notificationBody(zhCN.messageTypes[e.messageType] ?? e.messageType, e.collabNo, e.senderOffice),
        placement: 'topRight',
        btn: (
          <Button size="small" type="link" onClick={() => {
              notification.destroy(key);
              void navigate(`${paths.cases}?collabNo=${encodeURIComponent(e.collabNo)}`);
            }}>
            {t.openCase}
          </Button>
        ),
      });
    },
  });

  const bySide = useMemo(() => {
    const out: Record<Side, Queue[]> = { ACCEPTANCE: [], REGISTRATION: [] };
    for (const q of data?.caseQueues ?? []) out[q.side].push(q);
    return out;
  }, [data]);

  const access = accessFor(session?.user.roles ?? []);

  return (
    <div className="hukou-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} align="center">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.title}
        </Typography.Title>
        <Space>
          <Badge status={live.error ? 'error' : 'processing'} text={live.error ? t.liveDown : t.live} />
          {Object.values(kinds)
            .filter((k) => permits(access, k.intake.access))
            .map(({ intake }) => (
              <Button key={intake.path} type="primary" icon={intake.menu.icon} onClick={() => void navigate(intake.path)}>
                {intake.menu.label}
              </Button>
            ))}
        </Space>
      </Space>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Spin spinning={loading && !data}>
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          {(['ACCEPTANCE', 'REGISTRATION'] as const).map((side) => (
            <Card key={side} title={side === 'ACCEPTANCE' ? t.acceptanceQueues : t.registrationQueues}>
              <QueueCards side={side} queues={bySide[side]} />
            </Card>
          ))}
        </Space>
      </Spin>
    </div>
  );
}
