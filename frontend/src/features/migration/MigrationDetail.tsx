import { Alert, Col, Descriptions, Row, Table, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { CaseDetailFragment, MigrationDetailsFragment } from '../../graphql/generated/graphql';
import { MinistryChecks } from '../../components/MinistryChecks';
import { useCodeNames } from '../../components/useCodeNames';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { migrationOf } from './details';
import { MigrationHouseholdTable } from './MigrationHouseholdTable';

const c0 = zhCN.caseDetail;
const t = zhCN.migration;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

/** MinistryData is the household the movers leave as the Ministry returned it at intake, frozen and read-only (1.1.3). */
function MinistryData({ d }: { d: MigrationDetailsFragment }) {
  const h = d.household;
  return (
    <div className="hukou-ministry" data-testid="ministry-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        <LockOutlined /> {c0.ministrySection}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {c0.ministryHint}
      </Typography.Paragraph>
      <MinistryChecks checks={d.ministryChecks} />
      {h && (
        <>
          <Descriptions size="small" column={1} bordered styles={{ label: { width: 150 } }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t.householdNumber}>{mono(h.number)}</Descriptions.Item>
            <Descriptions.Item label={t.householdAddress}>{h.address}</Descriptions.Item>
            <Descriptions.Item label={t.registrationOffice}>{mono(h.officeCode)}</Descriptions.Item>
            <Descriptions.Item label={t.homeClass}>{mono(d.homeClass)}</Descriptions.Item>
            <Descriptions.Item label={t.destClass}>{mono(d.destClass)}</Descriptions.Item>
          </Descriptions>
          <MigrationHouseholdTable members={h.members} movers={d.applicant.movers} />
        </>
      )}
    </div>
  );
}

/** Outcome is the move-out with the e-migration certificate (2.2.4, 4.1.2) and the move-in (2.2.5, 2.2.6). */
function Outcome({ o }: { o: NonNullable<MigrationDetailsFragment['outcome']> }) {
  const names = useCodeNames();
  const cert = o.certificate;
  return (
    <div style={{ marginTop: 12 }} data-testid="migration-outcome">
      {cert && (
        <Descriptions title={t.certificate} size="small" column={1} bordered styles={{ label: { width: 150 } }}>
          <Descriptions.Item label={t.licenceId}>{mono(cert.licenceId)}</Descriptions.Item>
          <Descriptions.Item label={t.issuedAt}>{formatTime(cert.issuedAt)}</Descriptions.Item>
          <Descriptions.Item label={t.validUntil}>{formatTime(cert.validUntil)}</Descriptions.Item>
          <Descriptions.Item label={t.destAddress}>{cert.toAddress}</Descriptions.Item>
          {o.movedOutOn ? <Descriptions.Item label={t.movedOutOn}>{o.movedOutOn}</Descriptions.Item> : null}
          {o.newHead ? <Descriptions.Item label={t.newHead}>{mono(o.newHead)}</Descriptions.Item> : null}
          {o.householdClosed && <Descriptions.Item label={t.outcome}>{t.householdClosed}</Descriptions.Item>}
        </Descriptions>
      )}
      {o.movers.length > 0 && (
        <Table
          style={{ marginTop: 12 }}
          title={() => t.moversArrived}
          size="small"
          rowKey="idNumber"
          pagination={false}
          dataSource={[...o.movers]}
          columns={[
            { title: t.name, dataIndex: 'name', render: (v: string) => <span className="hukou-nowrap">{v}</span> },
            { title: t.idNumber, dataIndex: 'idNumber', render: (v: string) => mono(v) },
            { title: t.birthDate, dataIndex: 'birthDate' },
            { title: t.relation, dataIndex: 'relation', render: (v: string) => <span className="hukou-nowrap">{names.relation(v)}</span> },
          ]}
        />
      )}
      {o.settled.length > 0 && (
        <Table
          style={{ marginTop: 12 }}
          title={() => `${t.settled} · ${t.movedInTo} ${o.householdNumber}`}
          size="small"
          rowKey="idNumber"
          pagination={false}
          dataSource={[...o.settled]}
          columns={[
            { title: t.name, dataIndex: 'name', render: (v: string) => <span className="hukou-nowrap">{v}</span> },
            { title: t.idNumber, dataIndex: 'idNumber', render: (v: string) => mono(v) },
            { title: t.relationToHead, dataIndex: 'relation', render: (v: string) => <span className="hukou-nowrap">{names.relation(v)}</span> },
            { title: t.hcybsh, dataIndex: 'hcybsh', render: (v: string) => mono(v) },
          ]}
        />
      )}
    </div>
  );
}

/** ApplicantData is what the acceptance clerk entered (1.1.3, 1.2.2), with refusal reasons (1.3.7) and the results. */
function ApplicantData({ d }: { d: MigrationDetailsFragment }) {
  const a = d.applicant;
  return (
    <div className="hukou-applicant" data-testid="applicant-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t.applicantSection}
      </Typography.Title>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 150 } }}>
        <Descriptions.Item label={t.applicantIdNumber}>{mono(a.applicantIdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.category}>{d.categoryName || a.category}</Descriptions.Item>
        <Descriptions.Item label={t.movers}>{a.movers.map((m) => <div key={m}>{mono(m)}</div>)}</Descriptions.Item>
        {a.kinIdNumber ? (
          <Descriptions.Item label={t.kinName}>
            {d.kinName} {mono(a.kinIdNumber)}
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t.way}>{t.ways[a.way] ?? a.way}</Descriptions.Item>
        {a.way === 'JOIN' && <Descriptions.Item label={t.destHousehold}>{mono(a.householdNumber ?? '')}</Descriptions.Item>}
        <Descriptions.Item label={t.destAddress}>{d.destAddress}</Descriptions.Item>
        <Descriptions.Item label={t.reason}>{a.reason || '—'}</Descriptions.Item>
        <Descriptions.Item label={t.phone}>{a.phone || '—'}</Descriptions.Item>
        {a.moveInPermit ? <Descriptions.Item label={t.moveInPermit}>{mono(a.moveInPermit)}</Descriptions.Item> : null}
      </Descriptions>
      {d.refusalReasons.length > 0 && (
        <Alert
          type="error"
          style={{ marginTop: 12 }}
          message={c0.refusalReasons}
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {d.refusalReasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          }
        />
      )}
      {d.outcome && <Outcome o={d.outcome} />}
    </div>
  );
}

/** MigrationDetail is a migration's panel on the case page: the Ministry's household read-only beside what the clerk entered and the results. */
export function MigrationDetail({ c }: { c: CaseDetailFragment }) {
  const d = migrationOf(c);
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
