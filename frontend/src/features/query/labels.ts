// How query values read in Chinese: code names, times and generalised birth dates. Nothing here names a
// kind: a code's name comes from the server, or from the common case and register labels of zh-CN.
import dayjs from 'dayjs';
import type { QueryFieldInfoFragment } from '../../graphql/generated/graphql';
import { formatDate, formatTime } from '../../lib/format';
import { statusLabel, zhCN } from '../../locales/zh-CN';

/** codeLabel is a code's Chinese name: the server's, else the case statuses, sides or resident statuses of zh-CN. */
export function codeLabel(field: Pick<QueryFieldInfoFragment, 'codes'>, code: string): string {
  const named = field.codes.find((c) => c.code === code)?.name;
  if (named && named !== code) return named;
  const sides = zhCN.sides as Record<string, string>;
  return sides[code] ?? zhCN.query.residentStatuses[code] ?? statusLabel(code);
}

/** cellText is a result value as the table, the detail and the print show it. */
export function cellText(field: QueryFieldInfoFragment | undefined, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (!field) return value;
  if (field.masked && field.pii === 'BIRTH_DATE') {
    const d = dayjs(value);
    return d.isValid() ? d.format('YYYY年M月') : value;
  }
  switch (field.type) {
    case 'CODE':
      return codeLabel(field, value);
    case 'DATETIME':
      return formatTime(value);
    case 'DATE':
      return formatDate(value);
    default:
      return value;
  }
}
