import { useState } from 'react';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMutation, useQuery } from '@apollo/client/react';
import { CiteLicenceDocument, CitedLicencesDocument, type CitedLicenceInfoFragment } from '../../graphql/generated/graphql';
import { classifyError } from '../../lib/errors';
import { formatDate, formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.licences;

interface LicenceCase {
  id: string;
  canCaptureArchives: boolean;
  materials: ReadonlyArray<{ code: string; name: string }>;
}

/**
 * CaseLicencesPanel lists the e-licences a case cites, each as the Ministry confirms it now (status, holder; also those the
 * other office cited, which travelled with the case) and, while materials may be captured, cites one by its number (4.1.2).
 */
export function CaseLicencesPanel({ c }: { c: LicenceCase }) {
  const { data, refetch } = useQuery(CitedLicencesDocument, { variables: { caseId: c.id } });
  const [cite, { loading }] = useMutation(CiteLicenceDocument);
  const [number, setNumber] = useState('');
  const [material, setMaterial] = useState<string | undefined>(c.materials[0]?.code);
  const [error, setError] = useState<string | null>(null);
  const cited = data?.citedLicences ?? [];
  if (cited.length === 0 && !c.canCaptureArchives) return null;

  const submit = async () => {
    setError(null);
    try {
      await cite({ variables: { caseId: c.id, materialCode: material ?? '', licenceId: number.trim() } });
      setNumber('');
      void refetch();
    } catch (e) {
      setError(classifyError(e).message);
    }
  };

  const columns: ColumnsType<CitedLicenceInfoFragment> = [
    { title: t.number, dataIndex: 'licenceId', render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.type, key: 'type', width: 120, render: (_, l) => (l.licence ? (t.types[l.licence.type] ?? l.licence.type) : '') },
    { title: t.holder, key: 'holder', width: 100, render: (_, l) => l.licence?.holderName ?? '' },
    { title: t.material, dataIndex: 'materialCode', render: (code: string) => c.materials.find((m) => m.code === code)?.name ?? code },
    { title: t.validUntil, key: 'validUntil', width: 130, render: (_, l) => formatDate(l.licence?.validUntil) },
    {
      title: t.status,
      key: 'status',
      width: 90,
      render: (_, l) => {
        const s = l.status;
        return <Tag color={s === 'VALID' ? 'green' : 'red'}>{zhCN.seals.statuses[s] ?? s}</Tag>;
      },
    },
    {
      title: t.check,
      key: 'check',
      width: 200,
      render: (_, l) =>
        l.reason ? <Typography.Text type="danger">{t.checks[l.reason] ?? l.problem}</Typography.Text> : <Typography.Text type="success">{t.checkOk}</Typography.Text>,
    },
    { title: t.citedAt, dataIndex: 'citedAt', width: 170, render: formatTime },
  ];

  return (
    <Card title={t.title} size="small">
      {c.canCaptureArchives && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Input
            aria-label={t.number}
            placeholder={t.numberPlaceholder}
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            onPressEnter={() => void submit()}
            style={{ width: 240 }}
          />
          <Select
            aria-label={t.material}
            value={material}
            onChange={setMaterial}
            style={{ width: 240 }}
            options={c.materials.map((m) => ({ value: m.code, label: m.name }))}
          />
          <Button type="primary" loading={loading} disabled={!number.trim() || !material} onClick={() => void submit()}>
            {t.cite}
          </Button>
        </Space>
      )}
      {error && (
        <Typography.Paragraph type="danger" role="alert">
          {error}
        </Typography.Paragraph>
      )}
      <Table<CitedLicenceInfoFragment> rowKey="licenceId" size="small" columns={columns} dataSource={cited} pagination={false} locale={{ emptyText: t.empty }} />
    </Card>
  );
}
