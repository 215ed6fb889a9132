// The case list's column settings (#19 item 4): which columns show and in what order, kept per user on the
// server (myPreference CASE_LIST_COLUMNS), so they follow the user to another counter PC. An older version kept
// them in the browser's localStorage; that copy is moved to the server once and then removed.

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

const legacyKey = (username: string) => `hukou.caseList.columns.${username}`;

/**
 * settingsFromServer reads the settings the server keeps for the user (myPreference: JSON text), normalised;
 * null when none are kept or the value is unreadable (the defaults apply).
 */
export function settingsFromServer(value: string | null | undefined): ColumnSettings | null {
  if (!value) return null;
  try {
    return normalizeSettings(JSON.parse(value));
  } catch {
    return null;
  }
}

/** serverValue is the settings as setMyPreference takes them. */
export const serverValue = (s: ColumnSettings): string => JSON.stringify({ order: s.order, hidden: s.hidden });

/** legacySettings reads the settings an older version kept in this browser for the user; null when none. */
export function legacySettings(username: string): ColumnSettings | null {
  try {
    const raw = window.localStorage.getItem(legacyKey(username));
    return raw ? normalizeSettings(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

/** forgetLegacySettings removes the browser's copy once the server keeps the settings. */
export function forgetLegacySettings(username: string): void {
  try {
    window.localStorage.removeItem(legacyKey(username));
  } catch {
    // storage disabled: nothing kept there either
  }
}

/**
 * initialSettings decides what the list shows once the server answered: the server's settings; else the
 * browser's old copy, which is then to be migrated to the server (once: the server keeps it from then on);
 * else the defaults.
 */
export function initialSettings(server: string | null | undefined, legacy: ColumnSettings | null): { settings: ColumnSettings; migrate: ColumnSettings | null } {
  const kept = settingsFromServer(server);
  if (kept) return { settings: kept, migrate: null };
  if (legacy) return { settings: legacy, migrate: legacy };
  return { settings: defaultColumnSettings, migrate: null };
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
