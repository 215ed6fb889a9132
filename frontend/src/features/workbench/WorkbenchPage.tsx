import { useMemo } from 'react';
import { App, Badge, Button, Card, Col, Empty, Flex, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
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
import { formatTime } from '../../lib/format';
import { zhCN, statusLabel } from '../../locales/zh-CN';
import { kinds } from '../kinds';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';

const t = zhCN.workbench;
type Queue = CaseQueuesQuery['caseQueues'][number];

/** queuePath opens the case list on one queue. */
function queuePath(q: Queue): string {
  return `${paths.cases}?kind=${q.kind}&side=${q.side}&status=${q.status}`;
}

/** sum adds the counts (or another number) of queues. */
function sum(qs: Queue[], of: (q: Queue) => number = (q) => q.count): number {
  return qs.reduce((n, q) => n + of(q), 0);
}

/** MyQueues are the queues the user can act on: a card each, with the overdue count and the nearest deadline. */
function MyQueues({ queues }: { queues: Queue[] }) {
  const navigate = useNavigate();
  if (queues.length === 0) return <Empty description={t.nothingToDo} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Row gutter={[16, 16]}>
      {queues.map((q) => (
        <Col key={`${q.kind}-${q.status}`} xs={24} sm={12} lg={8} xl={6}>
          <Card hoverable size="small" onClick={() => void navigate(queuePath(q))}>
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
            <Flex gap={4} wrap style={{ marginTop: 4, minHeight: 22 }}>
              {q.overdue > 0 && <Tag color="error">{t.overdue(q.overdue)}</Tag>}
              {q.nextDeadline && q.overdue === 0 && <Tag>{t.nextDeadline(formatTime(q.nextDeadline))}</Tag>}
            </Flex>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** QueueLinks lists other queues compactly, each a link to its cases. */
function QueueLinks({ label, queues }: { label: string; queues: Queue[] }) {
  const navigate = useNavigate();
  if (queues.length === 0) return null;
  return (
    <Flex gap={8} wrap align="center">
      <Typography.Text type="secondary">{label}</Typography.Text>
      {queues.map((q) => (
        <Button key={`${q.kind}-${q.status}`} size="small" onClick={() => void navigate(queuePath(q))}>
          {zhCN.kinds[q.kind]} · {statusLabel(q.status)} {q.count} {t.cases}
        </Button>
      ))}
    </Flex>
  );
}

/**
 * WorkbenchPage is the user's work (2.1): per side, the queues their roles can act on now, with overdue counts and
 * deadlines, then what waits for the other office, what other posts are handling and what is finished; live counts
 * (collaborationEvents) and each kind's intake the user may start.
 */
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
        description: t.notificationBody(zhCN.messageTypes[e.messageType] ?? e.messageType, e.collabNo, e.senderOfficeName),
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

  const queues = useMemo(() => data?.caseQueues ?? [], [data]);
  const mine = queues.filter((q) => q.actions.length > 0);
  const waiting = queues.filter((q) => q.actions.length === 0 && q.awaitsOtherSide);
  const sides = (['ACCEPTANCE', 'REGISTRATION'] as const).filter((side) => queues.some((q) => q.side === side && !q.terminal));
  const access = accessFor(session?.user.roles ?? []);
  const onSide = (qs: Queue[], side: Side) => qs.filter((q) => q.side === side);

  return (
    <div className="hukou-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} align="center" wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t.title}
        </Typography.Title>
        <Space wrap>
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
          <Row gutter={16}>
            <Col xs={8}>
              <Card size="small"><Statistic title={t.mine} value={sum(mine)} suffix={t.cases} /></Card>
            </Col>
            <Col xs={8}>
              <Card size="small">
                <Statistic title={t.overdueTotal} value={sum(mine, (q) => q.overdue)} suffix={t.cases}
                  valueStyle={sum(mine, (q) => q.overdue) > 0 ? { color: '#cf1322' } : undefined} />
              </Card>
            </Col>
            <Col xs={8}>
              <Card size="small"><Statistic title={t.waitingTotal} value={sum(waiting)} suffix={t.cases} /></Card>
            </Col>
          </Row>
          {data && sides.length === 0 && <Card><Empty description={t.noQueues} image={Empty.PRESENTED_IMAGE_SIMPLE} /></Card>}
          {sides.map((side) => {
            const here = onSide(queues, side);
            return (
              <Card key={side} title={side === 'ACCEPTANCE' ? t.acceptanceQueues : t.registrationQueues}>
                <Space direction="vertical" size="middle" style={{ width: '100%' }}>
                  <MyQueues queues={onSide(mine, side)} />
                  <QueueLinks label={t.waiting} queues={onSide(waiting, side)} />
                  <QueueLinks label={t.others}
                    queues={here.filter((q) => q.actions.length === 0 && !q.awaitsOtherSide && !q.terminal)} />
                  <QueueLinks label={t.finished} queues={here.filter((q) => q.terminal)} />
                </Space>
              </Card>
            );
          })}
        </Space>
      </Spin>
    </div>
  );
}
