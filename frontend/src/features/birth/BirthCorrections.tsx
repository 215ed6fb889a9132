import { Descriptions } from 'antd';
import type { BirthDetailsFragment } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';
import { fieldValueLabel } from './formFields';

const t = zhCN.modals;

type ErrorItem = BirthDetailsFragment['errorReport'][number];
type Pending = NonNullable<BirthDetailsFragment['pendingChange']>;

/** ErrorReport lists the errors the applicant reported on the printed form (1.3.2, 1.3.3). */
export function ErrorReport({ items }: { items: readonly ErrorItem[] }) {
  if (items.length === 0) return null;
  return (
    <Descriptions title={t.reportedErrors} size="small" column={1} bordered style={{ marginBottom: 12 }} styles={{ label: { width: 130 } }}>
      {items.map((it, i) => (
        <Descriptions.Item key={`${it.field}-${i}`} label={zhCN.formFields[it.field] ?? it.field}>
          {`${t.reportWanted}：${fieldValueLabel(it.field, it.wanted)}`}
          {it.note ? `（${it.note}）` : ''}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** PendingChange shows the major-item change waiting for an approver (2.2.2). */
export function PendingChange({ change }: { change: Pending }) {
  return (
    <Descriptions title={t.pendingChange} size="small" column={1} bordered styles={{ label: { width: 130 } }}>
      <Descriptions.Item label={t.majorField}>{zhCN.formFields[change.field] ?? change.field}</Descriptions.Item>
      <Descriptions.Item label={t.majorValue}>{fieldValueLabel(change.field, change.value)}</Descriptions.Item>
      <Descriptions.Item label={t.majorReason}>{change.reason}</Descriptions.Item>
      <Descriptions.Item label={t.requestedBy}>{change.requestedBy}</Descriptions.Item>
    </Descriptions>
  );
}
