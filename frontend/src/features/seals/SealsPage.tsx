import { useState } from 'react';
import { Button, Card, Form, Image, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  AdminOfficesDocument,
  AdminRequestSealDocument,
  AdminRevokeSealDocument,
  AdminSealsDocument,
  AdminUsersDocument,
  type AdminSealFragment,
} from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { formatDate, formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from '../admin/useAdminAction';

const t = zhCN.seals;
const statusColors: Record<string, string> = { VALID: 'green', EXPIRED: 'orange', REVOKED: 'red' };

/** SealsPage lets an administrator see an office's electronic seals, request household and personal seals, and revoke them (5.1.1). */
export function SealsPage() {
  const [office, setOffice] = useState<string | undefined>(undefined);
  const offices = useQuery(AdminOfficesDocument);
  const { data, loading, error, refetch } = useQuery(AdminSealsDocument, { variables: { officeCode: office ?? null } });
  const users = useQuery(AdminUsersDocument, { variables: { filter: office ? { officeCode: office } : {}, first: 200, after: null } });
  const run = useAdminAction(() => void refetch());
  const [request] = useMutation(AdminRequestSealDocument);
  const [revoke] = useMutation(AdminRevokeSealDocument);
  const [user, setUser] = useState<string | undefined>(undefined);
  const [revoking, setRevoking] = useState<AdminSealFragment | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const columns: ColumnsType<AdminSealFragment> = [
    { title: t.image, dataIndex: 'imageDataUrl', width: 80, render: (src: string, s) => <Image src={src} width={48} alt={s.name} /> },
    { title: t.name, dataIndex: 'name' },
    { title: t.kind, dataIndex: 'kind', width: 110, render: (k: string) => t.kinds[k] ?? k },
    { title: t.id, dataIndex: 'id', width: 220, render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.validity, key: 'validity', width: 230, render: (_, s) => `${formatDate(s.validFrom)} – ${formatDate(s.validTo)}` },
    {
      title: t.status,
      dataIndex: 'status',
      width: 90,
      render: (v: string) => <Tag color={statusColors[v] ?? 'default'}>{t.statuses[v] ?? v}</Tag>,
    },
    { title: t.revokedAt, key: 'revokedAt', width: 200, render: (_, s) => (s.revokedAt ? `${formatTime(s.revokedAt)} ${s.revokeReason}` : '') },
    {
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'revoke',
      width: 80,
      render: (_, s) =>
        s.status === 'VALID' ? (
          <Button type="link" danger onClick={() => setRevoking(s)}>
            {t.revoke}
          </Button>
        ) : null,
    },
  ];

  return (
    <Card title={t.title}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          style={{ width: 280 }}
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t.office}
          aria-label={t.office}
          value={office}
          onChange={(v?: string) => {
            setOffice(v);
            setUser(undefined);
          }}
          options={offices.data?.offices.map((o) => ({ value: o.code, label: `${o.name}（${o.code}）` })) ?? []}
        />
        <Button
          type="primary"
          onClick={() => void run(() => request({ variables: { input: { kind: 'HOUSEHOLD', officeCode: office ?? null } } }), t.requested).then((ok) => ok && void refetch())}
        >
          {t.requestHousehold}
        </Button>
        <Select
          style={{ width: 220 }}
          showSearch
          optionFilterProp="label"
          placeholder={t.userPlaceholder}
          aria-label={t.user}
          value={user}
          onChange={setUser}
          options={users.data?.users.edges.map((e) => ({ value: e.node.id, label: `${e.node.displayName}（${e.node.username}）` })) ?? []}
        />
        <Button
          disabled={!user}
          onClick={() =>
            void run(() => request({ variables: { input: { kind: 'PERSONAL', userId: user ?? null } } }), t.requested).then((ok) => ok && void refetch())
          }
        >
          {t.requestPersonal}
        </Button>
      </Space>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<AdminSealFragment>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.seals ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <Modal
        open={revoking !== null}
        title={t.revokeTitle}
        okText={t.revoke}
        okButtonProps={{ danger: true }}
        onCancel={() => setRevoking(null)}
        destroyOnHidden
        onOk={() =>
          void form.validateFields().then(({ reason }) =>
            run(
              () => revoke({ variables: { input: { id: revoking?.id ?? '', reason } } }),
              t.revoked,
              (field, message) => {
                if (field !== 'reason') return false;
                form.setFields([{ name: 'reason', errors: [message] }]);
                return true;
              },
            ).then((ok) => {
              if (ok) {
                setRevoking(null);
                form.resetFields();
                void refetch();
              }
            }),
          )
        }
      >
        <Typography.Paragraph>{revoking?.name}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t.revokeReason} rules={[{ required: true, whitespace: true, message: t.revokeReasonRequired }, { max: 200 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
