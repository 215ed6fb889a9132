// The detail panels of both certificate kinds: what the clerk entered, what the
// Ministry said, the registration office's verdict, a third province's answer,
// and the issued certificate with its number and verification code.
import { Alert, Button, Descriptions, List, Tag, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useApolloClient } from '@apollo/client/react';
import { fileLink, openForPrint } from '../../lib/files';
import type { CaseDetailFragment, IssuedCertificateFragment } from '../../graphql/generated/graphql';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { infoOf, matterOf } from './details';
import { issuedDocument, type CertificateDocument } from './print';

const t = zhCN.certificate;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;
const labelWidth = { label: { width: 160 } };

/** openIssued opens an issued PDF through a fresh signed link, the window opened while the click still counts. */
async function openIssued(client: ReturnType<typeof useApolloClient>, id: string) {
  const w = window.open('about:blank', '_blank');
  const link = await fileLink(client, id).catch(() => null);
  if (!link) {
    w?.close();
    return;
  }
  openForPrint(link.url, w);
}

/** Issued is an issued certificate or refusal: number, verification code, facts, and its PDF to print again. */
function Issued({ c, kind, title, cert }: { c: CaseDetailFragment; kind: CertificateDocument; title: string; cert: IssuedCertificateFragment }) {
  const client = useApolloClient();
  const doc = issuedDocument(c, kind);
  const extra = doc && (
    <Button icon={<PrinterOutlined />} onClick={() => void openIssued(client, doc.id)}>
      {t.reprint}
    </Button>
  );
  return (
    <Descriptions title={title} extra={extra} size="small" column={1} bordered style={{ marginTop: 12 }} styles={labelWidth} data-testid="issued-certificate">
      <Descriptions.Item label={t.verifyTitle}>{cert.title}</Descriptions.Item>
      <Descriptions.Item label={t.number}>{mono(cert.number)}</Descriptions.Item>
      <Descriptions.Item label={t.code}>{mono(cert.code)}</Descriptions.Item>
      <Descriptions.Item label={t.facts}>
        <List size="small" dataSource={cert.facts} renderItem={(f) => <List.Item style={{ padding: '2px 0' }}>{f}</List.Item>} />
      </Descriptions.Item>
      <Descriptions.Item label={t.issuingOffice}>{cert.officeName}</Descriptions.Item>
      <Descriptions.Item label={t.issuedAt}>{formatTime(cert.issuedAt)}</Descriptions.Item>
    </Descriptions>
  );
}

function Revocation({ r }: { r: { reason: string; by: string; at: string } }) {
  return <Alert type="error" showIcon style={{ marginTop: 12 }} message={t.revokedSection} description={`${t.revokeReason}：${r.reason}（${r.by}，${formatTime(r.at)}）`} />;
}

/** InfoCertificateDetail is an information certificate (1.1.5). */
export function InfoCertificateDetail({ c }: { c: CaseDetailFragment }) {
  const d = infoOf(c);
  return (
    <div data-testid="info-certificate-detail">
      <Descriptions size="small" column={1} bordered styles={labelWidth}>
        <Descriptions.Item label={t.name}>{d.request.name}</Descriptions.Item>
        <Descriptions.Item label={t.idNumber}>{mono(d.request.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.purpose}>{d.request.purpose}</Descriptions.Item>
        <Descriptions.Item label={t.applicantName}>{d.request.applicantName}</Descriptions.Item>
      </Descriptions>
      {d.issued && <Issued c={c} kind="CERTIFICATE" title={t.issuedSection} cert={d.issued} />}
      {d.revocation && <Revocation r={d.revocation} />}
    </div>
  );
}

/** MatterCertificateDetail is a matter certificate at either office (1.1.6, 2.1.3, 2.2.7, 2.2.8). */
export function MatterCertificateDetail({ c }: { c: CaseDetailFragment }) {
  const d = matterOf(c);
  const m = d.matter;
  const facts: [string, string | null | undefined][] = [
    [t.relation, m.relation],
    [t.otherName, m.otherName],
    [t.address, m.address],
    [t.period, m.period],
  ];
  return (
    <div data-testid="matter-certificate-detail">
      <Descriptions size="small" column={1} bordered styles={labelWidth}>
        <Descriptions.Item label={t.matterType}>{d.matterTitle}</Descriptions.Item>
        {m.persons.map((p, i) => {
          const check = d.persons.find((k) => k.idNumber === p.idNumber);
          return (
            <Descriptions.Item key={p.idNumber} label={`${t.persons}${i + 1}`}>
              {p.name} {mono(p.idNumber)}{' '}
              {check && (check.found ? <Tag color="green">{t.found} {check.householdNumber}</Tag> : <Tag>{t.notFoundShort}</Tag>)}
            </Descriptions.Item>
          );
        })}
        {facts.filter(([, v]) => v).map(([label, v]) => (
          <Descriptions.Item key={label} label={label}>{v}</Descriptions.Item>
        ))}
        <Descriptions.Item label={t.statement}>{m.statement}</Descriptions.Item>
        <Descriptions.Item label={t.purpose}>{m.purpose}</Descriptions.Item>
        <Descriptions.Item label={t.applicantName}>{m.applicantName} {mono(m.applicantIdNumber)} {m.applicantPhone}</Descriptions.Item>
      </Descriptions>
      {d.route && (
        <Descriptions title={t.routeSection} size="small" column={1} bordered style={{ marginTop: 12 }} styles={labelWidth}>
          <Descriptions.Item label={t.routeProvince}>{d.route.province}</Descriptions.Item>
          <Descriptions.Item label={t.verdict}>{t.verdicts[d.route.verdict]}</Descriptions.Item>
          <Descriptions.Item label={t.findings}>{d.route.findings}</Descriptions.Item>
          <Descriptions.Item label={t.materials}>{(d.route.files ?? []).join('、')}</Descriptions.Item>
        </Descriptions>
      )}
      {d.decision && (
        <Descriptions title={t.decisionSection} size="small" column={1} bordered style={{ marginTop: 12 }} styles={labelWidth} data-testid="certificate-decision">
          <Descriptions.Item label={t.verdict}>{t.verdicts[d.decision.verdict]}</Descriptions.Item>
          {d.decision.findings ? <Descriptions.Item label={t.findings}>{d.decision.findings}</Descriptions.Item> : null}
          {d.decision.reasons && d.decision.reasons.length > 0 && <Descriptions.Item label={t.reasons}>{d.decision.reasons.join('；')}</Descriptions.Item>}
          {d.decision.materials && d.decision.materials.length > 0 && (
            <Descriptions.Item label={t.materials}>{d.decision.materials.join('、')}</Descriptions.Item>
          )}
        </Descriptions>
      )}
      {d.issued && <Issued c={c} kind="CERTIFICATE" title={t.issuedSection} cert={d.issued} />}
      {d.refusal && <Issued c={c} kind="CERTIFICATE_REFUSAL" title={t.refusalSection} cert={d.refusal} />}
      {d.revocation && <Revocation r={d.revocation} />}
      {!d.issued && !d.refusal && c.status === 'VERIFIED' && <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t.printBody}</Typography.Paragraph>}
    </div>
  );
}
