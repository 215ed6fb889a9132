// Intake drafts kept on this PC (issue 19 item 5): what a clerk typed into an
// intake and has not saved, per user and kind, so that leaving the page (a
// route change, a closed tab, a crash) loses nothing. They hold personal data:
// they are cleared when the case is saved, when the draft is discarded, and
// when the user signs out (SessionStore.clear), and a draft older than
// draftTTLMs is dropped unread, so nothing lingers for the next user of the PC.

/** draftTTLMs is how long a draft is offered back: one working day. */
export const draftTTLMs = 12 * 60 * 60 * 1000;

const prefix = 'hukou.intakeDraft.';

/** Draft is a saved intake: each named form's values, and when it was saved. */
export interface Draft {
  savedAt: number;
  forms: Record<string, Record<string, unknown>>;
}

export const draftKey = (userId: string, kind: string): string => `${prefix}${userId}.${kind}`;

// Dates (dayjs, from date pickers) travel as ISO strings marked so that they come back as dates.
const dateMark = '$date';

function isDayjs(v: unknown): v is { toISOString: () => string; isValid: () => boolean } {
  return typeof v === 'object' && v !== null && typeof (v as { isValid?: unknown }).isValid === 'function' && typeof (v as { toISOString?: unknown }).toISOString === 'function';
}

/** encodeDraft serialises a draft; dayjs values are kept as marked ISO strings. */
export function encodeDraft(d: Draft): string {
  return JSON.stringify(d, function (this: unknown, key: string, v: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    if (isDayjs(raw)) return raw.isValid() ? { [dateMark]: raw.toISOString() } : null;
    return v;
  });
}

/** decodeDraft reads a serialised draft (null when it is not one); marked dates come back through toDate. */
export function decodeDraft(s: string | null, toDate: (iso: string) => unknown): Draft | null {
  if (!s) return null;
  try {
    const d = JSON.parse(s, (_k, v: unknown) => {
      if (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[dateMark] === 'string') {
        return toDate((v as Record<string, string>)[dateMark]);
      }
      return v;
    }) as unknown;
    if (typeof d !== 'object' || d === null) return null;
    const o = d as Partial<Draft>;
    if (typeof o.savedAt !== 'number' || typeof o.forms !== 'object' || o.forms === null) return null;
    return { savedAt: o.savedAt, forms: o.forms };
  } catch {
    return null;
  }
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage disabled: drafts are simply not kept
  }
}

/** loadDraft returns the user's draft of kind, dropping an expired or unreadable one. */
export function loadDraft(userId: string, kind: string, toDate: (iso: string) => unknown, now = Date.now()): Draft | null {
  const s = storage();
  const key = draftKey(userId, kind);
  const d = decodeDraft(s?.getItem(key) ?? null, toDate);
  if (d && now - d.savedAt <= draftTTLMs) return d;
  s?.removeItem(key);
  return null;
}

/** saveDraft keeps the user's draft of kind; a full storage keeps the previous one. */
export function saveDraft(userId: string, kind: string, d: Draft): void {
  try {
    storage()?.setItem(draftKey(userId, kind), encodeDraft(d));
  } catch {
    // quota exceeded: the guard still asks before leaving
  }
}

export function clearDraft(userId: string, kind: string): void {
  storage()?.removeItem(draftKey(userId, kind));
}

/** clearUserDrafts removes every draft of the user (on sign-out). */
export function clearUserDrafts(userId: string): void {
  const s = storage();
  if (!s) return;
  const mine = `${prefix}${userId}.`;
  const keys: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (k?.startsWith(mine)) keys.push(k);
  }
  for (const k of keys) s.removeItem(k);
}
