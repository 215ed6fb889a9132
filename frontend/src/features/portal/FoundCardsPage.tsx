// Found ID cards (3.1.5), for clerks: record a card handed to the station
// (the Ministry matches its owner), find cards by number for an owner at the
// counter, and record the claim when the owner (or an agent) collects it.
import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useMutation, useQuery } from '@apollo/client/react';
import { ClaimFoundIdCardDocument, FoundIdCardsDocument, RecordFoundIdCardDocument, type FoundCardItemFragment } from '../../graphql/generated/graphql';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from '../admin/useAdminAction';

const t = zhCN.portal.found;

interface RecordForm {
  idNumber: string;
  nameOnCard?: string;
  foundAt: Dayjs;
  foundPlace: string;
  finderName: string;
  finderPhone?: string;
}

export function FoundCardsPage() {
  const [idNumber, setIdNumber] = useState<string | null>(null);
  const { data, loading, error, refetch } = useQuery(FoundIdCardsDocument, { variables: { idNumber }, fetchPolicy: 'network-only' });
  const run = useAdminAction(() => void refetch());
  const [record, { loading: recording }] = useMutation(RecordFoundIdCardDocument);
  const [claim, { loading: claiming }] = useMutation(ClaimFoundIdCardDocument);
  const [recordOpen, setRecordOpen] = useState(false);
  const [claimTarget, setClaimTarget] = useState<FoundCardItemFragment | null>(null);
  const [recordForm] = Form.useForm<RecordForm>();
  const [claimForm] = Form.useForm<{ claimantName: string; claimantIdNumber: string }>();
  const fieldOf = (form: { setFields: (f: { name: string; errors: string[] }[]) => void }, names: string[]) => (field: string, message: string) => {
    if (!names.includes(field)) return false;
    form.setFields([{ name: field, errors: [message] }]);
    return true;
  };

  const columns: ColumnsType<FoundCardItemFragment> = [
    { title: t.idNumber, dataIndex: 'idNumber', width: 190, render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.nameOnCard, dataIndex: 'nameOnCard', width: 100 },
    { title: t.foundAt, dataIndex: 'foundAt', width: 170, render: formatTime },
    { title: t.foundPlace, dataIndex: 'foundPlace', width: 200 },
    { title: t.finderName, dataIndex: 'finderName', width: 100 },
    { title: t.owner, key: 'owner', width: 160, render: (_, c) => (c.ownerMatched ? t.matched(c.ownerName) : <Typography.Text type="secondary">{t.unmatched}</Typography.Text>) },
    { title: t.station, dataIndex: 'station', width: 130, render: (v: string) => <span className="hukou-mono">{v}</span> },
    {
      title: t.status,
      key: 'status',
      width: 170,
      render: (_, c) =>
        c.status === 'CLAIMED' ? (
          <>
            <Tag>{t.statuses.CLAIMED}</Tag> {c.claimantName} {formatTime(c.claimedAt)}
          </>
        ) : (
          <Tag color="blue">{t.statuses.HELD}</Tag>
        ),
    },
    {
      // Named for screen readers (axe empty-table-header), not shown.
      title: <span className="hukou-sr-only">{zhCN.caseTable.rowActions}</span>,
      key: 'actions',
      width: 100,
      render: (_, c) =>
        c.status === 'HELD' && (
          <Button
            size="small"
            onClick={() => {
              claimForm.resetFields();
              setClaimTarget(c);
            }}
          >
            {t.claim}
          </Button>
        ),
    },
  ];

  return (
    <Card
      title={t.title}
      extra={
        <Button
          type="primary"
          onClick={() => {
            recordForm.resetFields();
            setRecordOpen(true);
          }}
        >
          {t.record}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t.search}
          placeholder={t.search}
          enterButton={t.searchButton}
          allowClear
          onSearch={(v) => setIdNumber(v.trim() === '' ? null : v.trim())}
          style={{ width: 360 }}
        />
      </Space>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Table<FoundCardItemFragment>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.foundIdCards ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t.empty }}
      />
      <Modal
        title={t.record}
        open={recordOpen}
        confirmLoading={recording}
        onCancel={() => setRecordOpen(false)}
        onOk={() =>
          void recordForm.validateFields().then((v) =>
            run(
              () =>
                record({
                  variables: {
                    input: {
                      idNumber: v.idNumber,
                      nameOnCard: v.nameOnCard ?? '',
                      foundAt: v.foundAt.toISOString(),
                      foundPlace: v.foundPlace,
                      finderName: v.finderName,
                      finderPhone: v.finderPhone ?? '',
                    },
                  },
                }),
              t.recorded,
              fieldOf(recordForm as never, ['idNumber', 'nameOnCard', 'foundAt', 'foundPlace', 'finderName', 'finderPhone']),
            ).then((ok) => {
              if (ok) {
                setRecordOpen(false);
                void refetch();
              }
            }),
          )
        }
      >
        <Form form={recordForm} layout="vertical">
          <Form.Item name="idNumber" label={t.idNumber} rules={[{ required: true, message: t.required }]}>
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item name="nameOnCard" label={t.nameOnCard}>
            <Input />
          </Form.Item>
          <Form.Item name="foundAt" label={t.foundAt} rules={[{ required: true, message: t.required }]}>
            <DatePicker showTime />
          </Form.Item>
          <Form.Item name="foundPlace" label={t.foundPlace} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input />
          </Form.Item>
          <Form.Item name="finderName" label={t.finderName} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input />
          </Form.Item>
          <Form.Item name="finderPhone" label={t.finderPhone}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={t.claimTitle}
        open={claimTarget !== null}
        confirmLoading={claiming}
        okText={t.claim}
        onCancel={() => setClaimTarget(null)}
        onOk={() => {
          const c = claimTarget;
          if (!c) return;
          void claimForm.validateFields().then((v) =>
            run(
              () => claim({ variables: { id: c.id, version: c.version, claimantName: v.claimantName, claimantIdNumber: v.claimantIdNumber } }),
              t.claimed,
              fieldOf(claimForm as never, ['claimantName', 'claimantIdNumber']),
            ).then((ok) => {
              if (ok) {
                setClaimTarget(null);
                void refetch();
              }
            }),
          );
        }}
      >
        <Form form={claimForm} layout="vertical">
          <Form.Item name="claimantName" label={t.claimantName} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input />
          </Form.Item>
          <Form.Item name="claimantIdNumber" label={t.claimantIdNumber} rules={[{ required: true, message: t.required }]}>
            <Input maxLength={18} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
