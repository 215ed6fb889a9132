import { Descriptions, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import type { BirthLookupQuery } from '../../../graphql/generated/graphql';
import { MinistryChecks } from '../../../components/MinistryChecks';
import { formatTime } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';

const t = zhCN.caseDetail;

export type BirthLookupResult = BirthLookupQuery['birthLookup'];

/** BirthLookupPanel shows what the Ministry look-ups returned, read-only, with each check's result (1.1.1). */
export function BirthLookupPanel({ lookup, compact }: { lookup: BirthLookupResult; compact?: boolean }) {
  const c = lookup.certificate;
  const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;
  return (
    <div className="hukou-ministry" data-testid="lookup-data">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        <LockOutlined /> {t.ministrySection}
      </Typography.Title>
      <MinistryChecks checks={lookup.ministryChecks} testId="lookup-checks" hideDetail={compact} />
      <Descriptions size="small" column={compact ? 1 : 2} bordered styles={{ label: { width: 130 } }}>
        <Descriptions.Item label={t.certificateNumber}>{mono(c.number)}</Descriptions.Item>
        <Descriptions.Item label={t.newbornNameOnCertificate}>{c.name}</Descriptions.Item>
        <Descriptions.Item label={t.sex}>{zhCN.sex[c.sex] ?? c.sex}</Descriptions.Item>
        <Descriptions.Item label={t.birthTime}>{formatTime(c.birthTime)}</Descriptions.Item>
        <Descriptions.Item label={t.hospital}>{c.hospital}</Descriptions.Item>
        <Descriptions.Item label={t.motherName}>{c.motherName}</Descriptions.Item>
        <Descriptions.Item label={t.motherIdNumber}>{mono(c.motherIdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.fatherName}>{c.fatherName}</Descriptions.Item>
        <Descriptions.Item label={t.fatherIdNumber}>{mono(c.fatherIdNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.householdNumber}>{mono(lookup.householdNumber)}</Descriptions.Item>
        <Descriptions.Item label={zhCN.birth.householdAddress}>{lookup.householdAddress}</Descriptions.Item>
      </Descriptions>
    </div>
  );
}
