// What the applicant confirms before submission (1.1.9): contact details,
// pick-up method, the photo and the two fingers.
import { Descriptions, Space, Tag, Typography } from 'antd';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.idCard;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

export interface SummaryFinger {
  position: number;
  notAvailable?: string | null;
  quality?: number | null;
}

export interface SummaryProps {
  name: string;
  idNumber: string;
  kind: string;
  reason: string;
  phone: string;
  pickup: string;
  postAddress?: string | null;
  postRecipient?: string | null;
  postCode?: string | null;
  photoUrl?: string;
  fingers: readonly SummaryFinger[];
  fingerCodes: readonly { code: string; name: string }[];
}

/** Summary shows everything the applicant confirms. */
export function Summary(p: SummaryProps) {
  const codeName = (c: string) => p.fingerCodes.find((f) => f.code === c)?.name ?? c;
  return (
    <Space align="start" size="large" data-testid="idcard-summary" wrap>
      <div style={{ width: 150, aspectRatio: '358 / 441', border: '1px solid #d9d9d9', background: '#fafafa' }}>
        {p.photoUrl && <img src={p.photoUrl} alt={t.photo} style={{ width: '100%', height: '100%', objectFit: 'contain' }} />}
      </div>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 120 } }} style={{ minWidth: 420 }}>
        <Descriptions.Item label={t.name}>{p.name}</Descriptions.Item>
        <Descriptions.Item label={t.idNumber}>{mono(p.idNumber)}</Descriptions.Item>
        <Descriptions.Item label={t.applicationKind}>{p.kind}</Descriptions.Item>
        <Descriptions.Item label={t.reason}>{p.reason}</Descriptions.Item>
        <Descriptions.Item label={t.phone}>{mono(p.phone)}</Descriptions.Item>
        <Descriptions.Item label={t.pickup}>{t.pickups[p.pickup] ?? p.pickup}</Descriptions.Item>
        {p.pickup === 'POST' && (
          <Descriptions.Item label={t.postAddress}>
            {p.postAddress} {p.postRecipient} {p.postCode && mono(p.postCode)}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t.fingerprints}>
          <Space direction="vertical" size={2}>
            {p.fingers.map((f, i) => (
              <Typography.Text key={i}>
                {t.finger(i + 1)}：{t.fingerNames[f.position]}{' '}
                {f.notAvailable ? <Tag color="orange">{t.notAvailable}：{codeName(f.notAvailable)}</Tag> : <Tag color="green">{t.quality} {f.quality}</Tag>}
              </Typography.Text>
            ))}
          </Space>
        </Descriptions.Item>
      </Descriptions>
    </Space>
  );
}
