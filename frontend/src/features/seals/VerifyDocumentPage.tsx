import { useState } from 'react';
import { Alert, Card, Descriptions, Table, Tag, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { InboxOutlined } from '@ant-design/icons';
import { VerifyDocumentDocument, type VerifyDocumentQuery } from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { uploadMutation } from '../../lib/upload';
import { classifyError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.verify;
type Verification = VerifyDocumentQuery['verifyDocument'];
type SealRow = Verification['seals'][number];

const yesNo = (ok: boolean) => <Tag color={ok ? 'green' : 'red'}>{ok ? t.ok : t.failed}</Tag>;

/** VerifyDocumentPage verifies the electronic seals of an uploaded PDF (5.1.2). */
export function VerifyDocumentPage() {
  const store = useSessionStore();
  const [result, setResult] = useState<{ name: string; v: Verification } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (file: File) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const data = await uploadMutation(VerifyDocumentDocument, { file }, store.get()?.accessToken);
      setResult({ name: file.name, v: data.verifyDocument });
    } catch (e) {
      setError(classifyError(e).message);
    } finally {
      setBusy(false);
    }
  };

  const columns: ColumnsType<SealRow> = [
    { title: t.seal, dataIndex: 'sealName' },
    { title: t.holder, dataIndex: 'holder' },
    { title: t.signedAt, dataIndex: 'signedAt', width: 170, render: formatTime },
    { title: t.signature, dataIndex: 'signatureValid', width: 80, render: yesNo },
    { title: t.trusted, dataIndex: 'trusted', width: 80, render: yesNo },
    {
      title: t.statusAtSigning,
      dataIndex: 'statusAtSigning',
      width: 110,
      render: (s: string) => <Tag color={s === 'VALID' ? 'green' : 'red'}>{zhCN.seals.statuses[s] ?? s}</Tag>,
    },
    { title: t.problem, dataIndex: 'problem', ellipsis: true },
  ];

  return (
    <Card title={t.title}>
      <Typography.Paragraph type="secondary">{t.hint}</Typography.Paragraph>
      <Upload.Dragger
        accept="application/pdf,.pdf"
        showUploadList={false}
        disabled={busy}
        beforeUpload={(file) => {
          void check(file);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{busy ? t.checking : t.drop}</p>
      </Upload.Dragger>
      {error && <Alert style={{ marginTop: 16 }} type="error" showIcon message={error} />}
      {result && (
        <div style={{ marginTop: 16 }}>
          <Alert
            type={result.v.valid ? 'success' : 'error'}
            showIcon
            message={result.v.valid ? t.valid : `${t.invalid}：${t.reasons[result.v.reason] ?? result.v.reason}`}
          />
          <Descriptions size="small" column={2} style={{ marginTop: 16 }}>
            <Descriptions.Item label="PDF">{result.name}</Descriptions.Item>
            <Descriptions.Item label={t.unchanged}>{result.v.unchanged ? t.unchanged : t.changed}</Descriptions.Item>
          </Descriptions>
          <Table<SealRow> rowKey="field" size="small" columns={columns} dataSource={result.v.seals} pagination={false} />
        </div>
      )}
    </Card>
  );
}
