// The tags and choices of archive management, shared by the search page and the detail drawer.
import { Tag } from 'antd';
import type { ArchiveRestriction } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.archives;

export const restrictionOptions = (['NONE', 'NO_DELETE', 'NO_MODIFY', 'NO_DELETE_NO_MODIFY'] as ArchiveRestriction[]).map((r) => ({
  value: r,
  label: t.restrictions[r],
}));

export function RestrictionTag({ r }: { r: ArchiveRestriction }) {
  return <Tag color={r === 'NONE' ? 'default' : 'orange'}>{t.restrictions[r]}</Tag>;
}

export function ValidityTag({ valid }: { valid: boolean }) {
  return <Tag color={valid ? 'green' : 'red'}>{valid ? t.statuses.VALID : t.statuses.DELETED}</Tag>;
}

