import { Alert, Col, Descriptions, Row, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { BirthDetailsFragment, CaseDetailFragment } from '../../graphql/generated/graphql';
import { MinistryChecks } from '../../components/MinistryChecks';
import { useCodeNames } from '../../components/useCodeNames';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { ErrorReport, PendingChange } from './BirthCorrections';
import { birthOf } from './details';

const t = zhCN.caseDetail;
const b = zhCN.birth;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

/** MinistryData is what the Ministry returned at intake, frozen and read-only (1.1.1). */
function MinistryData({ d }: { d: BirthDetailsFragment }) {
  const cert = d.certificate;
  return (
    <div className="hukou-ministry" data-testid="ministry-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        <LockOutlined /> {t.ministrySection}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t.ministryHint}
      </Typography.Paragraph>
      <MinistryChecks checks={d.ministryChecks} />
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 150 } }}>
        <Descriptions.Item label={t.certificateNumber}>{mono(cert.number)}</Descriptions.Item>
        <Descriptions.Item label={t.newbornNameOnCertificate}>{cert.name}</Descriptions.Item>
        <Descriptions.Item label={t.sex}>{zhCN.sex[cert.sex] ?? cert.sex}</Descriptions.Item>
        <Descriptions.Item label={t.birthTime}>{formatTime(cert.birthTime)}</Descriptions.Item>
        <Descriptions.Item label={t.hospital}>{cert.hospital}</Descriptions.Item>
        <Descriptions.Item label={t.motherName}>{cert.motherName}</Descriptions.Item>
        <Descriptions.Item label={t.motherIdNumber}>{mono(cert.motherIdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.fatherName}>{cert.fatherName}</Descriptions.Item>
        <Descriptions.Item label={t.fatherIdNumber}>{mono(cert.fatherIdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.householdNumber}>{mono(d.householdNumber)}</Descriptions.Item>
      </Descriptions>
    </div>
  );
}

/** Outcome is the newborn as the registration office registered it (2.2.1). */
function Outcome({ o }: { o: NonNullable<BirthDetailsFragment['outcome']> }) {
  return (
    <Descriptions title={t.outcomeSection} size="small" column={1} bordered style={{ marginTop: 12 }} styles={{ label: { width: 150 } }}>
      <Descriptions.Item label={b.newbornName}>{o.newbornName}</Descriptions.Item>
      <Descriptions.Item label={t.outcomeIdNumber}>{mono(o.idNumber)}</Descriptions.Item>
      <Descriptions.Item label={t.householdNumber}>{o.householdNumber}</Descriptions.Item>
      <Descriptions.Item label={t.hcybsh}>{o.hcybsh}</Descriptions.Item>
      <Descriptions.Item label={t.formRevision}>{o.formRevision}</Descriptions.Item>
      {o.hukouBookLicenceId ? <Descriptions.Item label={t.hukouBookLicence}>{mono(o.hukouBookLicenceId)}</Descriptions.Item> : null}
    </Descriptions>
  );
}

/** ApplicantData is what the acceptance clerk entered (1.1.1, 1.2.1), with refusal reasons (1.3.5), reported errors (1.3.3) and the result (2.2.1). */
function ApplicantData({ d }: { d: BirthDetailsFragment }) {
  const names = useCodeNames();
  const a = d.applicant;
  return (
    <div className="hukou-applicant" data-testid="applicant-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t.applicantSection}
      </Typography.Title>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 150 } }}>
        <Descriptions.Item label={b.newbornName}>{a.newbornName}</Descriptions.Item>
        <Descriptions.Item label={b.ethnicity}>{names.ethnicity(a.ethnicity)}</Descriptions.Item>
        <Descriptions.Item label={b.relation}>{names.relation(a.relation)}</Descriptions.Item>
        <Descriptions.Item label={b.settleWith}>{zhCN.settleWith[a.settleWith] ?? a.settleWith}</Descriptions.Item>
        <Descriptions.Item label={b.declarantName}>{a.declarantName}</Descriptions.Item>
        <Descriptions.Item label={b.declarantIdNumber}>{mono(a.declarantIdNumber)}</Descriptions.Item>
        <Descriptions.Item label={b.declarantPhone}>{a.declarantPhone || '—'}</Descriptions.Item>
      </Descriptions>
      {d.refusalReasons.length > 0 && (
        <Alert
          type="error"
          style={{ marginTop: 12 }}
          message={t.refusalReasons}
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {d.refusalReasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          }
        />
      )}
      {(d.errorReport.length > 0 || d.pendingChange) && (
        <div style={{ marginTop: 12 }} data-testid="corrections">
          <ErrorReport items={d.errorReport} />
          {d.pendingChange && <PendingChange change={d.pendingChange} />}
        </div>
      )}
      {d.outcome && <Outcome o={d.outcome} />}
    </div>
  );
}

/**
 * BirthDetail is a birth registration's panel on the case page (1.1.2): the
 * Ministry data read-only beside what the clerk entered.
 */
export function BirthDetail({ c }: { c: CaseDetailFragment }) {
  const d = birthOf(c);
  return (
    <Row gutter={16}>
      <Col span={12}>
        <MinistryData d={d} />
      </Col>
      <Col span={12}>
        <ApplicantData d={d} />
      </Col>
    </Row>
  );
}
