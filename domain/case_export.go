package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"hukou/domain/codes"
)

// The case list's export (#19 item 4): every role that reads the case list
// exports the cases its current search selects, in the list's order, with
// the columns the user shows, in their order, masked as the list shows them
// to that role, audited with the search and the number of rows. The query
// views keep their own export (any field, conditions); this one is the
// list's, for the counters.

// DefaultCaseExportMaxRows is the most cases one case list export holds.
const DefaultCaseExportMaxRows = 10_000

// caseExportPage is how many cases an export reads at a time.
const caseExportPage = MaxPageSize

// CaseExport is what a case list export asks for.
type CaseExport struct {
	// Filter and its Order: the list's search, as FindCases takes it.
	Filter CaseFilter
	// Columns are the shown columns, in order.
	Columns []CaseListColumn
	Format  ExportFormat
}

// The export's headers and the labels of its coded values; these must read
// as the SPA's locale (frontend/src/locales/zh-CN.ts) shows them, which
// TestCaseExportLabels_MatchTheSPA checks.
var (
	CaseColumnHeaders = map[CaseListColumn]string{
		CaseColumnCollabNo: "协同编号", CaseColumnKind: "业务类型", CaseColumnPeople: "当事人", CaseColumnSide: "受理地/户籍地",
		CaseColumnOtherOffice: "对方单位", CaseColumnStatus: "状态", CaseColumnCreated: "受理日期",
		CaseColumnDeadline: "办理期限", CaseColumnUpdatedAt: "更新时间",
	}
	// CaseColumnHeaders, CaseSideLabels, CaseKindLabels and
	// CaseStatusLabels name the columns and coded values in an export.
	CaseSideLabels = map[Side]string{SideAcceptance: "受理地", SideRegistration: "户籍地"}
	CaseKindLabels = map[CaseKind]string{
		"BIRTH": "新生儿出生登记", "MIGRATION": "户口迁移", "INFO_CERT": "户籍信息证明", "MATTER_CERT": "户籍事项证明",
		"ID_CARD": "居民身份证异地办理",
	}
	CaseStatusLabels = map[CaseStatus]string{
		"DRAFT": "待提交", "SUBMITTED": "已提交", "EXTRACTED": "户籍地办理中", "REFUSED": "不予办理",
		"FORM_RECEIVED": "已收到常表", "PRINTED": "已打印常表", "CORRECTION_REQUESTED": "差错更正中",
		"SIGNED_RETURNED": "已回传签字常表", "CLOSED": "已结案", "COMPLETED": "办结", "RECEIVED": "待审批",
		"APPROVED": "待落户", "SETTLED": "已落户", "CORRECTING": "差错更正中", "CHANGE_PENDING": "主项变更待审批",
		"SIGNED_RECEIVED": "待归档", "MOVED_OUT": "已迁出", "VERIFIED": "核实属实，待出具证明", "NO_RESULT": "无法核实",
		"REVOKED": "证明已撤销", "ROUTED": "外省已协查", "ANSWERED": "已反馈核实结果", "SIGNED": "审核通过，已签发",
		"ISSUED": "已回写签发信息，待制证", "IN_PRODUCTION": "制证中", "QUALITY_FEEDBACK": "收到质量回馈",
		"CORRECTION": "待更正重传", "PRODUCED": "制证完成", "READY": "待领证", "COLLECTED": "已领证，待结案",
	}
)

// caseExportTime is how times read in an export: China Standard Time.
var caseExportTime = time.FixedZone("CST", 8*3600)

// ExportCases writes the cases of the caller's case list search to w as a
// table (CSV with a byte-order mark, or XLSX, made by enc): a header row of
// the columns' Chinese names, then one row per case in the list's order,
// names masked for callers who read personal data masked. The search is
// checked and confined to the caller's jurisdiction exactly as FindCases
// does; the export is audited (search, columns, rows) before its first byte.
// It returns the rows written. Errors before the first byte: CodeForbidden,
// CodeNotFound (an office outside the jurisdiction), CodeInvalid (reasons
// case.export_columns, case.export_format, those of FindCases, and
// case.export_too_large when the search selects more than ExportMaxRows
// cases), CodeUnavailable when the audit cannot be written. No transaction:
// the rows are read a page at a time.
func (s *CaseService) ExportCases(ctx context.Context, req CaseExport, enc TableEncoder, w io.Writer) (int, error) {
	actor, err := Authorize(ctx, CaseReadRoles...)
	if err != nil {
		return 0, err
	}
	if len(req.Columns) == 0 {
		return 0, FieldErrorf("columns", "name at least one column to export").WithReason("case.export_columns")
	}
	seen := map[CaseListColumn]bool{}
	for _, c := range req.Columns {
		if !c.Valid() || seen[c] {
			return 0, FieldErrorf("columns", "column %q is unknown or named twice", c).WithReason("case.export_columns")
		}
		seen[c] = true
	}
	if req.Format == "" {
		req.Format = ExportCSV
	}
	if req.Format != ExportCSV && req.Format != ExportXLSX {
		return 0, FieldErrorf("format", "an export is CSV or XLSX").WithReason("case.export_format")
	}
	f := req.Filter
	f.OverdueAt, f.OfficePrefix = nil, ""
	if err := checkCaseFilter(actor, &f); err != nil {
		return 0, err
	}
	if f.OfficePrefix, err = s.caseScope(ctx, actor, f.Office); err != nil {
		return 0, err
	}
	if !f.Order.valid() {
		return 0, FieldErrorf("orderBy", "unknown order %q", f.Order).WithReason("case.order")
	}
	limit := s.ExportMaxRows
	if limit <= 0 {
		limit = DefaultCaseExportMaxRows
	}
	n, err := s.DB.Cases().CountCases(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("count case export: %w", err)
	}
	if n > limit {
		return 0, FieldErrorf("filter", "the search selects %d cases, more than the %d one export holds: narrow it (kind, status, office or dates) and export again", n, limit).
			WithReason("case.export_too_large")
	}
	detail, _ := json.Marshal(map[string]any{"filter": caseFilterAudit(f), "columns": req.Columns, "format": req.Format, "rows": n})
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "cases.export", "Case", "", string(detail))); err != nil {
		return 0, err
	}
	tw, err := enc.NewTable(req.Format, w, "案件列表")
	if err != nil {
		return 0, err
	}
	row := make([]*string, len(req.Columns))
	for i, c := range req.Columns {
		h := CaseColumnHeaders[c]
		row[i] = &h
	}
	if err := tw.WriteRow(row); err != nil {
		return 0, err
	}
	names := map[string]string{}
	written := 0
	for p := (Page{First: caseExportPage}); written < limit; {
		page, err := s.DB.Cases().FindCases(ctx, f, p)
		if err != nil {
			return written, fmt.Errorf("export cases: %w", err)
		}
		if err := s.officeNames(ctx, page.Cases, names); err != nil {
			return written, err
		}
		for _, c := range page.Cases {
			if written == limit {
				break
			}
			for i, col := range req.Columns {
				v := caseCell(actor, c, col, names)
				row[i] = &v
			}
			if err := tw.WriteRow(row); err != nil {
				return written, err
			}
			written++
		}
		if !page.HasNextPage || page.EndCursor == "" {
			break
		}
		p.After = page.EndCursor
	}
	return written, tw.Close()
}

// caseFilterAudit is the search as the audit records it.
func caseFilterAudit(f CaseFilter) map[string]any {
	out := map[string]any{"jurisdiction": f.OfficePrefix}
	add := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	add("kind", string(f.Kind))
	add("side", string(f.Side))
	add("collabNo", f.CollabNo)
	add("person", f.Person)
	add("office", f.Office)
	add("order", string(f.Order))
	if len(f.Statuses) > 0 {
		out["statuses"] = f.Statuses
	}
	if f.CreatedFrom != nil {
		out["createdFrom"] = f.CreatedFrom.UTC()
	}
	if f.CreatedBefore != nil {
		out["createdBefore"] = f.CreatedBefore.UTC()
	}
	return out
}

// officeNames adds the names of the other offices of cases to names:
// from the register, else the division's name, else the code.
func (s *CaseService) officeNames(ctx context.Context, cases []*Case, names map[string]string) error {
	var missing []string
	for _, c := range cases {
		if code := otherOffice(c); code != "" {
			if _, ok := names[code]; !ok {
				names[code] = code
				missing = append(missing, code)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found, err := s.DB.Offices().FindOfficesByCodes(ctx, missing)
	if err != nil {
		return fmt.Errorf("export cases: offices: %w", err)
	}
	for _, o := range found {
		names[o.Code] = o.Name
	}
	for _, code := range missing {
		if names[code] == code && len(code) >= 6 {
			if n := codes.FullName(code[:6]); n != "" {
				names[code] = n
			}
		}
	}
	return nil
}

func otherOffice(c *Case) string {
	if c.Side == SideAcceptance {
		return c.RegistrationOffice
	}
	return c.AcceptanceOffice
}

// labelOr is k's label in m, or k itself when m has none (a kind or
// status newer than the labels).
func labelOr[K ~string](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return string(k)
}

// caseCell is a case's value of one column, as the case list shows it.
func caseCell(actor *Actor, c *Case, col CaseListColumn, names map[string]string) string {
	at := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(caseExportTime).Format("2006-01-02 15:04")
	}
	switch col {
	case CaseColumnCollabNo:
		return c.CollabNo
	case CaseColumnKind:
		return labelOr(CaseKindLabels, c.Kind)
	case CaseColumnPeople:
		var out []string
		for _, p := range c.People {
			if p.Name == "" {
				continue
			}
			if actor.MasksPersonalData() {
				out = append(out, MaskName(p.Name))
			} else {
				out = append(out, p.Name)
			}
		}
		return strings.Join(out, "、")
	case CaseColumnSide:
		return labelOr(CaseSideLabels, c.Side)
	case CaseColumnOtherOffice:
		return labelOr(names, otherOffice(c))
	case CaseColumnStatus:
		return labelOr(CaseStatusLabels, c.Status)
	case CaseColumnCreated:
		return at(&c.CreatedAt)
	case CaseColumnDeadline:
		return at(c.DeadlineAt)
	case CaseColumnUpdatedAt:
		return at(&c.UpdatedAt)
	}
	return ""
}

// valid reports whether o is a known order ("" is the default).
func (o CaseOrder) valid() bool {
	switch o {
	case "", CaseOrderUpdatedDesc, CaseOrderUpdatedAsc, CaseOrderCreatedDesc, CaseOrderCreatedAsc, CaseOrderCollabNoAsc, CaseOrderCollabNoDesc:
		return true
	}
	return false
}
