// Integrator clients (issue 18 item 1), for ADMIN: register a portal with its
// businesses, office scopes, rate limit and webhook; change them and the
// allow-list of operation hashes; rotate its secret with a grace; disable it.
// Secrets are shown once, in the answer that created them.
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  CreateIntegratorClientDocument,
  IntegratorClientsDocument,
  RotateIntegratorSecretDocument,
  UpdateIntegratorClientDocument,
  type CaseKind,
  type IntegratorClientItemFragment,
} from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from '../admin/useAdminAction';

const t = zhCN.portal.clients;
const kindNames = zhCN.kinds as Record<string, string>;
const kindOptions = Object.entries(kindNames).map(([value, label]) => ({ value, label }));

interface ClientForm {
  clientId: string;
  name: string;
  officeCode: string;
  kinds: CaseKind[];
  offices: string[];
  ratePerMinute?: number;
  webhookUrl?: string;
  operations?: string;
  disabled?: boolean;
}

interface Secrets {
  clientSecret: string;
  webhookSecret: string;
}

/** hashesOf reads the allow-list textarea: one SHA-256 per line, blank lines ignored. */
export function hashesOf(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
}

export function IntegratorClientsPage() {
  const { data, loading, error, refetch } = useQuery(IntegratorClientsDocument, { fetchPolicy: 'network-only' });
  const run = useAdminAction(() => void refetch());
  const [create, { loading: creating }] = useMutation(CreateIntegratorClientDocument);
  const [update, { loading: updating }] = useMutation(UpdateIntegratorClientDocument);
  const [rotate, { loading: rotating }] = useMutation(RotateIntegratorSecretDocument);
  const [editing, setEditing] = useState<IntegratorClientItemFragment | 'new' | null>(null);
  const [rotatingClient, setRotating] = useState<IntegratorClientItemFragment | null>(null);
  const [secrets, setSecrets] = useState<Secrets | null>(null);
  const [form] = Form.useForm<ClientForm>();
  const [rotateForm] = Form.useForm<{ graceSeconds: number }>();
  const fieldError = (field: string, message: string) => {
    const name = field.replace(/^input\./, '');
    if (!['clientId', 'name', 'officeCode', 'kinds', 'offices', 'ratePerMinute', 'webhookUrl', 'operations'].includes(name)) return false;
    form.setFields([{ name: name as keyof ClientForm, errors: [message] }]);
    return true;
  };

  const open = (c: IntegratorClientItemFragment | 'new') => {
    form.resetFields();
    if (c !== 'new') {
      form.setFieldsValue({ ...c, kinds: [...c.kinds], offices: [...c.offices], operations: c.operations.join('\n') });
    }
    setEditing(c);
  };

  const save = () =>
    void form.validateFields().then((v) => {
      const current = editing;
      if (current === null) return;
      const done = (ok: boolean) => {
        if (ok) {
          setEditing(null);
          void refetch();
        }
      };
      if (current === 'new') {
        void run(
          async () => {
            const r = await create({
              variables: {
                input: { clientId: v.clientId, name: v.name, officeCode: v.officeCode, kinds: v.kinds, offices: v.offices, ratePerMinute: v.ratePerMinute, webhookUrl: v.webhookUrl },
              },
            });
            const c = r.data?.createIntegratorClient;
            if (c) setSecrets({ clientSecret: c.clientSecret, webhookSecret: c.webhookSecret });
          },
          t.created,
          fieldError,
        ).then(done);
        return;
      }
      void run(
        () =>
          update({
            variables: {
              input: {
                clientId: current.clientId,
                version: current.version,
                kinds: v.kinds,
                offices: v.offices,
                ratePerMinute: v.ratePerMinute,
                webhookUrl: v.webhookUrl ?? '',
                operations: hashesOf(v.operations),
                disabled: v.disabled ?? false,
              },
            },
          }),
        t.updated,
        fieldError,
      ).then(done);
    });

  const columns: ColumnsType<IntegratorClientItemFragment> = [
    { title: t.clientId, dataIndex: 'clientId', width: 140, render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.name, dataIndex: 'name' },
    { title: t.kinds, dataIndex: 'kinds', render: (ks: string[]) => ks.map((k) => <Tag key={k}>{kindNames[k] ?? k}</Tag>) },
    { title: t.offices, dataIndex: 'offices', render: (os: string[]) => os.join('、') },
    { title: t.rate, dataIndex: 'ratePerMinute', width: 120 },
    { title: t.operations, dataIndex: 'operations', width: 140, render: (os: string[]) => t.operationsCount(os.length) },
    { title: t.previousValidUntil, dataIndex: 'previousSecretValidUntil', width: 170, render: formatTime },
    { title: t.state, dataIndex: 'disabled', width: 90, render: (d: boolean) => (d ? <Tag color="red">{t.disabled}</Tag> : <Tag color="green">{t.enabled}</Tag>) },
    {
      // Named for screen readers (axe empty-table-header), not shown.
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'actions',
      width: 170,
      render: (_, c) => (
        <Space>
          <Button size="small" onClick={() => open(c)}>
            {t.edit}
          </Button>
          <Button
            size="small"
            onClick={() => {
              rotateForm.setFieldsValue({ graceSeconds: 86400 });
              setRotating(c);
            }}
          >
            {t.rotate}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t.title}
      extra={
        <Button type="primary" onClick={() => open('new')}>
          {t.create}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<IntegratorClientItemFragment>
        rowKey="clientId"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.integratorClients ?? []}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <Modal
        title={editing === 'new' ? t.create : t.edit}
        open={editing !== null}
        confirmLoading={creating || updating}
        onCancel={() => setEditing(null)}
        onOk={save}
        width={640}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="clientId" label={t.clientId} rules={[{ required: true, message: t.required }]}>
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="name" label={t.name} rules={[{ required: true, message: t.required }]}>
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="officeCode" label={t.officeCode} rules={[{ required: true, message: t.required }]}>
              <Input />
            </Form.Item>
          )}
          <Form.Item name="kinds" label={t.kinds} rules={[{ required: true, message: t.required }]}>
            <Select mode="multiple" options={kindOptions} />
          </Form.Item>
          <Form.Item name="offices" label={t.offices} rules={[{ required: true, message: t.required }]}>
            <Select mode="tags" open={false} />
          </Form.Item>
          <Form.Item name="ratePerMinute" label={t.rate}>
            <InputNumber min={1} max={100000} />
          </Form.Item>
          <Form.Item name="webhookUrl" label={t.webhookUrl}>
            <Input />
          </Form.Item>
          {editing !== 'new' && (
            <>
              <Form.Item name="operations" label={t.operations}>
                <Input.TextArea rows={4} className="hukou-mono" />
              </Form.Item>
              <Form.Item name="disabled" label={t.disabled} valuePropName="checked">
                <Switch />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
      <Modal
        title={t.rotateTitle}
        open={rotatingClient !== null}
        confirmLoading={rotating}
        onCancel={() => setRotating(null)}
        onOk={() =>
          void rotateForm.validateFields().then(({ graceSeconds }) => {
            const c = rotatingClient;
            if (!c) return;
            void run(async () => {
              const r = await rotate({ variables: { clientId: c.clientId, graceSeconds } });
              const out = r.data?.rotateIntegratorSecret;
              if (out) setSecrets({ clientSecret: out.clientSecret, webhookSecret: out.webhookSecret });
            }, t.rotated).then((ok) => {
              if (ok) {
                setRotating(null);
                void refetch();
              }
            });
          })
        }
      >
        <Form form={rotateForm} layout="vertical">
          <Form.Item name="graceSeconds" label={t.grace} extra={t.graceHint} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0} max={2592000} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal title={t.secretsTitle} open={secrets !== null} onOk={() => setSecrets(null)} onCancel={() => setSecrets(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert
          type="warning"
          showIcon
          message={
            <Space direction="vertical">
              <span>
                {t.clientSecret}：<Typography.Text className="hukou-mono" copyable>{secrets?.clientSecret}</Typography.Text>
              </span>
              <span>
                {t.webhookSecret}：<Typography.Text className="hukou-mono" copyable>{secrets?.webhookSecret}</Typography.Text>
              </span>
            </Space>
          }
        />
      </Modal>
    </Card>
  );
}
