import { useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import dayjs from 'dayjs';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Dropdown,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowDownOutlined, ArrowUpOutlined, DownloadOutlined, PrinterOutlined, SettingOutlined } from '@ant-design/icons';
import { useNavigate, useParams } from 'react-router';
import { skipToken, useLazyQuery, useMutation, useQuery } from '@apollo/client/react';
import {
  DeleteQueryViewDocument,
  QueryCaseMessagesDocument,
  QueryCaseTimelineDocument,
  QueryCountDocument,
  QuerySourcesDocument,
  QueryViewsDocument,
  RecentQueriesDocument,
  RunQueryDocument,
  SaveQueryViewDocument,
  StartQueryExportDocument,
  type QueryConditionInput,
  type QueryExportInfoFragment,
  type QueryFieldInfoFragment,
  type QuerySourceInfoFragment,
  type QueryViewInfoFragment,
} from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import { paths } from '../../app/paths';
import { classifyError } from '../../lib/errors';
import { zhCN } from '../../locales/zh-CN';
import { ConditionBuilder } from './ConditionBuilder';
import { describe, fromServer, newGroup, toInput, type CondGroup } from './conditions';
import { BackgroundExportNeeded, exportQuery, type ExportFormat } from './exportQuery';
import { ExportJob } from './ExportJob';
import { CaseTimeline } from '../case/CaseTimeline';
import { cellText, codeLabel } from './labels';

const t = zhCN.query;

/** Layout is what a view keeps besides its conditions: columns with widths, sort, page size, detail fields. */
export interface Layout {
  columns: { field: string; width: number }[];
  sort: { field: string; descending: boolean };
  pageSize: number;
  detailFields: string[];
}

function defaultLayout(src: QuerySourceInfoFragment): Layout {
  return {
    columns: src.defaultColumns.map((field) => ({ field, width: 0 })),
    sort: { field: src.defaultSort, descending: true },
    pageSize: 50,
    detailFields: src.fields.map((f) => f.name),
  };
}

interface Applied {
  condition: QueryConditionInput | null;
  layout: Layout;
}

/** QueryPage is the query view of one source (1.5.1–1.5.4): conditions, columns, saved views, recent conditions, count, export, print. */
export function QueryPage() {
  const { data, loading, error } = useQuery(QuerySourcesDocument);
  const { source } = useParams();
  const navigate = useNavigate();
  const sources = data?.querySources ?? [];
  const src = sources.find((s) => s.name === source) ?? sources[0];
  if (error) return <Alert type="error" showIcon message={classifyError(error).message} />;
  if (loading || !src) return <Card loading />;
  return (
    <div className="hukou-page">
      <Space className="hukou-no-print" style={{ marginBottom: 16 }} align="center" wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t.title}
        </Typography.Title>
        <Segmented
          aria-label={t.source}
          value={src.name}
          options={sources.map((s) => ({ value: s.name, label: s.label }))}
          onChange={(v) => void navigate(paths.querySource(String(v)))}
        />
      </Space>
      <SourceQuery key={src.name} src={src} />
    </div>
  );
}

function SourceQuery({ src }: { src: QuerySourceInfoFragment }) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const session = useSession(useSessionStore());
  const [root, setRoot] = useState<CondGroup>(() => newGroup());
  const [layout, setLayout] = useState<Layout>(() => defaultLayout(src));
  const [view, setView] = useState<QueryViewInfoFragment | null>(null);
  const [applied, setApplied] = useState<Applied | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [saveOpen, setSaveOpen] = useState<'save' | 'saveAs' | null>(null);
  const [detail, setDetail] = useState<{ id: string; values: (string | null)[] } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportJob, setExportJob] = useState<QueryExportInfoFragment | null>(null);
  const [startExport] = useMutation(StartQueryExportDocument);
  // Full print: every record of the page with its detail fields, rendered for the printer only.
  const [printFull, setPrintFull] = useState(false);
  const onPrintFull = () => {
    flushSync(() => setPrintFull(true)); // the records are in the page before the print dialog copies it
    window.print();
    setPrintFull(false);
  };
  const fieldsByName = useMemo(() => new Map(src.fields.map((f) => [f.name, f])), [src]);
  const masked = src.fields.some((f) => f.masked);

  // The query asks for the shown columns and then the detail fields, so the detail drawer needs no second read.
  const requested = applied
    ? [...new Set([...applied.layout.columns.map((c) => c.field), ...applied.layout.detailFields])]
    : [];
  const after = cursors[cursors.length - 1];
  const result = useQuery(
    RunQueryDocument,
    applied
      ? {
          variables: {
            input: { source: src.name, condition: applied.condition, columns: requested, sort: applied.layout.sort },
            first: applied.layout.pageSize,
            after,
          },
          // Every run reads afresh (and is audited): the records change under a view.
          fetchPolicy: 'network-only',
        }
      : skipToken,
  );
  const views = useQuery(QueryViewsDocument, { variables: { source: src.name } });
  const recent = useQuery(RecentQueriesDocument, { variables: { source: src.name } });
  const [count, countResult] = useLazyQuery(QueryCountDocument, { fetchPolicy: 'network-only' });
  const [saveView, saving] = useMutation(SaveQueryViewDocument);
  const [deleteView] = useMutation(DeleteQueryViewDocument);

  const notify = (e: unknown) => {
    const o = classifyError(e);
    if (o.kind === 'login') void navigate(paths.login);
    void message.error(o.message);
  };

  const run = () => {
    setCursors([null]);
    setApplied({ condition: toInput(root), layout });
  };
  // The server keeps a first page's conditions among the recent ones: show them once it answered.
  const answered = result.data;
  const refetchRecent = recent.refetch;
  useEffect(() => {
    if (answered) void refetchRecent();
  }, [answered, refetchRecent]);

  const loadView = (v: QueryViewInfoFragment) => {
    const l: Layout = {
      columns: v.spec.columns.map((c) => ({ field: c.field, width: c.width })),
      sort: v.spec.sort ? { field: v.spec.sort.field, descending: v.spec.sort.descending } : { field: src.defaultSort, descending: true },
      pageSize: v.spec.pageSize,
      detailFields: v.spec.detailFields.length > 0 ? [...v.spec.detailFields] : defaultLayout(src).detailFields,
    };
    const r = fromServer(v.spec.condition);
    setView(v);
    setRoot(r);
    setLayout(l);
    setCursors([null]);
    setApplied({ condition: toInput(r), layout: l });
  };

  const onSave = async (name: string, shared: boolean, asNew: boolean) => {
    const update = view && view.mine && !asNew;
    try {
      const res = await saveView({
        variables: {
          input: {
            ...(update ? { id: view.id, version: view.version } : {}),
            source: src.name,
            name,
            shared,
            spec: {
              condition: toInput(root),
              columns: layout.columns,
              sort: layout.sort,
              pageSize: layout.pageSize,
              detailFields: layout.detailFields,
            },
          },
        },
      });
      if (res.data) setView(res.data.saveQueryView);
      setSaveOpen(null);
      void views.refetch();
      void message.success(t.saved);
    } catch (e) {
      notify(e);
    }
  };

  const onDelete = async () => {
    if (!view) return;
    try {
      await deleteView({ variables: { input: { id: view.id, version: view.version } } });
      setView(null);
      void views.refetch();
      void message.success(t.deleted);
    } catch (e) {
      notify(e);
    }
  };

  const onExport = async (format: ExportFormat) => {
    const token = session?.accessToken;
    if (!token) {
      void navigate(paths.login);
      return;
    }
    setExporting(true);
    const query = {
      source: src.name,
      condition: toInput(root),
      columns: layout.columns.map((c) => c.field),
      sort: { field: layout.sort.field, descending: layout.sort.descending },
    };
    try {
      await exportQuery(token, { ...query, format });
      void message.success(t.exported.replace('{source}', src.label));
    } catch (e) {
      if (e instanceof BackgroundExportNeeded) {
        // Too large to stream: the server writes it in the background (issue 15).
        void message.info(e.message);
        try {
          const started = await startExport({ variables: { input: { query, format } } });
          if (started.data) setExportJob(started.data.startQueryExport);
        } catch (err) {
          notify(err);
        }
      } else {
        void message.error(e instanceof Error ? e.message : zhCN.errors.generic);
      }
    } finally {
      setExporting(false);
    }
  };

  const onCount = () => {
    count({ variables: { source: src.name, condition: toInput(root) } }).catch(notify);
  };

  const rows = result.data?.runQuery.rows ?? [];
  const pageInfo = result.data?.runQuery.pageInfo;
  const shown = applied?.layout.columns ?? [];
  const columns: ColumnsType<{ id: string; values: (string | null)[] }> = shown.map((c) => {
    const f = fieldsByName.get(c.field);
    const i = requested.indexOf(c.field);
    return {
      title: f?.label ?? c.field,
      key: c.field,
      width: c.width || undefined,
      render: (_, row) => cellText(f, row.values[i]),
    };
  });
  const recentOptions = (recent.data?.recentQueries ?? []).map((r) => ({
    key: r.id,
    label: describe(r.condition, src.fields, { and: t.and, or: t.or, ops: t.ops, codeLabel }) || '—',
    onClick: () => setRoot(fromServer(r.condition)),
  }));

  return (
    <>
      {masked && <Alert className="hukou-no-print" type="info" showIcon style={{ marginBottom: 12 }} message={t.masked} description={t.maskedHint} />}
      <Card className="hukou-no-print" style={{ marginBottom: 16 }} title={t.conditions}
        extra={
          <Space wrap>
            <Select
              aria-label={t.views}
              placeholder={t.viewPlaceholder}
              style={{ width: 220 }}
              allowClear
              value={view?.id}
              loading={views.loading}
              // Nothing to choose yet: closed (an empty listbox is an ARIA error, axe aria-required-children).
              disabled={!views.loading && (views.data?.queryViews.length ?? 0) === 0}
              options={(views.data?.queryViews ?? []).map((v) => ({
                value: v.id,
                label: v.mine ? v.name : `${v.name}（${v.ownerName}）`,
              }))}
              onChange={(id?: string) => {
                const v = views.data?.queryViews.find((x) => x.id === id);
                if (v) loadView(v);
                else setView(null);
              }}
            />
            {view && !view.mine && <Tag>{t.readOnly}</Tag>}
            <Dropdown menu={{ items: recentOptions }} disabled={recentOptions.length === 0}>
              <Button>{t.recent}</Button>
            </Dropdown>
          </Space>
        }
      >
        <ConditionBuilder root={root} fields={src.fields} onChange={setRoot} />
        <Space wrap style={{ marginTop: 12 }}>
          <Button type="primary" onClick={run}>
            {t.run}
          </Button>
          <Button onClick={() => setRoot(newGroup())}>{t.reset}</Button>
          <Button icon={<SettingOutlined />} onClick={() => setSettingsOpen(true)}>
            {t.columns}
          </Button>
          <Button onClick={() => setSaveOpen(view?.mine ? 'save' : 'saveAs')}>{t.saveView}</Button>
          {view && (
            <Button onClick={() => setSaveOpen('saveAs')}>{t.saveAs}</Button>
          )}
          {view?.mine && (
            <Popconfirm title={t.deleteConfirm} onConfirm={() => void onDelete()}>
              <Button danger>{t.deleteView}</Button>
            </Popconfirm>
          )}
        </Space>
      </Card>

      {printFull && applied && (
        <div className="hukou-print-only" data-testid="query-print-full">
          <Typography.Title level={2}>{src.label}</Typography.Title>
          {rows.map((row, k) => (
            <Descriptions key={row.id} className="hukou-print-record" title={t.record.replace('{n}', String(k + 1))} column={2} size="small" bordered>
              {applied.layout.detailFields.map((name) => (
                <Descriptions.Item key={name} label={fieldsByName.get(name)?.label ?? name}>
                  {cellText(fieldsByName.get(name), row.values[requested.indexOf(name)])}
                </Descriptions.Item>
              ))}
            </Descriptions>
          ))}
        </div>
      )}
      <Card
        className={printFull ? 'hukou-no-print' : undefined}
        title={src.label}
        extra={
          <Space className="hukou-no-print" wrap>
            <Button onClick={onCount} loading={countResult.loading}>
              {t.count}
            </Button>
            {countResult.data && <Typography.Text strong>{t.countResult.replace('{n}', String(countResult.data.queryCount))}</Typography.Text>}
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void onExport('CSV')}>
              {t.exportCsv}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void onExport('XLSX')}>
              {t.exportXlsx}
            </Button>
            <Button icon={<PrinterOutlined />} disabled={!applied} onClick={() => window.print()}>
              {t.print}
            </Button>
            <Button icon={<PrinterOutlined />} disabled={rows.length === 0} onClick={onPrintFull}>
              {t.printFull}
            </Button>
          </Space>
        }
      >
        {result.error && <Alert type="error" showIcon style={{ marginBottom: 12 }} message={classifyError(result.error).message} />}
        {!applied ? (
          <Empty description={t.notRun} />
        ) : (
          <>
            <Table
              rowKey="id"
              size="small"
              loading={result.loading}
              columns={columns}
              dataSource={rows}
              pagination={false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: t.noRows }}
              onRow={(row) => ({ onClick: () => setDetail(row), style: { cursor: 'pointer' } })}
            />
            <Space className="hukou-no-print" style={{ marginTop: 12 }}>
              <Button disabled={cursors.length <= 1} onClick={() => setCursors([null])}>
                {t.first}
              </Button>
              <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                {t.previous}
              </Button>
              <Button
                disabled={!pageInfo?.hasNextPage}
                onClick={() => pageInfo?.endCursor && setCursors([...cursors, pageInfo.endCursor])}
              >
                {t.next}
              </Button>
            </Space>
          </>
        )}
      </Card>

      <Drawer title={t.detail} open={detail !== null} width={560} onClose={() => setDetail(null)}
        extra={
          detail && src.name !== 'RESIDENT' ? (
            <Button type="link" onClick={() => void navigate(paths.caseDetail(caseGlobalId(detail.id)))}>
              {t.openCase}
            </Button>
          ) : (
            detail && <PersonCasesLink idNumber={fieldsByName.get('idNumber')?.masked ? null : detail.values[requested.indexOf('idNumber')]} />
          )
        }
      >
        {detail && applied && (
          <Descriptions column={1} size="small" bordered>
            {applied.layout.detailFields.map((name) => (
              <Descriptions.Item key={name} label={fieldsByName.get(name)?.label ?? name}>
                {cellText(fieldsByName.get(name), detail.values[requested.indexOf(name)])}
              </Descriptions.Item>
            ))}
          </Descriptions>
        )}
        {detail && src.name !== 'RESIDENT' && <CaseSourceTimeline id={detail.id} />}
      </Drawer>

      <LayoutSettings
        open={settingsOpen}
        src={src}
        layout={layout}
        onClose={() => setSettingsOpen(false)}
        onChange={(l) => {
          setLayout(l);
          if (applied) {
            setCursors([null]);
            setApplied({ ...applied, layout: l });
          }
        }}
      />
      <SaveViewModal
        open={saveOpen !== null}
        initialName={saveOpen === 'save' ? view?.name ?? '' : ''}
        initialShared={saveOpen === 'save' && !!view?.sharedOffice}
        saving={saving.loading}
        onCancel={() => setSaveOpen(null)}
        onSave={(name, shared) => void onSave(name, shared, saveOpen === 'saveAs')}
      />
      {exportJob && <ExportJob job={exportJob} onClose={() => setExportJob(null)} />}
    </>
  );
}

interface SettingsProps {
  open: boolean;
  src: QuerySourceInfoFragment;
  layout: Layout;
  onClose: () => void;
  onChange: (l: Layout) => void;
}

/** LayoutSettings chooses the columns (shown, order, width), the sort, the page size and the detail fields. */
function LayoutSettings({ open, src, layout, onClose, onChange }: SettingsProps) {
  const shown = new Set(layout.columns.map((c) => c.field));
  const ordered: QueryFieldInfoFragment[] = [
    ...layout.columns.map((c) => src.fields.find((f) => f.name === c.field)).filter((f): f is QueryFieldInfoFragment => !!f),
    ...src.fields.filter((f) => !shown.has(f.name)),
  ];
  const move = (i: number, d: number) => {
    const cols = [...layout.columns];
    const j = i + d;
    if (j < 0 || j >= cols.length) return;
    [cols[i], cols[j]] = [cols[j], cols[i]];
    onChange({ ...layout, columns: cols });
  };
  return (
    <Drawer title={t.columns} open={open} onClose={onClose} width={520}>
      {ordered.map((f) => {
        const i = layout.columns.findIndex((c) => c.field === f.name);
        return (
          <Space key={f.name} style={{ display: 'flex', marginBottom: 6 }}>
            <Checkbox
              checked={i >= 0}
              disabled={i >= 0 && layout.columns.length === 1}
              onChange={(e) =>
                onChange({
                  ...layout,
                  columns: e.target.checked ? [...layout.columns, { field: f.name, width: 0 }] : layout.columns.filter((c) => c.field !== f.name),
                })
              }
            >
              <span style={{ display: 'inline-block', width: 150 }}>{f.label}</span>
            </Checkbox>
            {i >= 0 && (
              <>
                <Button size="small" icon={<ArrowUpOutlined />} aria-label={t.moveUp} disabled={i === 0} onClick={() => move(i, -1)} />
                <Button size="small" icon={<ArrowDownOutlined />} aria-label={t.moveDown} disabled={i === layout.columns.length - 1} onClick={() => move(i, 1)} />
                <InputNumber
                  size="small"
                  aria-label={t.columnWidth}
                  min={0}
                  max={2000}
                  step={20}
                  placeholder={t.columnWidth}
                  value={layout.columns[i].width || null}
                  onChange={(w) => onChange({ ...layout, columns: layout.columns.map((c, k) => (k === i ? { ...c, width: w ?? 0 } : c)) })}
                />
              </>
            )}
          </Space>
        );
      })}
      <Form layout="vertical" style={{ marginTop: 16 }}>
        <Form.Item label={t.sort}>
          <Space.Compact>
            <Select
              aria-label={t.sort}
              style={{ width: 200 }}
              value={layout.sort.field}
              options={src.fields.filter((f) => f.sortable && !f.masked).map((f) => ({ value: f.name, label: f.label }))}
              onChange={(field: string) => onChange({ ...layout, sort: { ...layout.sort, field } })}
            />
            <Select
              style={{ width: 100 }}
              value={layout.sort.descending}
              options={[
                { value: true, label: t.descending },
                { value: false, label: t.ascending },
              ]}
              onChange={(descending: boolean) => onChange({ ...layout, sort: { ...layout.sort, descending } })}
            />
          </Space.Compact>
        </Form.Item>
        <Form.Item label={t.pageSize}>
          <InputNumber min={1} max={200} value={layout.pageSize} onChange={(n) => n && onChange({ ...layout, pageSize: n })} />
        </Form.Item>
        <Form.Item label={t.detailFields}>
          <Select
            mode="multiple"
            value={layout.detailFields}
            options={src.fields.map((f) => ({ value: f.name, label: f.label }))}
            onChange={(detailFields: string[]) => onChange({ ...layout, detailFields })}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

interface SaveProps {
  open: boolean;
  initialName: string;
  initialShared: boolean;
  saving: boolean;
  onCancel: () => void;
  onSave: (name: string, shared: boolean) => void;
}

function SaveViewModal({ open, initialName, initialShared, saving, onCancel, onSave }: SaveProps) {
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  return (
    <Modal
      title={t.saveView}
      open={open}
      confirmLoading={saving}
      onCancel={onCancel}
      onOk={() => void form.validateFields().then((v) => onSave(v.name.trim(), v.shared))}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" preserve={false} initialValues={{ name: initialName, shared: initialShared }}>
        <Form.Item name="name" label={t.viewName} rules={[{ required: true, whitespace: true, message: t.viewNameRequired }, { max: 60 }]}>
          <Input autoFocus maxLength={60} />
        </Form.Item>
        <Form.Item name="shared" valuePropName="checked">
          <Checkbox>{t.share}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** CaseSourceTimeline is a case's history in the query's detail drawer (its source view), masked as the case page is. */
function CaseSourceTimeline({ id }: { id: string }) {
  const { data, error } = useQuery(QueryCaseTimelineDocument, { variables: { id: caseGlobalId(id) }, fetchPolicy: 'network-only' });
  if (error) return <Alert style={{ marginTop: 16 }} type="warning" showIcon message={classifyError(error).message} />;
  const timeline = data?.case?.timeline;
  if (!timeline) return null;
  return (
    <>
      <section aria-label={t.history} style={{ marginTop: 16 }}>
        <Typography.Title level={3}>{t.history}</Typography.Title>
        <CaseTimeline entries={timeline} />
      </section>
      {data.case?.collabNo && <CaseSourceMessages collabNo={data.case.collabNo} />}
    </>
  );
}

/** CaseSourceMessages are the case's collaboration messages in this deployment's log (the source view), bodies masked for analysts. */
function CaseSourceMessages({ collabNo }: { collabNo: string }) {
  const { data, error, loading } = useQuery(QueryCaseMessagesDocument, { variables: { collabNo }, fetchPolicy: 'network-only' });
  if (error) return <Alert style={{ marginTop: 16 }} type="warning" showIcon message={classifyError(error).message} />;
  const ops = zhCN.admin.operations;
  const rows = data?.collaborationMessages.edges.map((e) => e.node) ?? [];
  return (
    <section aria-label={t.messages} style={{ marginTop: 16 }}>
      <Typography.Title level={3}>{t.messages}</Typography.Title>
      <Table
        size="small"
        rowKey="messageId"
        loading={loading}
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t.messagesEmpty }}
        expandable={{
          // The expand buttons' column is named for screen readers (axe empty-table-header), not shown.
          columnTitle: <span className="hukou-sr-only">{t.messageBody}</span>,
          expandedRowRender: (m) => <pre className="hukou-mono" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{m.body}</pre>,
        }}
        columns={[
          { title: t.messageColumns.sentAt, dataIndex: 'sentAt', render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          { title: t.messageColumns.direction, dataIndex: 'direction', render: (v: string) => ops.directions[v] ?? v },
          { title: t.messageColumns.type, dataIndex: 'messageType', render: (v: string) => zhCN.messageTypes[v] ?? v },
          { title: t.messageColumns.status, dataIndex: 'status', render: (v: string) => ops.statuses[v] ?? v },
        ]}
      />
    </section>
  );
}

/**
 * caseGlobalId is the case's global ID (the API's Node ID: base64url of "Case:<id>", unpadded) for a query row's
 * ID, which is the case's own ID: the case page and the case query take the global one.
 */
export function caseGlobalId(id: string): string {
  return btoa(`Case:${id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * PersonCasesLink opens the case list searched by a resident's ID number (#19 item 4: the person's cases from a
 * resident look-up); nothing when the ID number is not read (not a column) or read masked.
 */
function PersonCasesLink({ idNumber }: { idNumber: string | null | undefined }) {
  const navigate = useNavigate();
  if (!idNumber) return null;
  return (
    <Button type="link" onClick={() => void navigate(`${paths.cases}?${new URLSearchParams({ person: idNumber }).toString()}`)}>
      {zhCN.caseTable.personCases}
    </Button>
  );
}
