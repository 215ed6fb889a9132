// The station's queue of online applications from Internet+ portals (3.1.1,
// 3.1.4): the clerk completes one at the counter when the person comes in
// (the case opens with the portal's materials as its archives) or rejects it
// with a reason the portal shows the citizen.
import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import {
  AcceptOnlineApplicationDocument,
  OnlineQueueDocument,
  RejectOnlineApplicationDocument,
  type OnlineQueueItemFragment,
} from '../../graphql/generated/graphql';
import { CursorPager, useCursors } from '../../components/CursorPager';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { formatTime } from '../../lib/format';
import { paths } from '../../app/paths';
import { zhCN } from '../../locales/zh-CN';
import { kinds } from '../kinds';
import { useAdminAction } from '../admin/useAdminAction';

const t = zhCN.online;
const pageSize = 50;

/** applicantOf reads the names a portal submitted (the kind's data, JSON), for the queue's column. */
export function applicantOf(data: string): string {
  try {
    const d = JSON.parse(data) as { applicant?: { newbornName?: string; declarantName?: string } };
    return [d.applicant?.newbornName, d.applicant?.declarantName && `${t.declarant}${d.applicant.declarantName}`].filter(Boolean).join(' · ');
  } catch {
    return '';
  }
}

export function OnlineQueuePage() {
  const cursors = useCursors();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(OnlineQueueDocument, { variables: { first: pageSize, after: cursors.after }, fetchPolicy: 'network-only' });
  const run = useAdminAction(() => void refetch());
  const [accept] = useMutation(AcceptOnlineApplicationDocument);
  const [reject, { loading: rejecting }] = useMutation(RejectOnlineApplicationDocument);
  const [target, setRejecting] = useState<OnlineQueueItemFragment | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const columns: ColumnsType<OnlineQueueItemFragment> = [
    { title: t.submittedAt, dataIndex: 'createdAt', width: 170, render: formatTime },
    { title: t.kind, dataIndex: 'kind', width: 140, render: (k: string) => (zhCN.kinds as Record<string, string>)[k] ?? k },
    { title: t.portal, dataIndex: 'clientId', width: 140 },
    { title: t.reference, dataIndex: 'reference', width: 160, render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.applicant, key: 'applicant', render: (_, a) => applicantOf(a.data) },
    { title: t.materials, key: 'materials', width: 100, render: (_, a) => t.files(a.materials.length) },
    {
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'actions',
      width: 180,
      render: (_, a) => (
        <Space>
          <Button
            type="primary"
            size="small"
            onClick={() =>
              // A kind that captures at the counter (the ID card's photo and fingers, 3.1.4) completes it in its intake.
              kinds[a.kind].onlineCompletion
                ? void navigate(kinds[a.kind].onlineCompletion?.(a.id) ?? '')
                : void run(async () => {
                const r = await accept({ variables: { id: a.id, version: a.version } });
                const id = r.data?.acceptOnlineApplication.id;
                if (id) void navigate(paths.caseDetail(id));
              }, t.accepted)
            }
          >
            {t.accept}
          </Button>
          <Button size="small" danger onClick={() => setRejecting(a)}>
            {t.reject}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Card title={t.title}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<OnlineQueueItemFragment>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.onlineApplications.edges.map((e) => e.node) ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <CursorPager cursors={cursors} pageInfo={data?.onlineApplications.pageInfo} pageSize={pageSize} />
      <Modal
        title={t.rejectTitle}
        open={target !== null}
        confirmLoading={rejecting}
        okText={t.reject}
        onCancel={() => setRejecting(null)}
        onOk={() => {
          const a = target;
          if (!a) return;
          void form.validateFields().then(({ reason }) =>
            run(
              () => reject({ variables: { id: a.id, version: a.version, reason } }),
              t.rejected,
              (field, message) => {
                if (field !== 'reason') return false;
                form.setFields([{ name: 'reason', errors: [message] }]);
                return true;
              },
            ).then((ok) => {
              if (ok) {
                setRejecting(null);
                form.resetFields();
                void refetch();
              }
            }),
          );
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t.reason} rules={[{ required: true, whitespace: true, message: t.reasonRequired }, { max: 500 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
