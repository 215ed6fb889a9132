package resolvers

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"hukou/domain"
)

// caseExportRequest is the JSON body of POST /exports/cases: the case
// list's search (as the cases query takes it), its order and the shown
// columns in their order.
type caseExportRequest struct {
	Filter struct {
		Kind          domain.CaseKind     `json:"kind"`
		Side          domain.Side         `json:"side"`
		Statuses      []domain.CaseStatus `json:"statuses"`
		CollabNo      string              `json:"collabNo"`
		Person        string              `json:"person"`
		Office        string              `json:"office"`
		CreatedFrom   *time.Time          `json:"createdFrom"`
		CreatedBefore *time.Time          `json:"createdBefore"`
	} `json:"filter"`
	OrderBy domain.CaseOrder        `json:"orderBy"`
	Columns []domain.CaseListColumn `json:"columns"`
	Format  domain.ExportFormat     `json:"format"`
}

// NewCaseExportHandler serves the case list's export (#19 item 4), mounted
// at /exports/cases, for every role that reads the case list:
//
//	POST /exports/cases   body {"filter": {…CaseFilter}, "orderBy": CaseOrder, "columns": [column…], "format": "CSV"|"XLSX"}
//
// The caller authenticates with a Bearer header, as for POST /exports/query
// (the SPA downloads both the same way). The domain checks the search and
// the jurisdiction as the cases query does, refuses more than its cap of
// rows (400, reason case.export_too_large) and audits the export before its
// first byte. Errors before the first byte answer with a JSON body {"code",
// "message", "reason"}; a failure in the middle aborts the
// connection, so the client never takes a cut file for a whole one.
func NewCaseExportHandler(cases *domain.CaseService, tables domain.TableEncoder, tokens *Tokens, auth *domain.AuthService) http.Handler {
	if cases == nil || tables == nil || tokens == nil || auth == nil {
		panic("resolvers: NewCaseExportHandler needs cases, tables, tokens and auth")
	}
	return &caseExportHandler{cases: cases, tables: tables, tokens: tokens, auth: auth, now: time.Now}
}

type caseExportHandler struct {
	cases  *domain.CaseService
	tables domain.TableEncoder
	tokens *Tokens
	auth   *domain.AuthService
	now    func() time.Time
}

func (h *caseExportHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeFileError(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "the case list's export is asked for with POST")
		return
	}
	ctx := authenticate(r.Context(), r.Header.Get("Authorization"), clientAddr(r), h.tokens, h.auth, h.now)
	if domain.ActorFromContext(ctx) == nil {
		err := authError(ctx)
		if err == nil {
			err = domain.Errorf(domain.CodeUnauthenticated, "sign in first: send 'Authorization: Bearer <token>'").WithReason("auth.required")
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="hukou"`)
		writeDomainError(w, r, err)
		return
	}
	var req caseExportRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxExportRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeDomainError(w, r, domain.FieldErrorf("body", "the export request is not the JSON this endpoint takes: %v", err).WithReason("request.malformed"))
		return
	}
	f := domain.CaseFilter{Kind: req.Filter.Kind, Side: req.Filter.Side, Statuses: req.Filter.Statuses, CollabNo: req.Filter.CollabNo,
		Person: req.Filter.Person, Office: req.Filter.Office, CreatedFrom: req.Filter.CreatedFrom, CreatedBefore: req.Filter.CreatedBefore,
		Order: req.OrderBy}
	ext, ctype := ".csv", "text/csv; charset=utf-8"
	if req.Format == domain.ExportXLSX {
		ext, ctype = ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	out := &startWriter{w: w, start: func() {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", disposition("attachment", "cases-"+h.now().In(chinaTime).Format("20060102-150405")+ext))
	}}
	_, err := h.cases.ExportCases(ctx, domain.CaseExport{Filter: f, Columns: req.Columns, Format: req.Format}, h.tables, out)
	switch {
	case err == nil:
	case !out.started:
		writeDomainError(w, r, err)
	default:
		slog.ErrorContext(ctx, "case export interrupted", "err", err)
		panic(http.ErrAbortHandler)
	}
}
