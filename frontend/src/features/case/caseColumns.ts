// The case list's column settings (#19 item 4): which columns show and in what order, kept per user in the
// browser (localStorage, under the user's name), and the query fields the export asks for in that order.
import type { QueryConditionInput } from '../../graphql/generated/graphql';

/** The case list's configurable columns, in their default order. */
export const caseColumnKeys = ['collabNo', 'kind', 'people', 'side', 'otherOffice', 'status', 'created', 'deadline', 'updatedAt'] as const;
export type CaseColumnKey = (typeof caseColumnKeys)[number];

/** ColumnSettings is the order of every column and the ones hidden. */
export interface ColumnSettings {
  order: CaseColumnKey[];
  hidden: CaseColumnKey[];
}

export const defaultColumnSettings: ColumnSettings = { order: [...caseColumnKeys], hidden: [] };

const isKey = (k: unknown): k is CaseColumnKey => typeof k === 'string' && (caseColumnKeys as readonly string[]).includes(k);

/**
 * normalizeSettings keeps what is valid of stored settings: known columns once each, in their stored order, the
 * columns a newer version added at the end; at least one column stays shown.
 */
export function normalizeSettings(v: unknown): ColumnSettings {
  if (typeof v !== 'object' || v === null) return defaultColumnSettings;
  const o = v as { order?: unknown; hidden?: unknown };
  const order = [...new Set(Array.isArray(o.order) ? o.order.filter(isKey) : [])];
  for (const k of caseColumnKeys) if (!order.includes(k)) order.push(k);
  const hidden = [...new Set(Array.isArray(o.hidden) ? o.hidden.filter(isKey) : [])];
  return hidden.length >= order.length ? { order, hidden: [] } : { order, hidden };
}

const storageKey = (username: string) => `hukou.caseList.columns.${username}`;

/** loadColumnSettings reads the user's settings; the defaults when none are kept or storage is unavailable. */
export function loadColumnSettings(username: string): ColumnSettings {
  try {
    const raw = window.localStorage.getItem(storageKey(username));
    return raw ? normalizeSettings(JSON.parse(raw)) : defaultColumnSettings;
  } catch {
    return defaultColumnSettings;
  }
}

/** saveColumnSettings keeps the user's settings; the defaults are kept as nothing. */
export function saveColumnSettings(username: string, s: ColumnSettings): void {
  try {
    const isDefault = s.hidden.length === 0 && s.order.every((k, i) => k === caseColumnKeys[i]);
    if (isDefault) window.localStorage.removeItem(storageKey(username));
    else window.localStorage.setItem(storageKey(username), JSON.stringify(s));
  } catch {
    // storage full or disabled: the settings last for this page only
  }
}

/** move returns the order with key moved by delta places (−1 up, +1 down), unchanged at an end. */
export function move(order: readonly CaseColumnKey[], key: CaseColumnKey, delta: number): CaseColumnKey[] {
  const i = order.indexOf(key);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= order.length) return [...order];
  const out = [...order];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

/** shownColumns are the columns to show, in order. */
export const shownColumns = (s: ColumnSettings): CaseColumnKey[] => s.order.filter((k) => !s.hidden.includes(k));

// The fields of a kind's query source (domain.CaseQuerySource) each column exports; the kind and the persons have
// none (the export is of one kind, and persons are the kind's own fields).
const exportFields: Record<CaseColumnKey, string[]> = {
  collabNo: ['collabNo'],
  kind: [],
  people: [],
  side: ['side'],
  otherOffice: ['acceptanceOffice', 'registrationOffice'],
  status: ['status'],
  created: ['createdAt'],
  deadline: ['deadlineAt'],
  updatedAt: ['updatedAt'],
};

/** exportColumns are the query fields of the shown columns, in their order. */
export const exportColumns = (s: ColumnSettings): string[] => shownColumns(s).flatMap((k) => exportFields[k]);

/** ListFilter is the case list's search as the export can take it (a person search it cannot). */
export interface ListFilter {
  status?: string;
  side?: string;
  collabNo?: string;
  /** YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
}

/**
 * exportCondition is the case list's filter as a condition on a kind's query source: each field equal to the
 * chosen value, the opening date between the range's ends (an open end: the first day cases can have, or today).
 */
export function exportCondition(f: ListFilter, today: string): QueryConditionInput | null {
  const children: QueryConditionInput[] = [];
  if (f.status) children.push({ field: 'status', op: 'EQ', values: [f.status] });
  if (f.side) children.push({ field: 'side', op: 'EQ', values: [f.side] });
  if (f.collabNo) children.push({ field: 'collabNo', op: 'EQ', values: [f.collabNo] });
  if (f.from || f.to) children.push({ field: 'createdAt', op: 'BETWEEN', values: [f.from ?? '2000-01-01', f.to ?? today] });
  return children.length > 0 ? { group: 'AND', children } : null;
}
