import { useState } from 'react';
import { App, Button, Card, Checkbox, DatePicker, Form, Input, Popover, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DownloadOutlined, PrinterOutlined, SettingOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import type { ColumnsType } from 'antd/es/table';
import { useNavigate, useSearchParams } from 'react-router';
import { useLazyQuery, useQuery } from '@apollo/client/react';
import {
  CaseCountDocument,
  CaseListDocument,
  CaseListOfficesDocument,
  type CaseFilter,
  type CaseOrder,
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
import { accessFor } from '../../lib/access';
import type { ExportFormat } from '../query/exportQuery';
import { move, shownColumns, defaultColumnSettings, type CaseColumnKey, type ColumnSettings } from './caseColumns';
import { exportCases } from './exportCases';
import { useColumnSettings } from './useColumnSettings';

const t = zhCN.caseList;
const tt = zhCN.caseTable;
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
  office?: string;
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
 * a person (name or ID number) and the date it was opened, with the persons and the other office on each row; its
 * columns chosen and ordered per user (kept on the server), its total counted on demand, exported as the list shows
 * it (the search, the order, the shown columns; audited and masked by the server) by every role that reads it, and
 * printed in brief, paged by keyset (#19 item 4).
 */
export function CaseListPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind');
  const side = params.get('side');
  const status = params.get('status');
  const collabNo = params.get('collabNo');
  const person = params.get('person');
  const office = params.get('office');
  const offices = useQuery(CaseListOfficesDocument).data?.offices ?? [];
  const from = day(params.get('from'));
  const to = day(params.get('to'));
  const session = useSession(useSessionStore());
  // Analysts read names and ID numbers masked, so they cannot search by them (the server refuses too).
  const searchesPeople = (session?.user.roles ?? []).some((r) => r !== 'ANALYST' && r !== 'INTEGRATOR');
  const username = session?.user.username ?? '';
  const { message } = App.useApp();
  const [settings, setSettings] = useColumnSettings(username, () => void message.warning(tt.columnsNotSaved));
  // Every role that reads the case list exports it; the server confines and masks it as it does the list.
  const canExport = accessFor(session?.user.roles ?? []).canViewCases;
  const [exporting, setExporting] = useState(false);
  const [count, countResult] = useLazyQuery(CaseCountDocument, { fetchPolicy: 'network-only' });
  const filter: CaseFilter = {
    ...(isKind(kind) ? { kind } : {}),
    ...(isSide(side) ? { side } : {}),
    ...(isStatus(status) ? { statuses: [status] } : {}),
    ...(collabNo ? { collabNo } : {}),
    ...(person && searchesPeople ? { person } : {}),
    ...(office ? { office } : {}),
    ...(from ? { createdFrom: from.startOf('day').toISOString() } : {}),
    ...(to ? { createdBefore: to.add(1, 'day').startOf('day').toISOString() } : {}),
  };
  // Cursors of the pages before the current one; the last entry is the current page's `after`.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1];
  // The sorted column (#19 item 4): the server sorts and pages on it; a new order starts from the first page.
  const [order, setOrder] = useState<CaseOrder>('UPDATED_DESC');
  const { data, loading, error, refetch } = useQuery(CaseListDocument, {
    variables: { filter, first: pageSize, after, orderBy: order },
  });
  const sortOrderOf = (key: SortableKey) => (order === sortable[key].ascend ? 'ascend' : order === sortable[key].descend ? 'descend' : null);
  const onSort = (key: SortableKey | undefined, dir: 'ascend' | 'descend' | null | undefined) => {
    setOrder(key && dir ? sortable[key][dir] : 'UPDATED_DESC');
    setCursors([null]);
  };
  // The total belongs to the filter it was counted for; a new search asks again.
  const filterKey = JSON.stringify(filter);
  const [countedFor, setCountedFor] = useState<string | null>(null);
  const total = countedFor === filterKey ? countResult.data?.caseCount : undefined;
  const onCount = () => {
    setCountedFor(filterKey);
    void count({ variables: { filter } });
  };

  const onExport = async (format: ExportFormat) => {
    if (!session) return;
    setExporting(true);
    try {
      await exportCases(session.accessToken, { filter, orderBy: order, columns: shownColumns(settings), format });
      void message.success(tt.exported);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : zhCN.errors.generic);
    } finally {
      setExporting(false);
    }
  };

  const onSearch = (v: FilterForm) => {
    const next = new URLSearchParams();
    if (v.kind) next.set('kind', v.kind);
    if (v.side) next.set('side', v.side);
    if (v.status) next.set('status', v.status);
    if (v.collabNo?.trim()) next.set('collabNo', v.collabNo.trim());
    if (v.person?.trim()) next.set('person', v.person.trim());
    if (v.office) next.set('office', v.office);
    if (v.created?.[0]) next.set('from', v.created[0].format('YYYY-MM-DD'));
    if (v.created?.[1]) next.set('to', v.created[1].format('YYYY-MM-DD'));
    setCursors([null]);
    setParams(next);
  };

  const columnByKey: Record<CaseColumnKey, ColumnsType<CaseSummaryFragment>[number]> = {
    collabNo: {
      key: 'collabNo',
      title: t.collabNo,
      dataIndex: 'collabNo',
      width: 220,
      sorter: true,
      sortOrder: sortOrderOf('collabNo'),
      render: (v: string) => <span className="hukou-mono">{v}</span>,
    },
    kind: { key: 'kind', title: t.kind, dataIndex: 'kind', render: (k: CaseKind) => zhCN.kinds[k], width: 140 },
    people: { title: t.people, key: 'people', width: 160, render: (_, c) => peopleText(c.people) },
    side: { key: 'side', title: t.side, dataIndex: 'side', render: (s: Side) => zhCN.sides[s], width: 110 },
    otherOffice: {
      title: t.otherOffice,
      key: 'otherOffice',
      width: 160,
      render: (_, c) => (c.side === 'ACCEPTANCE' ? c.registrationOfficeName : c.acceptanceOfficeName),
    },
    status: {
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
    created: { key: 'created', title: t.created, dataIndex: 'createdAt', render: formatTime, width: 170, sorter: true, sortOrder: sortOrderOf('created') },
    deadline: { key: 'deadline', title: t.deadline, dataIndex: 'deadlineAt', render: formatTime, width: 170 },
    updatedAt: {
      key: 'updatedAt',
      title: t.updatedAt,
      dataIndex: 'updatedAt',
      render: formatTime,
      width: 170,
      sorter: true,
      sortOrder: sortOrderOf('updatedAt'),
    },
  };
  const columns: ColumnsType<CaseSummaryFragment> = [
    ...shownColumns(settings).map((k) => columnByKey[k]),
    {
      // Named for screen readers (axe empty-table-header), not shown.
      title: <span className="hukou-sr-only">{t.open}</span>,
      key: 'open',
      className: 'hukou-no-print',
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
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Typography.Title level={2} className="hukou-print-only">
        {tt.printTitle(rows.length)}
      </Typography.Title>
      <Card className="hukou-no-print" style={{ marginBottom: 16 }}>
        <Form<FilterForm>
          layout="inline"
          key={params.toString()}
          initialValues={{
            kind: isKind(kind) ? kind : undefined,
            side: isSide(side) ? side : undefined,
            status: isStatus(status) ? status : undefined,
            collabNo: collabNo ?? undefined,
            person: person ?? undefined,
            office: office ?? undefined,
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
          <Form.Item name="office" label={t.office}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t.all}
              options={offices.map((o) => ({ value: o.code, label: o.name }))}
              style={{ width: 200 }}
            />
          </Form.Item>
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
        <Space className="hukou-no-print" style={{ marginBottom: 12 }} wrap>
          <Button onClick={onCount} loading={countResult.loading && countedFor === filterKey}>
            {tt.count}
          </Button>
          {total !== undefined && <Typography.Text data-testid="case-total">{tt.total(total)}</Typography.Text>}
          <QueryErrorAlert error={countedFor === filterKey ? countResult.error : undefined} />
          <Popover trigger="click" placement="bottomLeft" title={tt.columns} content={<ColumnSettingsPanel settings={settings} onChange={setSettings} labels={columnLabels} />}>
            <Button icon={<SettingOutlined />}>{tt.columns}</Button>
          </Popover>
          {canExport &&
            (['CSV', 'XLSX'] as const).map((f) => (
              <Tooltip key={f} title={tt.exportHint}>
                <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void onExport(f)}>
                  {f === 'CSV' ? tt.exportCsv : tt.exportXlsx}
                </Button>
              </Tooltip>
            ))}
          <Button icon={<PrinterOutlined />} disabled={rows.length === 0} onClick={() => window.print()}>
            {tt.print}
          </Button>
        </Space>
        <Table<CaseSummaryFragment>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          sortDirections={['ascend', 'descend']}
          onChange={(_p, _f, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            onSort(isSortable(s?.columnKey) ? s.columnKey : undefined, s?.order);
          }}
          onRow={(c) => ({ onDoubleClick: () => void navigate(paths.caseDetail(c.id)) })}
        />
        <Space className="hukou-no-print" style={{ marginTop: 16, justifyContent: 'flex-end', width: '100%' }}>
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

/** The sortable columns and the server's order for each direction. */
const sortable = {
  collabNo: { ascend: 'COLLAB_NO_ASC', descend: 'COLLAB_NO_DESC' },
  created: { ascend: 'CREATED_ASC', descend: 'CREATED_DESC' },
  updatedAt: { ascend: 'UPDATED_ASC', descend: 'UPDATED_DESC' },
} as const satisfies Record<string, Record<'ascend' | 'descend', CaseOrder>>;
type SortableKey = keyof typeof sortable;
const isSortable = (k: unknown): k is SortableKey => typeof k === 'string' && k in sortable;

const columnLabels: Record<CaseColumnKey, string> = {
  collabNo: t.collabNo,
  kind: t.kind,
  people: t.people,
  side: t.side,
  otherOffice: t.otherOffice,
  status: t.status,
  created: t.created,
  deadline: t.deadline,
  updatedAt: t.updatedAt,
};

/** ColumnSettingsPanel shows and hides the columns and orders them; at least one stays shown. */
function ColumnSettingsPanel({
  settings,
  onChange,
  labels,
}: {
  settings: ColumnSettings;
  onChange: (s: ColumnSettings) => void;
  labels: Record<CaseColumnKey, string>;
}) {
  const shown = shownColumns(settings);
  return (
    <div style={{ width: 280 }} data-testid="case-column-settings">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {tt.columnsHint}
      </Typography.Paragraph>
      {settings.order.map((k, i) => (
        <div key={k} style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: '2px 0' }}>
          <Checkbox
            checked={!settings.hidden.includes(k)}
            disabled={shown.length === 1 && shown[0] === k}
            onChange={(e) =>
              onChange({ ...settings, hidden: e.target.checked ? settings.hidden.filter((h) => h !== k) : [...settings.hidden, k] })
            }
          >
            {labels[k]}
          </Checkbox>
          <Space size={0}>
            <Button
              type="text"
              size="small"
              icon={<ArrowUpOutlined />}
              aria-label={tt.moveUp(labels[k])}
              disabled={i === 0}
              onClick={() => onChange({ ...settings, order: move(settings.order, k, -1) })}
            />
            <Button
              type="text"
              size="small"
              icon={<ArrowDownOutlined />}
              aria-label={tt.moveDown(labels[k])}
              disabled={i === settings.order.length - 1}
              onClick={() => onChange({ ...settings, order: move(settings.order, k, 1) })}
            />
          </Space>
        </div>
      ))}
      <Button size="small" style={{ marginTop: 8 }} onClick={() => onChange(defaultColumnSettings)}>
        {tt.resetColumns}
      </Button>
    </div>
  );
}
