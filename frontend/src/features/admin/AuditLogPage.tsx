import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useQuery } from '@apollo/client/react';
import { AdminAuditLogDocument, type AdminAuditLogQuery, type AuditAction, type AuditFilter } from '../../graphql/generated/graphql';
import { CursorPager, useCursors } from '../../components/CursorPager';
import { formatTime } from '../../lib/format';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.admin.audit;
const pageSize = 50;
type Entry = AdminAuditLogQuery['auditLog']['edges'][number]['node'];
const actionColors: Record<string, string> = { READ: 'default', CHANGE: 'blue', LOGIN: 'green', DENIED: 'red' };
const actionOptions = Object.entries(t.actions).map(([value, label]) => ({ value, label }));

interface FilterForm {
  actorName?: string;
  operation?: string;
  action?: AuditAction;
  officeCode?: string;
  subjectId?: string;
  time?: [Dayjs | null, Dayjs | null] | null;
}

/** AuditLogPage reads the audit log by user, operation, category, office, subject and time (19 item 3, 10). */
export function AuditLogPage() {
  const [form] = Form.useForm<FilterForm>();
  const [filter, setFilter] = useState<AuditFilter>({});
  const cursors = useCursors();
  const { data, loading, error, refetch } = useQuery(AdminAuditLogDocument, { variables: { filter, first: pageSize, after: cursors.after } });

  const onSearch = (v: FilterForm) => {
    const [since, until] = v.time ?? [];
    cursors.toFirst();
    setFilter({
      ...(v.actorName?.trim() ? { actorName: v.actorName.trim() } : {}),
      ...(v.operation?.trim() ? { operation: v.operation.trim() } : {}),
      ...(v.action ? { action: v.action } : {}),
      ...(v.officeCode?.trim() ? { officeCode: v.officeCode.trim() } : {}),
      ...(v.subjectId?.trim() ? { subjectId: v.subjectId.trim() } : {}),
      ...(since ? { since: since.startOf('day').toISOString() } : {}),
      ...(until ? { until: until.add(1, 'day').startOf('day').toISOString() } : {}),
    });
  };

  const columns: ColumnsType<Entry> = [
    { title: t.at, dataIndex: 'at', width: 170, render: formatTime },
    { title: t.actorName, dataIndex: 'actorName', width: 140 },
    { title: t.office, dataIndex: 'officeCode', width: 130, render: (v: string) => <span className="hukou-mono">{v || '—'}</span> },
    { title: t.action, dataIndex: 'action', width: 80, render: (a: string) => <Tag color={actionColors[a]}>{t.actions[a] ?? a}</Tag> },
    {
      title: t.operation,
      dataIndex: 'operation',
      width: 150,
      render: (v: string) => (t.operations[v] ? <Tooltip title={v}>{t.operations[v]}</Tooltip> : <span className="hukou-mono">{v}</span>),
    },
    {
      title: t.subject,
      key: 'subject',
      width: 240,
      ellipsis: { showTitle: false },
      render: (_, e) =>
        e.subjectType ? (
          <Tooltip title={e.subjectId}>
            {t.subjectTypes[e.subjectType] ?? e.subjectType} <span className="hukou-mono">{e.subjectId}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    { title: t.detail, dataIndex: 'detail', ellipsis: true },
    { title: t.remote, dataIndex: 'remoteAddr', width: 150 },
  ];

  return (
    <div className="hukou-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form<FilterForm> form={form} name="auditFilter" layout="inline" onFinish={onSearch}>
          <Form.Item name="actorName" label={t.actorName}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="operation" label={t.operation}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="action" label={t.action}>
            <Select allowClear options={actionOptions} style={{ width: 100 }} placeholder={zhCN.app.selectPlaceholder} />
          </Form.Item>
          <Form.Item name="officeCode" label={t.office}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="subjectId" label={t.subjectId}>
            <Input allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="time" label={t.time}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t.search}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                onSearch({});
              }}
            >
              {t.reset}
            </Button>
          </Space>
        </Form>
      </Card>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Card>
        <Table<Entry>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.auditLog.edges.map((e) => e.node) ?? []}
          pagination={false}
          locale={{ emptyText: t.empty }}
        />
        <CursorPager cursors={cursors} pageInfo={data?.auditLog.pageInfo} pageSize={pageSize} />
      </Card>
    </div>
  );
}
