import { useState } from 'react';
import { Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { ColumnsType } from 'antd/es/table';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import {
  CaseListDocument,
  type CaseFilter,
  type CaseKind,
  type CaseStatus,
  type CaseSummaryFragment,
  type Side,
} from '../../graphql/generated/graphql';
import { paths } from '../../app/paths';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import { formatTime } from '../../lib/format';
import { statusLabel, zhCN } from '../../locales/zh-CN';
import { kinds } from '../kinds';
import { StatusTag } from './StatusTag';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';

const t = zhCN.caseList;
const pageSize = 20;

const kindOptions = (Object.keys(kinds) as CaseKind[]).map((k) => ({ value: k, label: zhCN.kinds[k] }));
const sideOptions = (Object.keys(zhCN.sides) as Side[]).map((s) => ({ value: s, label: zhCN.sides[s] }));
const statusOptions = (Object.keys(zhCN.statuses) as CaseStatus[]).map((s) => ({ value: s, label: statusLabel(s) }));

interface FilterForm {
  kind?: CaseKind;
  side?: Side;
  status?: CaseStatus;
  collabNo?: string;
  person?: string;
  created?: [Dayjs | null, Dayjs | null] | null;
}

/** day parses a YYYY-MM-DD query parameter. */
function day(v: string | null): Dayjs | null {
  const d = v ? dayjs(v, 'YYYY-MM-DD', true) : null;
  return d?.isValid() ? d : null;
}

/** peopleText shows the first two persons of a case and how many more. */
function peopleText(people: CaseSummaryFragment['people']): string {
  const names = people.map((p) => p.name).filter((n) => n !== '');
  const shown = names.slice(0, 2).join('、');
  return names.length > 2 ? `${shown} ${t.morePeople(names.length)}` : shown;
}

function isKind(v: string | null): v is CaseKind {
  return v !== null && v in kinds;
}
function isSide(v: string | null): v is Side {
  return v !== null && v in zhCN.sides;
}
function isStatus(v: string | null): v is CaseStatus {
  return v !== null && v in zhCN.statuses;
}

/**
 * CaseListPage lists the cases in the office's jurisdiction (2.1), found by kind, side, status, collaboration number,
 * a person (name or ID number) and the date it was opened, with the persons and the other office on each row.
 */
export function CaseListPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind');
  const side = params.get('side');
  const status = params.get('status');
  const collabNo = params.get('collabNo');
  const person = params.get('person');
  const from = day(params.get('from'));
  const to = day(params.get('to'));
  const session = useSession(useSessionStore());
  // Analysts read names and ID numbers masked, so they cannot search by them (the server refuses too).
  const searchesPeople = (session?.user.roles ?? []).some((r) => r !== 'ANALYST' && r !== 'INTEGRATOR');
  const filter: CaseFilter = {
    ...(isKind(kind) ? { kind } : {}),
    ...(isSide(side) ? { side } : {}),
    ...(isStatus(status) ? { statuses: [status] } : {}),
    ...(collabNo ? { collabNo } : {}),
    ...(person && searchesPeople ? { person } : {}),
    ...(from ? { createdFrom: from.startOf('day').toISOString() } : {}),
    ...(to ? { createdBefore: to.add(1, 'day').startOf('day').toISOString() } : {}),
  };
  // Cursors of the pages before the current one; the last entry is the current page's `after`.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  const { data, loading, error, refetch } = useQuery(CaseListDocument, {
    variables: { filter, first: pageSize, after },
  });

  const onSearch = (v: FilterForm) => {
    const next = new URLSearchParams();
    if (v.kind) next.set('kind', v.kind);
    if (v.side) next.set('side', v.side);
    if (v.status) next.set('status', v.status);
    if (v.collabNo?.trim()) next.set('collabNo', v.collabNo.trim());
    if (v.person?.trim()) next.set('person', v.person.trim());
    if (v.created?.[0]) next.set('from', v.created[0].format('YYYY-MM-DD'));
    if (v.created?.[1]) next.set('to', v.created[1].format('YYYY-MM-DD'));
    setCursors([null]);
    setParams(next);
  };

  const columns: ColumnsType<CaseSummaryFragment> = [
    {
      title: t.collabNo,
      dataIndex: 'collabNo',
      render: (v: string) => <span className="hukou-mono">{v}</span>,
    },
    { title: t.kind, dataIndex: 'kind', render: (k: CaseKind) => zhCN.kinds[k], width: 140 },
    { title: t.people, key: 'people', render: (_, c) => peopleText(c.people) },
    { title: t.side, dataIndex: 'side', render: (s: Side) => zhCN.sides[s], width: 110 },
    {
      title: t.otherOffice,
      key: 'otherOffice',
      render: (_, c) => (c.side === 'ACCEPTANCE' ? c.registrationOfficeName : c.acceptanceOfficeName),
    },
    {
      title: t.status,
      key: 'status',
      width: 220,
      render: (_, c) => (
        <Space size={4} wrap>
          <StatusTag status={c.status} />
          {c.overdue && <Tag color="red">{t.overdue}</Tag>}
          {c.awaitingOtherSide && <Tag>{t.awaiting}</Tag>}
        </Space>
      ),
    },
    { title: t.created, dataIndex: 'createdAt', render: formatTime, width: 170 },
    { title: t.deadline, dataIndex: 'deadlineAt', render: formatTime, width: 170 },
    { title: t.updatedAt, dataIndex: 'updatedAt', render: formatTime, width: 170 },
    {
      title: '',
      key: 'open',
      width: 80,
      render: (_, c) => (
        <Button type="link" onClick={() => void navigate(paths.caseDetail(c.id))}>
          {t.open}
        </Button>
      ),
    },
  ];

  const rows = data?.cases.edges.map((e) => e.node) ?? [];
  const pageInfo = data?.cases.pageInfo;

  return (
    <div className="hukou-page">
      <Typography.Title level={3}>{t.title}</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form<FilterForm>
          layout="inline"
          key={params.toString()}
          initialValues={{
            kind: isKind(kind) ? kind : undefined,
            side: isSide(side) ? side : undefined,
            status: isStatus(status) ? status : undefined,
            collabNo: collabNo ?? undefined,
            person: person ?? undefined,
            created: from || to ? [from, to] : undefined,
          }}
          onFinish={onSearch}
        >
          <Form.Item name="kind" label={t.kind}>
            <Select allowClear placeholder={t.all} options={kindOptions} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="side" label={t.side}>
            <Select allowClear placeholder={t.all} options={sideOptions} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="status" label={t.status}>
            <Select allowClear placeholder={t.all} options={statusOptions} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="collabNo" label={t.collabNo}>
            <Input allowClear placeholder={t.collabNoPlaceholder} style={{ width: 220 }} />
          </Form.Item>
          {searchesPeople && (
            <Form.Item name="person" label={t.person}>
              <Input allowClear placeholder={t.personPlaceholder} style={{ width: 200 }} />
            </Form.Item>
          )}
          <Form.Item name="created" label={t.created}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t.search}
            </Button>
            <Button onClick={() => onSearch({})}>{t.reset}</Button>
          </Space>
        </Form>
      </Card>
      <QueryErrorAlert error={error} onRetry={() => void refetch()} />
      <Card>
        <Table<CaseSummaryFragment>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          onRow={(c) => ({ onDoubleClick: () => void navigate(paths.caseDetail(c.id)) })}
        />
        <Space style={{ marginTop: 16, justifyContent: 'flex-end', width: '100%' }}>
          <Typography.Text type="secondary">{t.pageSize(pageSize)}</Typography.Text>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors([null])}>
            {t.firstPage}
          </Button>
          <Button
            disabled={!pageInfo?.hasNextPage || !pageInfo.endCursor}
            onClick={() => pageInfo?.endCursor && setCursors([...cursors, pageInfo.endCursor])}
          >
            {t.nextPage}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
