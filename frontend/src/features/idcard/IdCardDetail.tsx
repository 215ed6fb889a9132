import { Col, Descriptions, Empty, Row, Space, Table, Tag, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { CaseDetailFragment, IdCardDetailsFragment } from '../../graphql/generated/graphql';
import { MinistryChecks } from '../../components/MinistryChecks';
import { useCodeNames } from '../../components/useCodeNames';
import { formatTime } from '../../lib/format';
import { useFileLinks } from '../../lib/files';
import { zhCN } from '../../locales/zh-CN';
import { fingerImage, idCardOf, photoFile } from './details';
import { HistoryTable } from './intake/LookupResult';
import { CounterCorrections } from '../online/CounterCorrections';

const c0 = zhCN.caseDetail;
const t = zhCN.idCard;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;
const label = { label: { width: 130 } };

/** MinistryData is the person as the Ministry returned them at intake, frozen (1.1.8). */
function MinistryData({ d }: { d: IdCardDetailsFragment }) {
  const names = useCodeNames();
  const p = d.person;
  return (
    <div className="hukou-ministry" data-testid="ministry-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        <LockOutlined /> {c0.ministrySection}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {c0.ministryHint}
      </Typography.Paragraph>
      <MinistryChecks checks={d.ministryChecks} />
      <Descriptions size="small" column={1} bordered styles={label} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t.name}>{p.name}</Descriptions.Item>
        <Descriptions.Item label={t.idNumber}>{mono(p.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.sex}>{zhCN.sex[p.sex] ?? p.sex}</Descriptions.Item>
        <Descriptions.Item label={t.ethnicity}>{names.ethnicity(p.ethnicity)}</Descriptions.Item>
        <Descriptions.Item label={t.birthDate}>{p.birthDate}</Descriptions.Item>
        <Descriptions.Item label={t.householdNumber}>{mono(d.householdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.address}>{d.address}</Descriptions.Item>
        <Descriptions.Item label={t.eligibility}>
          <Tag color={d.eligibility.eligible ? 'green' : 'red'}>{d.eligibility.eligible ? t.eligible : t.notEligible}</Tag>
        </Descriptions.Item>
      </Descriptions>
      <HistoryTable history={d.history} />
    </div>
  );
}

/** Captures are the photo and the finger images, opened through signed links. */
function Captures({ c, d }: { c: CaseDetailFragment; d: IdCardDetailsFragment }) {
  const photo = photoFile(c);
  const images = [fingerImage(c, 1), fingerImage(c, 2)];
  const ids = [photo, ...images].flatMap((f) => (f ? [f.id] : []));
  const links = useFileLinks(ids);
  const src = (id?: string) => (id ? links.get(id)?.url : undefined);
  return (
    <Space align="start" size="large" wrap data-testid="idcard-captures" style={{ marginTop: 12 }}>
      <div style={{ width: 120, aspectRatio: '358 / 441', border: '1px solid #d9d9d9', background: '#fafafa' }}>
        {src(photo?.id) && <img src={src(photo?.id)} alt={t.photo} style={{ width: '100%', height: '100%', objectFit: 'contain' }} />}
      </div>
      {d.applicant.fingerprints.map((f, i) => (
        <Space key={i} direction="vertical" size={2}>
          {images[i] ? (
            <div style={{ width: 72, height: 101, border: '1px solid #f0f0f0', background: '#fafafa' }}>
              {src(images[i]?.id) ? <img src={src(images[i]?.id)} alt={f.fingerName} style={{ width: '100%', height: '100%' }} /> : null}
            </div>
          ) : null}
          <Typography.Text>{f.fingerName}</Typography.Text>
          {f.notAvailable ? <Tag color="orange">{t.notAvailable}</Tag> : <Tag color="green">{t.quality} {f.quality}</Tag>}
        </Space>
      ))}
    </Space>
  );
}

function Issue({ is, writtenBackAt }: { is: NonNullable<NonNullable<IdCardDetailsFragment['outcome']>['issue']>; writtenBackAt?: string | null }) {
  return (
    <Descriptions title={t.issue} size="small" column={1} bordered styles={label} style={{ marginTop: 12 }} data-testid="idcard-issue">
      <Descriptions.Item label={t.validity}>
        {is.validFrom} — {is.longTerm ? t.longTerm : is.validUntil}（{t.years(is.years)}）
      </Descriptions.Item>
      <Descriptions.Item label={t.authority}>{is.authority}</Descriptions.Item>
      <Descriptions.Item label={t.issuedOn}>{is.issuedOn}</Descriptions.Item>
      {writtenBackAt ? <Descriptions.Item label={t.writtenBack}>{formatTime(writtenBackAt)}</Descriptions.Item> : null}
    </Descriptions>
  );
}

/** FeedbackTable lists the quality feedback, oldest first (1.1.12, 1.3.9). */
export function FeedbackTable({ feedback }: { feedback: NonNullable<IdCardDetailsFragment['outcome']>['feedback'] }) {
  return (
    <Table
      style={{ marginTop: 12 }}
      data-testid="idcard-feedback"
      size="small"
      rowKey="seq"
      pagination={false}
      title={() => t.feedback}
      dataSource={[...feedback]}
      columns={[
        { title: t.feedbackClass, dataIndex: 'class', render: (v: string) => <Tag color="red">{t.feedbackClasses[v] ?? v}</Tag> },
        { title: t.feedbackDescription, dataIndex: 'description' },
        { title: t.receivedAt, dataIndex: 'receivedAt', render: (v: string) => <span className="hukou-nowrap">{formatTime(v)}</span> },
        {
          title: t.savedAt,
          dataIndex: 'savedAt',
          render: (v: string | null) => (v ? <span className="hukou-nowrap">{formatTime(v)}</span> : <Tag color="gold">{t.unsaved}</Tag>),
        },
      ]}
    />
  );
}

function Forwards({ c }: { c: CaseDetailFragment }) {
  if (c.forwards.length === 0) return null;
  return (
    <Table
      style={{ marginTop: 12 }}
      data-testid="idcard-forwards"
      size="small"
      rowKey={(f) => `${f.messageType}-${f.createdAt}`}
      pagination={false}
      title={() => t.forwards}
      dataSource={[...c.forwards]}
      columns={[
        { title: zhCN.caseDetail.byMessage, dataIndex: 'messageType', render: (v: string) => zhCN.messageTypes[v] ?? v },
        { title: t.savedAt, dataIndex: 'createdAt', render: (v: string) => <span className="hukou-nowrap">{formatTime(v)}</span> },
        {
          title: zhCN.caseDetail.status,
          key: 'state',
          render: (_, f) => (
            <Space size={4}>
              <Tag color={f.state === 'DELIVERED' ? 'green' : f.state === 'DEAD' ? 'red' : 'blue'}>{t.forwardStates[f.state] ?? f.state}</Tag>
              {f.overdue && <Tag color="red">{t.forwardOverdue}</Tag>}
            </Space>
          ),
        },
      ]}
    />
  );
}

/** Outcome is what the offices did: review, issue, packages, feedback, production, e-ID licence, collection. */
function Outcome({ c, d }: { c: CaseDetailFragment; d: IdCardDetailsFragment }) {
  const o = d.outcome;
  if (!o) return <Forwards c={c} />;
  return (
    <div data-testid="idcard-outcome">
      {o.review && (
        <Descriptions title={t.review} size="small" column={1} bordered styles={label} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t.review}>
            <Tag color={o.review.approved ? 'green' : 'red'}>{o.review.approved ? t.approved : t.rejected}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t.reviewBy}>{o.review.by}</Descriptions.Item>
          {o.review.reason ? <Descriptions.Item label={t.rejectReason}>{o.review.reason}</Descriptions.Item> : null}
          {o.review.note ? <Descriptions.Item label={t.approveNote}>{o.review.note}</Descriptions.Item> : null}
        </Descriptions>
      )}
      {o.issue && <Issue is={o.issue} writtenBackAt={o.writtenBackAt} />}
      {o.packages.length > 0 && (
        <Table
          style={{ marginTop: 12 }}
          size="small"
          rowKey="id"
          pagination={false}
          title={() => t.packages}
          dataSource={[...o.packages]}
          columns={[
            { title: t.packageId, dataIndex: 'id', render: (v: string) => mono(v) },
            { title: t.uploadedAt, dataIndex: 'uploadedAt', render: (v: string) => <span className="hukou-nowrap">{formatTime(v)}</span> },
          ]}
        />
      )}
      {o.feedback.length > 0 && <FeedbackTable feedback={o.feedback} />}
      {o.production && (
        <Descriptions title={t.production} size="small" column={1} bordered styles={label} style={{ marginTop: 12 }} data-testid="idcard-production">
          <Descriptions.Item label={t.cardNumber}>{mono(o.production.cardNumber)}</Descriptions.Item>
          <Descriptions.Item label={t.producedAt}>{formatTime(o.production.producedAt)}</Descriptions.Item>
          <Descriptions.Item label={t.savedAt}>{o.production.savedAt ? formatTime(o.production.savedAt) : <Tag color="gold">{t.unsaved}</Tag>}</Descriptions.Item>
        </Descriptions>
      )}
      {o.licence && (
        <Descriptions title={t.licence} size="small" column={1} bordered styles={label} style={{ marginTop: 12 }} data-testid="idcard-licence">
          <Descriptions.Item label={t.licenceId}>{mono(o.licence.licenceId)}</Descriptions.Item>
          {o.licence.ministryLicenceId ? <Descriptions.Item label={t.ministryLicenceId}>{mono(o.licence.ministryLicenceId)}</Descriptions.Item> : null}
          <Descriptions.Item label={t.cardNumber}>{mono(o.licence.cardNumber)}</Descriptions.Item>
          <Descriptions.Item label={t.validity}>
            {o.licence.validFrom} — {o.licence.validUntil || t.longTerm}
          </Descriptions.Item>
        </Descriptions>
      )}
      {o.collection && (
        <Descriptions title={t.collection} size="small" column={1} bordered styles={label} style={{ marginTop: 12 }} data-testid="idcard-collection">
          <Descriptions.Item label={t.collectedAt}>{formatTime(o.collection.collectedAt)}</Descriptions.Item>
          <Descriptions.Item label={t.handedOverBy}>{o.collection.handedOverBy}</Descriptions.Item>
          {o.collection.trackingNumber ? (
            <Descriptions.Item label={t.trackingNumber}>{mono(o.collection.trackingNumber)}</Descriptions.Item>
          ) : (
            <>
              <Descriptions.Item label={t.collector}>
                {o.collection.collectorName}（{o.collection.proxy ? `${t.byProxy}，${o.collection.proxyRelation ?? ''}` : t.byHolder}）
              </Descriptions.Item>
              <Descriptions.Item label={t.collectorIdNumber}>{mono(o.collection.collectorIdNumber)}</Descriptions.Item>
            </>
          )}
          <Descriptions.Item label={t.verifyFinger}>
            {o.collection.verified ? (
              <Tag color="green">
                {t.verified}（{t.score} {o.collection.score}）
              </Tag>
            ) : (
              <Tag>{t.waived[o.collection.waived ?? ''] ?? o.collection.waived}</Tag>
            )}
          </Descriptions.Item>
        </Descriptions>
      )}
      <Forwards c={c} />
    </div>
  );
}

/** ApplicantData is what the acceptance clerk entered (1.1.8, 1.2.4), with the captures. */
function ApplicantData({ c, d }: { c: CaseDetailFragment; d: IdCardDetailsFragment }) {
  const a = d.applicant;
  return (
    <div className="hukou-applicant" data-testid="applicant-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t.applicantSection}
      </Typography.Title>
      <Descriptions size="small" column={1} bordered styles={label}>
        <Descriptions.Item label={t.applicationKind}>{d.kindName}</Descriptions.Item>
        <Descriptions.Item label={t.reason}>{d.reasonName || a.reason}</Descriptions.Item>
        {a.reasonNote ? <Descriptions.Item label={t.reasonNote}>{a.reasonNote}</Descriptions.Item> : null}
        <Descriptions.Item label={t.applicationDate}>{a.applicationDate}</Descriptions.Item>
        <Descriptions.Item label={t.phone}>{mono(a.phone ?? '')}</Descriptions.Item>
        <Descriptions.Item label={t.pickup}>{t.pickups[a.pickup] ?? a.pickup}</Descriptions.Item>
        {a.pickup === 'POST' && (
          <Descriptions.Item label={t.postAddress}>
            {a.postAddress} {a.postRecipient} {a.postCode && mono(a.postCode)}
          </Descriptions.Item>
        )}
      </Descriptions>
      <CounterCorrections caseId={c.id} side={c.side} />
      <Captures c={c} d={d} />
      <Outcome c={c} d={d} />
    </div>
  );
}

/** IdCardDetail is an ID card application's panel on the case page: the Ministry's data read-only beside the application and what the offices did. */
export function IdCardDetail({ c }: { c: CaseDetailFragment }) {
  const d = idCardOf(c);
  if (!d.person.idNumber) return <Empty />;
  return (
    <Row gutter={16}>
      <Col span={11}>
        <MinistryData d={d} />
      </Col>
      <Col span={13}>
        <ApplicantData c={c} d={d} />
      </Col>
    </Row>
  );
}
