// What the intake's look-ups returned (1.1.8, 7.1.3, 7.1.5): the person from
// the Ministry (read-only), the eligibility and the card history, and every
// reason the application cannot be made, in Chinese.
import { Alert, Descriptions, Table, Tag } from 'antd';
import type { IdCardLookupQuery, IdCardRecordFragment } from '../../../graphql/generated/graphql';
import { MinistryChecks } from '../../../components/MinistryChecks';
import { useCodeNames } from '../../../components/useCodeNames';
import { zhCN } from '../../../locales/zh-CN';
import { formatTime } from '../../../lib/format';

const t = zhCN.idCard;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

/** refusalText is a refusal in Chinese: by its stable reason, or a general sentence. */
export function refusalText(reason: string): string {
  return zhCN.errors.reasons[reason] ?? (reason === 'case.service_closed' ? zhCN.errors.serviceClosed : zhCN.errors.reasons['id_card.offsite.not_eligible']);
}

/** HistoryTable lists the person's ID card applications (7.1.3). */
export function HistoryTable({ history }: { history: readonly IdCardRecordFragment[] }) {
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.kind}-${r.appliedOn ?? ''}-${r.issuedOn ?? ''}`}
      pagination={false}
      dataSource={[...history]}
      locale={{ emptyText: t.noHistory }}
      title={() => t.history}
      columns={[
        { title: t.historyKind, dataIndex: 'kind', render: (v: string) => t.applicationKinds[v] ?? v },
        { title: t.historyIssuedOn, dataIndex: 'issuedOn', render: (v: string | null) => v ?? '—' },
        { title: t.historyValidUntil, dataIndex: 'validUntil', render: (v: string | null, r) => v ?? (r.issuedOn ? t.longTerm : '—') },
        {
          title: t.historyStatus,
          dataIndex: 'status',
          render: (v: string, r) => (
            <>
              {t.historyStatuses[v] ?? v}
              {r.foundAt && (
                // 3.1.5: the card was found and handed to a station (this deployment's record).
                <Tag color={r.foundClaimed ? 'default' : 'orange'} style={{ marginLeft: 8 }}>
                  {r.foundClaimed ? zhCN.portal.foundFlagClaimed : zhCN.portal.foundFlag(formatTime(r.foundAt), r.foundStation ?? '')}
                </Tag>
              )}
            </>
          ),
        },
      ]}
    />
  );
}

export function LookupResult({ l }: { l: IdCardLookupQuery['idCardLookup'] }) {
  const names = useCodeNames();
  const p = l.person;
  return (
    <div data-testid="idcard-lookup">
      {l.refusals.length > 0 ? (
        <Alert
          type="error"
          showIcon
          message={t.refusals}
          data-testid="idcard-refusals"
          style={{ marginBottom: 12 }}
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {l.refusals.map((r) => (
                <li key={r.reason}>{refusalText(r.reason)}</li>
              ))}
            </ul>
          }
        />
      ) : (
        <Alert type="success" showIcon message={t.refusalsNone} style={{ marginBottom: 12 }} />
      )}
      <MinistryChecks checks={l.ministryChecks} />
      <Descriptions title={t.person} size="small" column={2} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t.name}>{p.name}</Descriptions.Item>
        <Descriptions.Item label={t.idNumber}>{mono(p.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.sex}>{zhCN.sex[p.sex] ?? p.sex}</Descriptions.Item>
        <Descriptions.Item label={t.ethnicity}>{names.ethnicity(p.ethnicity)}</Descriptions.Item>
        <Descriptions.Item label={t.birthDate}>{p.birthDate}</Descriptions.Item>
        <Descriptions.Item label={t.householdNumber}>{mono(l.householdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.address} span={2}>
          {l.address}
        </Descriptions.Item>
        <Descriptions.Item label={t.registrationOffice}>{mono(l.officeCode)}</Descriptions.Item>
        <Descriptions.Item label={t.eligibility}>
          <Tag color={l.eligibility.eligible ? 'green' : 'red'}>{l.eligibility.eligible ? t.eligible : t.notEligible}</Tag>
        </Descriptions.Item>
      </Descriptions>
      <HistoryTable history={l.history} />
    </div>
  );
}
