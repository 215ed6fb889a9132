package resolvers

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hukou/domain"
)

// maxExportRequest bounds the JSON body of an export request.
const maxExportRequest = 256 << 10

// exportRequest is the JSON body of POST /exports/query.
type exportRequest struct {
	Source    string                 `json:"source"`
	Condition *domain.QueryCondition `json:"condition"`
	Columns   []string               `json:"columns"`
	Sort      *domain.QuerySort      `json:"sort"`
	Format    domain.ExportFormat    `json:"format"`
}

// NewExportHandler streams query exports (1.5.1–1.5.4) as CSV or XLSX,
// mounted at /exports/query:
//
//	POST /exports/query                 body {"source", "condition", "columns", "sort", "format": "CSV"|"XLSX"}
//	GET  /exports/query?view={id}&format=XLSX   a saved view's query
//	GET  /exports/query/{exportId}?u=…&g=…&exp=…&sig=…   a background export's file (its downloadUrl), or with a Bearer header
//
// The caller authenticates as for /files (a Bearer header, or
// access_token=<token> where no header can be set). Rows are read from
// the database as they are written (flat memory); the domain audits the
// export before its first row and at its end (rows, SHA-256). Errors found
// before the first byte answer 400/401/403/404/503 with a JSON body
// {"code", "message"}; a failure in the middle of a CSV aborts the
// connection, so the client never takes a cut file for a whole one.
func NewExportHandler(queries *domain.QueryService, tokens *Tokens, auth *domain.AuthService) http.Handler {
	if queries == nil || tokens == nil || auth == nil {
		panic("resolvers: NewExportHandler needs queries, tokens and auth")
	}
	return &exportHandler{queries: queries, tokens: tokens, auth: auth, now: time.Now}
}

type exportHandler struct {
	queries *domain.QueryService
	tokens  *Tokens
	auth    *domain.AuthService
	now     func() time.Time
}

func (h *exportHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	if id, ok := strings.CutPrefix(r.URL.Path, "/exports/query/"); ok {
		h.download(w, r, id)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeFileError(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "exports are asked for with POST (a query) or GET (a saved view)")
		return
	}
	header := r.Header.Get("Authorization")
	if header == "" {
		if tok := r.URL.Query().Get("access_token"); tok != "" {
			header = "Bearer " + tok
		}
	}
	ctx := authenticate(r.Context(), header, clientAddr(r), h.tokens, h.auth, h.now)
	if domain.ActorFromContext(ctx) == nil {
		err := authError(ctx)
		if err == nil {
			err = domain.Errorf(domain.CodeUnauthenticated, "sign in first: send 'Authorization: Bearer <token>' or ?access_token=<token>").WithReason("auth.required")
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="hukou"`)
		writeDomainError(w, r, err)
		return
	}
	var req exportRequest
	if r.Method == http.MethodPost {
		body := http.MaxBytesReader(w, r.Body, maxExportRequest)
		dec := json.NewDecoder(body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeDomainError(w, r, domain.FieldErrorf("body", "the export request is not the JSON this endpoint takes: %v", err).WithReason("request.malformed"))
			return
		}
	} else {
		v, err := h.queries.View(ctx, r.URL.Query().Get("view"))
		if err != nil {
			writeDomainError(w, r, err)
			return
		}
		req = exportRequest{Source: v.Source, Condition: v.Spec.Condition, Sort: v.Spec.Sort}
		for _, c := range v.Spec.Columns {
			req.Columns = append(req.Columns, c.Field)
		}
		req.Format = domain.ExportFormat(strings.ToUpper(r.URL.Query().Get("format")))
	}
	if req.Format == "" {
		req.Format = domain.ExportCSV
	}
	ext, ctype := ".csv", "text/csv; charset=utf-8"
	if req.Format == domain.ExportXLSX {
		ext, ctype = ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	out := &startWriter{w: w, start: func() {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", disposition("attachment", req.Source+"-"+h.now().Format("20060102-150405")+ext))
	}}
	_, err := h.queries.Export(ctx, domain.QueryRequest{Source: req.Source, Condition: req.Condition, Columns: req.Columns, Sort: req.Sort}, req.Format, out)
	switch {
	case err == nil:
	case !out.started:
		writeDomainError(w, r, err)
	default:
		slog.ErrorContext(ctx, "export interrupted", "source", req.Source, "err", err)
		panic(http.ErrAbortHandler) // the client sees a failed download, not a short file
	}
}

// startWriter sets the response's headers before its first byte.
type startWriter struct {
	w       io.Writer
	start   func()
	started bool
}

func (s *startWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	n, err := s.w.Write(p)
	if err != nil {
		return n, errors.Join(errExportClient, err)
	}
	return n, nil
}

var errExportClient = errors.New("export: the client went away")

// download serves the file of a background export to its owner (issue 15):
// through its signed link (downloadUrl) or a Bearer header; audited by
// OpenExport with its rows and SHA-256. Anyone else's export is 404.
func (h *exportHandler) download(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeFileError(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "an export's file is fetched with GET")
		return
	}
	ctx, err := linkOrBearer(r, exportLinkID(id), h.tokens, h.auth, h.now, "download through the export's link (downloadUrl)")
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hukou"`)
		writeDomainError(w, r, err)
		return
	}
	rc, e, err := h.queries.OpenExport(ctx, id)
	if err != nil {
		writeDomainError(w, r, err)
		return
	}
	defer rc.Close()
	ext, ctype := ".csv", "text/csv; charset=utf-8"
	if e.Format == domain.ExportXLSX {
		ext, ctype = ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.FormatInt(e.Size, 10))
	w.Header().Set("Content-Disposition", disposition("attachment", e.Source+"-"+e.CreatedAt.In(chinaTime).Format("20060102-150405")+ext))
	if _, err := io.Copy(w, rc); err != nil {
		slog.WarnContext(ctx, "export download interrupted", "export", id, "err", err)
	}
}

var chinaTime = time.FixedZone("CST", 8*3600)
