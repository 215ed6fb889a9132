// Exports a query as CSV or XLSX through /exports/query (1.5.1–1.5.4): the server streams the file, masks it
// for the caller and audits it; the browser saves it under the server's file name.
import type { QueryConditionInput, QuerySortInput } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';

export type ExportFormat = 'CSV' | 'XLSX';

export interface ExportRequest {
  source: string;
  condition: QueryConditionInput | null;
  columns: string[];
  sort: QuerySortInput;
  format: ExportFormat;
}

const m = zhCN.errors;

/** exportMessage is the Chinese message of a refused export: by the server's reason where the locale has one, else by its code. */
export function exportMessage(status: number, code: string, reason = ''): string {
  const byReason = m.reasons[reason];
  if (byReason) return byReason;
  switch (code) {
    case 'UNAUTHENTICATED':
      return m.unauthenticated;
    case 'FORBIDDEN':
      return m.forbidden;
    case 'BAD_USER_INPUT':
      return m.badInput;
    case 'NOT_FOUND':
      return m.notFound;
    case 'UNAVAILABLE':
      return m.unavailable;
    default:
      return status === 401 ? m.unauthenticated : m.generic;
  }
}

/** fileNameOf reads the file name of a Content-Disposition header (RFC 5987 form first). */
export function fileNameOf(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain ? plain[1] : fallback;
}

/**
 * exportBody is the JSON the endpoint takes: exactly its fields, since it refuses unknown ones (a sort read
 * back from a saved view carries Apollo's __typename).
 */
export function exportBody(req: ExportRequest): ExportRequest {
  return {
    source: req.source,
    condition: req.condition,
    columns: [...req.columns],
    sort: { field: req.sort.field, descending: req.sort.descending },
    format: req.format,
  };
}

/** BackgroundExportNeeded: the export has more rows than the server streams; it runs as a background job instead. */
export class BackgroundExportNeeded extends Error {}

/** ExportRefused is a refused export: its Chinese message, and the server's code and reason. */
export class ExportRefused extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * downloadExport POSTs body as JSON to an export endpoint with the access token (the way every export of the SPA
 * is fetched: no token in a URL), saves the answer under the server's file name and returns that name; it throws
 * ExportRefused with a Chinese message when the server refuses.
 */
export async function downloadExport(url: string, token: string, body: unknown, fallbackName: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    let code = '';
    let reason = '';
    try {
      const b = (await res.json()) as { code?: string; reason?: string };
      code = b.code ?? '';
      reason = b.reason ?? '';
    } catch {
      // not JSON: the status decides
    }
    throw new ExportRefused(exportMessage(res.status, code, reason), code, reason);
  }
  const name = fileNameOf(res.headers.get('Content-Disposition'), fallbackName);
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}

/**
 * exportQuery downloads the export and returns its file name; it throws BackgroundExportNeeded for a large export
 * (start it with startQueryExport) and an Error with a Chinese message when refused.
 */
export async function exportQuery(token: string, req: ExportRequest): Promise<string> {
  try {
    return await downloadExport('/exports/query', token, exportBody(req), `${req.source}.${req.format.toLowerCase()}`);
  } catch (e) {
    if (e instanceof ExportRefused && e.reason === 'query.export_background') throw new BackgroundExportNeeded(zhCN.queryExport.background);
    throw e;
  }
}
