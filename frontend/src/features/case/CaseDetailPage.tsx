import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, LockOutlined } from '@ant-design/icons';
import { useNavigate, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { CaseDetailDocument, type CaseDetailFragment } from '../../graphql/generated/graphql';
import { classifyError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import type { Role } from '../../graphql/generated/graphql';
import { CaseFilesPanel } from '../archive/CaseFilesPanel';
import { CaseActions, ErrorReport, PendingChange } from './CaseActions';
import { CaseTimeline } from './CaseTimeline';
import { StatusTag } from './StatusTag';
import { useCodeNames } from './useCodeNames';

const t = zhCN.caseDetail;
const captureRoles: readonly Role[] = ['CLERK', 'OFFICER', 'ARCHIVIST', 'ADMIN'];

/** canCapture mirrors the server: archive roles, and not once the case is closed. */
export function canCapture(c: CaseDetailFragment, roles: readonly Role[]): boolean {
  if (!roles.some((r) => captureRoles.includes(r))) return false;
  if (c.status === 'COMPLETED' || c.status === 'CLOSED') return false;
  return !(c.side === 'REGISTRATION' && c.status === 'REFUSED');
}

/** officeLabel names an office of the case: the server names both (the other deployment's by its division). */
export function officeLabel(c: CaseDetailFragment, code: string): string {
  if (c.office && c.office.code === code) return `${c.office.name}（${code}）`;
  if (code === c.acceptanceOffice && c.acceptanceOfficeName !== code) return `${c.acceptanceOfficeName}（${code}）`;
  if (code === c.registrationOffice && c.registrationOfficeName !== code) return `${c.registrationOfficeName}（${code}）`;
  return code;
}

function Header({ c }: { c: CaseDetailFragment }) {
  return (
    <Descriptions bordered size="small" column={3}>
      <Descriptions.Item label={t.collabNo}>
        <span className="hukou-mono hukou-nowrap">{c.collabNo}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t.kind}>{zhCN.kinds[c.kind]}</Descriptions.Item>
      <Descriptions.Item label={t.status}>
        <Space size={4} wrap>
          <StatusTag status={c.status} />
          {c.overdue && <Tag color="red">{t.overdue}</Tag>}
          {c.awaitingOtherSide && <Tag>{t.awaiting}</Tag>}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t.acceptanceOffice}>{officeLabel(c, c.acceptanceOffice)}</Descriptions.Item>
      <Descriptions.Item label={t.registrationOffice}>{officeLabel(c, c.registrationOffice)}</Descriptions.Item>
      <Descriptions.Item label={t.side}>{zhCN.sides[c.side]}</Descriptions.Item>
      <Descriptions.Item label={t.createdAt}>{formatTime(c.createdAt)}</Descriptions.Item>
      <Descriptions.Item label={t.deadline}>{c.deadlineAt ? formatTime(c.deadlineAt) : t.noDeadline}</Descriptions.Item>
    </Descriptions>
  );
}

function MinistryChecks({ checks }: { checks: CaseDetailFragment['ministryChecks'] }) {
  return (
    <div data-testid="ministry-checks" style={{ marginBottom: 12 }}>
      <Typography.Text strong>{t.ministryChecksTitle}</Typography.Text>
      <ul style={{ listStyle: 'none', margin: '4px 0 0', padding: 0 }}>
        {checks.map((k) => (
          <li key={k.check}>
            <Tag color={k.passed ? 'green' : 'red'}>{k.passed ? t.checkPassed : t.checkFailed}</Tag>
            {t.ministryChecks[k.check] ?? k.check}
            {k.detail && (
              <Typography.Text type="secondary" className="hukou-mono">
                {'  '}
                {k.detail}
              </Typography.Text>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function BirthData({ c }: { c: CaseDetailFragment }) {
  const names = useCodeNames();
  const b = zhCN.birth;
  return (
    <Row gutter={16}>
      <Col span={12}>
        <div className="hukou-ministry" data-testid="ministry-data">
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            <LockOutlined /> {t.ministrySection}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t.ministryHint}
          </Typography.Paragraph>
          <MinistryChecks checks={c.ministryChecks} />
          <Descriptions size="small" column={1} bordered labelStyle={{ width: 150 }}>
            <Descriptions.Item label={t.certificateNumber}>
              <span className="hukou-mono hukou-nowrap">{c.certificate.number}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.newbornNameOnCertificate}>{c.certificate.name}</Descriptions.Item>
            <Descriptions.Item label={t.sex}>{zhCN.sex[c.certificate.sex] ?? c.certificate.sex}</Descriptions.Item>
            <Descriptions.Item label={t.birthTime}>{formatTime(c.certificate.birthTime)}</Descriptions.Item>
            <Descriptions.Item label={t.hospital}>{c.certificate.hospital}</Descriptions.Item>
            <Descriptions.Item label={t.motherName}>{c.certificate.motherName}</Descriptions.Item>
            <Descriptions.Item label={t.motherIdNumber}>
              <span className="hukou-mono hukou-nowrap">{c.certificate.motherIdNumber}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.fatherName}>{c.certificate.fatherName}</Descriptions.Item>
            <Descriptions.Item label={t.fatherIdNumber}>
              <span className="hukou-mono hukou-nowrap">{c.certificate.fatherIdNumber}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.householdNumber}>
              <span className="hukou-mono hukou-nowrap">{c.householdNumber}</span>
            </Descriptions.Item>
          </Descriptions>
        </div>
      </Col>
      <Col span={12}>
        <div className="hukou-applicant" data-testid="applicant-data">
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t.applicantSection}
          </Typography.Title>
          <Descriptions size="small" column={1} bordered labelStyle={{ width: 150 }}>
            <Descriptions.Item label={b.newbornName}>{c.applicant.newbornName}</Descriptions.Item>
            <Descriptions.Item label={b.ethnicity}>{names.ethnicity(c.applicant.ethnicity)}</Descriptions.Item>
            <Descriptions.Item label={b.relation}>{names.relation(c.applicant.relation)}</Descriptions.Item>
            <Descriptions.Item label={b.settleWith}>{zhCN.settleWith[c.applicant.settleWith] ?? c.applicant.settleWith}</Descriptions.Item>
            <Descriptions.Item label={b.declarantName}>{c.applicant.declarantName}</Descriptions.Item>
            <Descriptions.Item label={b.declarantIdNumber}>
              <span className="hukou-mono hukou-nowrap">{c.applicant.declarantIdNumber}</span>
            </Descriptions.Item>
            <Descriptions.Item label={b.declarantPhone}>{c.applicant.declarantPhone || '—'}</Descriptions.Item>
          </Descriptions>
          {c.refusalReasons.length > 0 && (
            <Alert
              type="error"
              style={{ marginTop: 12 }}
              message={t.refusalReasons}
              description={
                <ul style={{ margin: 0, paddingLeft: 20 }}>
                  {c.refusalReasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              }
            />
          )}
          {(c.errorReport.length > 0 || c.pendingChange) && (
            <div style={{ marginTop: 12 }} data-testid="corrections">
              <ErrorReport items={c.errorReport} />
              {c.pendingChange && <PendingChange change={c.pendingChange} />}
            </div>
          )}
          {c.outcome && (
            <Descriptions title={t.outcomeSection} size="small" column={1} bordered style={{ marginTop: 12 }} labelStyle={{ width: 150 }}>
              <Descriptions.Item label={b.newbornName}>{c.outcome.newbornName}</Descriptions.Item>
              <Descriptions.Item label={t.outcomeIdNumber}>
                <span className="hukou-mono hukou-nowrap">{c.outcome.idNumber}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t.householdNumber}>{c.outcome.householdNumber}</Descriptions.Item>
              <Descriptions.Item label={t.hcybsh}>{c.outcome.hcybsh}</Descriptions.Item>
              <Descriptions.Item label={t.formRevision}>{c.outcome.formRevision}</Descriptions.Item>
            </Descriptions>
          )}
        </div>
      </Col>
    </Row>
  );
}

export function CaseDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(CaseDetailDocument, { variables: { id } });
  const c = data?.case ?? null;
  const session = useSession(useSessionStore());

  return (
    <div className="hukou-page">
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
          {zhCN.app.back}
        </Button>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t.title}
          {c ? ` · ${zhCN.kinds[c.kind]}` : ''}
        </Typography.Title>
      </Space>
      {error && (
        <Alert
          type="error"
          showIcon
          message={classifyError(error).message}
          action={<Button onClick={() => void refetch()}>{zhCN.app.retry}</Button>}
          style={{ marginBottom: 16 }}
        />
      )}
      {loading && !c && <Spin style={{ display: 'block', margin: 48 }} tip={zhCN.app.loading}><div /></Spin>}
      {!loading && !error && !c && <Empty description={t.notFound} />}
      {c && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card>
            <Header c={c} />
            <div style={{ marginTop: 16 }} className="hukou-no-print">
              <Typography.Text strong style={{ marginRight: 12 }}>
                {t.actions}：
              </Typography.Text>
              <CaseActions c={c} onRefresh={() => void refetch()} />
            </div>
          </Card>
          <Row gutter={16}>
            <Col xs={24} xl={18}>
              <Space direction="vertical" size="middle" style={{ width: '100%' }}>
                <Card>{c.kind === 'BIRTH' && <BirthData c={c} />}</Card>
                <CaseFilesPanel c={c} canCapture={canCapture(c, session?.user.roles ?? [])} onChanged={() => void refetch()} />
              </Space>
            </Col>
            <Col xs={24} xl={6}>
              <Card title={t.timeline}>
                <CaseTimeline entries={c.timeline} officeName={(code) => officeLabel(c, code)} />
              </Card>
            </Col>
          </Row>
        </Space>
      )}
    </div>
  );
}
