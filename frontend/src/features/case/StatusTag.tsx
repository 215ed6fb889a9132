import { Tag } from 'antd';
import { statusLabel } from '../../locales/zh-CN';

const colors: Record<string, string> = {
  DRAFT: 'default',
  SUBMITTED: 'processing',
  EXTRACTED: 'processing',
  RECEIVED: 'gold',
  APPROVED: 'cyan',
  SETTLED: 'green',
  FORM_RECEIVED: 'cyan',
  PRINTED: 'cyan',
  REFUSED: 'red',
  CLOSED: 'default',
  COMPLETED: 'green',
};

/** StatusTag shows a case status in Chinese, coloured by where the case stands. */
export function StatusTag({ status }: { status: string }) {
  return <Tag color={colors[status] ?? 'blue'}>{statusLabel(status)}</Tag>;
}
