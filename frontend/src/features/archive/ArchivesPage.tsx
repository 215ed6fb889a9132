import type { CheckboxProps } from 'antd';
import { useMemo, useState } from 'react';
import { Button, Card, DatePicker, Form, Image, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { FilePdfOutlined, PrinterOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@apollo/client/react';
import type { Dayjs } from 'dayjs';
import {
  ArchiveMaterialTypesDocument,
  ArchiveOfficesDocument,
  SearchArchivesDocument,
  type ArchiveHitInfoFragment,
  type ArchiveRestriction,
  type ArchiveSearchInput,
  type ArchiveStatus,
  type CaseKind,
  type FileLinkInfoFragment,
} from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import { accessFor } from '../../lib/access';
import { CursorPager, useCursors } from '../../components/CursorPager';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFileLinks } from '../../lib/files';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { StatusTag } from '../case/StatusTag';
import { kinds } from '../kinds';
import { ArchiveDetail } from './ArchiveDetail';
import { printArchives } from './print';
import { RestrictionTag, ValidityTag, restrictionOptions } from './tags';

const t = zhCN.archives;
const pageSize = 20;
const thumb = 64;

const kindOptions = (Object.keys(kinds) as CaseKind[]).map((k) => ({ value: k, label: zhCN.kinds[k] }));
const statusOptions = (['VALID', 'DELETED'] as ArchiveStatus[]).map((s) => ({ value: s, label: t.statuses[s] }));
interface SearchForm {
  kind?: CaseKind;
  collabNo?: string;
  personName?: string;
  personIdNumber?: string;
  materialCode?: string;
  officeCode?: string;
  dates?: [Dayjs | null, Dayjs | null] | null;
  status?: ArchiveStatus;
  restriction?: ArchiveRestriction;
}

/** toSearch turns the form into the query's conditions, leaving out what is empty. */
export function toSearch(v: SearchForm): ArchiveSearchInput {
  const s: ArchiveSearchInput = {};
  const text = (x: string | undefined) => x?.trim() || undefined;
  if (v.kind) s.kind = v.kind;
  if (text(v.collabNo)) s.collabNo = text(v.collabNo);
  if (text(v.personName)) s.personName = text(v.personName);
  if (text(v.personIdNumber)) s.personIdNumber = text(v.personIdNumber)?.toUpperCase();
  if (v.materialCode) s.materialCode = v.materialCode;
  if (v.officeCode) s.officeCode = v.officeCode;
  if (v.dates?.[0]) s.from = v.dates[0].format('YYYY-MM-DD');
  if (v.dates?.[1]) s.to = v.dates[1].format('YYYY-MM-DD');
  if (v.status) s.status = v.status;
  if (v.restriction) s.restriction = v.restriction;
  return s;
}

function Thumb({ hit, link }: { hit: ArchiveHitInfoFragment; link: FileLinkInfoFragment | undefined }) {
  const f = hit.file;
  if (f.contentType === 'application/pdf') {
    return (
      <div
        style={{ width: thumb, height: thumb, display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#fafafa', border: '1px solid #f0f0f0' }}
        title={t.pdf}
      >
        <FilePdfOutlined style={{ fontSize: 28, color: '#cf1322' }} />
      </div>
    );
  }
  return (
    <Image
      width={thumb}
      height={thumb}
      style={{ objectFit: 'cover', borderRadius: 4, border: '1px solid #f0f0f0' }}
      src={link?.thumbnailUrl}
      alt={f.name}
      preview={link ? { src: link.url } : false}
      data-testid="archive-result-thumb"
    />
  );
}

/**
 * ArchivesPage is archive management (档案管理, 1.4.6–1.4.8, 1.4.19): search the
 * jurisdiction's archives by conditions, see them with thumbnails, open one
 * in a drawer to modify, delete, restore or flag it, or open its case.
 */
export function ArchivesPage() {
  const session = useSession(useSessionStore());
  const access = accessFor(session?.user.roles ?? []);
  const [form] = Form.useForm<SearchForm>();
  const [search, setSearch] = useState<ArchiveSearchInput>({ status: 'VALID' });
  const cursors = useCursors();
  const [openId, setOpenId] = useState<string | null>(null);
  const { data, loading, error, refetch } = useQuery(SearchArchivesDocument, {
    variables: { search, first: pageSize, after: cursors.after },
    fetchPolicy: 'network-only',
  });
  const materials = useQuery(ArchiveMaterialTypesDocument);
  const offices = useQuery(ArchiveOfficesDocument);
  const hits = useMemo(() => data?.searchArchives.edges.map((e) => e.node) ?? [], [data]);
  // Deleted archives open only for archivists and administrators (the server refuses the others' links).
  const linkIds = hits.filter((h) => h.file.valid || access.canRestrictArchives).map((h) => h.file.id);
  const links = useFileLinks(linkIds);
  const open = hits.find((h) => h.file.id === openId) ?? null;
  const [selected, setSelected] = useState<string[]>([]);
  const printable = hits.filter((h) => selected.includes(h.file.id) && links.has(h.file.id));

  const onSearch = (v: SearchForm) => {
    setOpenId(null);
    cursors.toFirst();
    setSearch(toSearch(v));
  };

  const columns: ColumnsType<ArchiveHitInfoFragment> = [
    { title: t.thumbnail, key: 'thumb', width: thumb + 24, render: (_, h) => <Thumb hit={h} link={links.get(h.file.id)} /> },
    {
      title: t.materialType,
      key: 'material',
      width: 220,
      render: (_, h) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{h.materialName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="archive-file-name">
            {h.file.name}
          </Typography.Text>
          {h.file.pages > 1 && <Typography.Text style={{ fontSize: 12 }}>{zhCN.pages.count(h.file.pages)}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t.caseColumn,
      key: 'case',
      render: (_, h) => (
        <Space direction="vertical" size={0}>
          <Typography.Text>{zhCN.kinds[h.case.kind]}</Typography.Text>
          <span className="hukou-mono" style={{ fontSize: 12 }}>
            {h.case.collabNo}
          </span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {h.case.office?.name ?? ''}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t.capturedAt, key: 'at', width: 150, render: (_, h) => formatTime(h.file.createdAt) },
    {
      title: t.status,
      key: 'status',
      width: 190,
      render: (_, h) => (
        <Space size={4} wrap>
          <ValidityTag valid={h.file.valid} />
          <RestrictionTag r={h.file.restriction} />
          <StatusTag status={h.case.status} />
        </Space>
      ),
    },
    {
      title: t.operations,
      key: 'ops',
      width: 80,
      render: (_, h) => (
        <Button type="link" onClick={() => setOpenId(h.file.id)} data-testid={`archive-open-${h.file.id}`}>
          {t.detail}
        </Button>
      ),
    },
  ];

  return (
    <div className="hukou-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        <Form<SearchForm> form={form} layout="inline" initialValues={{ status: 'VALID' }} onFinish={onSearch} data-testid="archive-search">
          <Form.Item name="kind" label={t.kind}>
            <Select allowClear placeholder={t.any} options={kindOptions} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="collabNo" label={t.collabNo}>
            <Input allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="personName" label={t.personName}>
            <Input allowClear style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="personIdNumber" label={t.personIdNumber}>
            <Input allowClear style={{ width: 200 }} maxLength={18} />
          </Form.Item>
          <Form.Item name="materialCode" label={t.materialType}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t.any}
              style={{ width: 180 }}
              options={(materials.data?.archiveMaterialTypes ?? []).map((m) => ({ value: m.code, label: m.name }))}
            />
          </Form.Item>
          <Form.Item name="officeCode" label={t.office}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t.any}
              style={{ width: 180 }}
              options={(offices.data?.offices ?? []).map((o) => ({ value: o.code, label: o.name }))}
            />
          </Form.Item>
          <Form.Item name="dates" label={t.dates}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item name="status" label={t.status}>
            <Select allowClear placeholder={t.any} options={statusOptions} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="restriction" label={t.restriction}>
            <Select allowClear placeholder={t.any} options={restrictionOptions} style={{ width: 160 }} />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t.search}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                onSearch({ status: 'VALID' });
              }}
            >
              {t.reset}
            </Button>
          </Space>
        </Form>
      </Card>
      {error && <QueryErrorAlert error={error} onRetry={() => void refetch()} />}
      <Card>
        <Space style={{ marginBottom: 12 }}>
          <Button
            icon={<PrinterOutlined />}
            disabled={printable.length === 0}
            onClick={() => printArchives(printable, links)}
            data-testid="archive-print-selected"
          >
            {t.printSelected(printable.length)}
          </Button>
        </Space>
        <Image.PreviewGroup>
          <Table<ArchiveHitInfoFragment>
            rowKey={(h) => h.file.id}
            size="middle"
            loading={loading}
            columns={columns}
            dataSource={hits}
            pagination={false}
            rowSelection={{
              selectedRowKeys: selected,
              onChange: (keys) => setSelected(keys.map(String)),
              // antd passes aria-* on to the checkbox input, though its props type does not list them.
              getCheckboxProps: (h) => ({ 'aria-label': t.selectForPrint(`${h.materialName} ${h.file.name}`) }) as CheckboxProps,
            }}
            locale={{ emptyText: t.noResults }}
            data-testid="archive-results"
          />
        </Image.PreviewGroup>
        <CursorPager cursors={cursors} pageInfo={data?.searchArchives.pageInfo} pageSize={pageSize} />
      </Card>
      {open && (
        <ArchiveDetail
          hit={open}
          link={links.get(open.file.id)}
          onClose={() => setOpenId(null)}
          onChanged={() => refetch()}
        />
      )}
    </div>
  );
}
