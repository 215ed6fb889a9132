import { Suspense, useEffect, useRef } from 'react';
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { CaseDetailDocument, type CaseDetailFragment } from '../../graphql/generated/graphql';
import { classifyError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { CaseFilesPanel } from '../archive/CaseFilesPanel';
import { CaseLicencesPanel } from '../seals/CaseLicencesPanel';
import { useKindParts } from '../kinds';
import { CaseActions } from './CaseActions';
import { CaseTimeline } from './CaseTimeline';
import { ReceiptButton } from './ReceiptButton';
import { PageErrorsProvider } from '../../lib/pageErrors';
import { StatusTag } from './StatusTag';

const t = zhCN.caseDetail;

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

/**
 * CaseView is a case of any kind (1.1.2, 1.4.10): the header and the steps the
 * server offers, the kind's own panel, the materials and documents, and the
 * history.
 */
export function CaseView({ c, onRefresh }: { c: CaseDetailFragment; onRefresh: () => unknown }) {
  const kind = useKindParts(c.kind);
  const materials = useRef<HTMLDivElement>(null);
  const { hash } = useLocation();
  // A case just saved at the counter opens on its materials (paths.caseMaterials): capture comes next.
  useEffect(() => {
    if (hash === '#materials') materials.current?.scrollIntoView?.({ block: 'start' });
  }, [hash, c.id]);
  return (
    <PageErrorsProvider key={c.id}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Card>
          <Header c={c} />
          <div style={{ marginTop: 16 }} className="hukou-no-print">
            <Typography.Text strong style={{ marginRight: 12 }}>
              {t.actions}：
            </Typography.Text>
            <CaseActions c={c} kind={kind} onRefresh={onRefresh} />
            <span style={{ marginLeft: 8 }}>
              <ReceiptButton c={c} onPrinted={onRefresh} />
            </span>
          </div>
        </Card>
        <Row gutter={16}>
          <Col xs={24} xl={18}>
            <Space direction="vertical" size="middle" style={{ width: '100%' }}>
              <Card data-testid="case-details">
                <kind.Detail c={c} />
              </Card>
              <div id="materials" ref={materials}>
                <CaseFilesPanel c={c} onChanged={onRefresh} />
              </div>
              <CaseLicencesPanel c={c} />
            </Space>
          </Col>
          <Col xs={24} xl={6}>
            <Card title={t.timeline}>
              <CaseTimeline entries={c.timeline} officeName={(code) => officeLabel(c, code)} />
            </Card>
          </Col>
        </Row>
      </Space>
    </PageErrorsProvider>
  );
}

/** CaseDetailPage loads a case by ID and shows it. */
export function CaseDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(CaseDetailDocument, { variables: { id } });
  const c = data?.case ?? null;
  const refresh = () => refetch();

  return (
    <div className="hukou-page">
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)}>
          {zhCN.app.back}
        </Button>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t.title}
          {c ? ` · ${zhCN.kinds[c.kind]}` : ''}
        </Typography.Title>
      </Space>
      {error && (
        <Alert
          type="error"
          showIcon
          message={classifyError(error).message}
          action={<Button onClick={() => void refresh()}>{zhCN.app.retry}</Button>}
          style={{ marginBottom: 16 }}
        />
      )}
      {loading && !c && (
        <Spin style={{ display: 'block', margin: 48 }} tip={zhCN.app.loading}>
          <div />
        </Spin>
      )}
      {!loading && !error && !c && <Empty description={t.notFound} />}
      {c && (
        <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
          <CaseView c={c} onRefresh={refresh} />
        </Suspense>
      )}
    </div>
  );
}
