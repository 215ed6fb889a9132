import dayjs from 'dayjs';

/** formatTime renders an RFC 3339 instant as 2026年11月25日 14:05. */
export function formatTime(t: string | null | undefined): string {
  if (!t) return '—';
  const d = dayjs(t);
  return d.isValid() ? d.format('YYYY年M月D日 HH:mm') : t;
}

/** formatDate renders a date or instant as 2026年11月25日. */
export function formatDate(t: string | null | undefined): string {
  if (!t) return '—';
  const d = dayjs(t);
  return d.isValid() ? d.format('YYYY年M月D日') : t;
}
