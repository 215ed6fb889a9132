// Portal messages and instructions (3.1.7), for the station's clerks and
// supervisors: questions and instructions from Internet+ portals routed to
// the office or one of its cases, each with its deadline; overdue ones
// stand out; a member of staff answers once and the portal is told.
import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { AnswerPortalMessageDocument, PortalMessagesDocument, type PortalMessageItemFragment } from '../../graphql/generated/graphql';
import { CursorPager, useCursors } from '../../components/CursorPager';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { formatTime } from '../../lib/format';
import { paths } from '../../app/paths';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from '../admin/useAdminAction';

const t = zhCN.portal.messages;
const pageSize = 50;

export function PortalMessagesPage() {
  const cursors = useCursors();
  const [overdue, setOverdue] = useState(false);
  const { data, loading, error, refetch } = useQuery(PortalMessagesDocument, {
    variables: { overdue, first: pageSize, after: cursors.after },
    fetchPolicy: 'network-only',
  });
  const run = useAdminAction(() => void refetch());
  const [answer, { loading: answering }] = useMutation(AnswerPortalMessageDocument);
  const [target, setTarget] = useState<PortalMessageItemFragment | null>(null);
  const [form] = Form.useForm<{ answer: string }>();

  const columns: ColumnsType<PortalMessageItemFragment> = [
    { title: t.kind, dataIndex: 'kind', width: 80, render: (k: string) => t.kinds[k] ?? k },
    {
      title: t.subject,
      key: 'subject',
      render: (_, m) => (
        <>
          <div>{m.subject}</div>
          <Typography.Text type="secondary">{m.body}</Typography.Text>
          {m.caseId && (
            <div>
              <Link to={paths.caseDetail(m.caseId)}>{zhCN.caseDetail.title}</Link>
            </div>
          )}
        </>
      ),
    },
    { title: t.portal, dataIndex: 'clientId', width: 120 },
    { title: t.office, dataIndex: 'office', width: 130, render: (v: string) => <span className="hukou-mono">{v}</span> },
    {
      title: t.deadline,
      key: 'deadline',
      width: 190,
      render: (_, m) => (
        <>
          {formatTime(m.deadlineAt)} {m.overdue && <Tag color="red">{t.overdue}</Tag>}
        </>
      ),
    },
    {
      title: t.status,
      key: 'status',
      width: 200,
      render: (_, m) => (m.status === 'ANSWERED' ? <Typography.Text>{m.answer}</Typography.Text> : <Tag color="orange">{t.statuses[m.status] ?? m.status}</Tag>),
    },
    {
      // Named for screen readers (axe empty-table-header), not shown.
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'actions',
      width: 90,
      render: (_, m) =>
        m.status === 'OPEN' && (
          <Button
            size="small"
            type="primary"
            onClick={() => {
              form.resetFields();
              setTarget(m);
            }}
          >
            {t.answer}
          </Button>
        ),
    },
  ];

  return (
    <Card title={t.title}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <label style={{ display: 'inline-flex', gap: 8, marginBottom: 16 }}>
        <Switch checked={overdue} onChange={setOverdue} aria-label={t.overdueOnly} />
        {t.overdueOnly}
      </label>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<PortalMessageItemFragment>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.portalMessages.edges.map((e) => e.node) ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <CursorPager cursors={cursors} pageInfo={data?.portalMessages.pageInfo} pageSize={pageSize} />
      <Modal
        title={t.answerTitle}
        open={target !== null}
        confirmLoading={answering}
        okText={t.answer}
        onCancel={() => setTarget(null)}
        onOk={() => {
          const m = target;
          if (!m) return;
          void form.validateFields().then((v) =>
            run(
              () => answer({ variables: { id: m.id, version: m.version, answer: v.answer } }),
              t.answered,
              (field, message) => {
                if (field !== 'answer') return false;
                form.setFields([{ name: 'answer', errors: [message] }]);
                return true;
              },
            ).then((ok) => {
              if (ok) {
                setTarget(null);
                void refetch();
              }
            }),
          );
        }}
      >
        {target && <Typography.Paragraph>{target.body}</Typography.Paragraph>}
        <Form form={form} layout="vertical">
          <Form.Item name="answer" label={t.answerLabel} rules={[{ required: true, whitespace: true, message: t.answerRequired }, { max: 4000 }]}>
            <Input.TextArea rows={4} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
