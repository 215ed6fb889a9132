// The case list's export (#19 item 4) through /exports/cases: the list's search, order and shown columns; the
// server confines it to the caller's jurisdiction, masks it as the list shows it, audits it and caps its rows.
import type { CaseFilter, CaseOrder } from '../../graphql/generated/graphql';
import { downloadExport, type ExportFormat } from '../query/exportQuery';
import type { CaseColumnKey } from './caseColumns';

/** CaseExportRequest is the JSON /exports/cases takes. */
export interface CaseExportRequest {
  filter: CaseFilter;
  orderBy: CaseOrder;
  columns: CaseColumnKey[];
  format: ExportFormat;
}

/** caseExportBody is the request with exactly the fields the endpoint takes (it refuses unknown ones). */
export function caseExportBody(req: CaseExportRequest): CaseExportRequest {
  const f = req.filter;
  const filter: CaseFilter = {};
  if (f.kind) filter.kind = f.kind;
  if (f.side) filter.side = f.side;
  if (f.statuses && f.statuses.length > 0) filter.statuses = [...f.statuses];
  if (f.collabNo) filter.collabNo = f.collabNo;
  if (f.person) filter.person = f.person;
  if (f.office) filter.office = f.office;
  if (f.createdFrom) filter.createdFrom = f.createdFrom;
  if (f.createdBefore) filter.createdBefore = f.createdBefore;
  return { filter, orderBy: req.orderBy, columns: [...req.columns], format: req.format };
}

/** exportCases downloads the list's export and returns its file name; throws ExportRefused with a Chinese message. */
export function exportCases(token: string, req: CaseExportRequest): Promise<string> {
  return downloadExport('/exports/cases', token, caseExportBody(req), `cases.${req.format.toLowerCase()}`);
}
