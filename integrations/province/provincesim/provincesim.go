// Package provincesim simulates the provincial department's service for
// tests and dev mode: it serves the contract in ../openapi.yaml, issues
// collaboration numbers once per case (kept in memory), and fails on demand
// through a fault.Injector, per endpoint, set by code or through
// /admin/faults.
//
// It also answers routed certificate verifications (2.2.7) as the third
// province, with scripted verdicts (RoutedNotTrueIDNumber,
// RoutedNoResultIDNumber; TRUE for anyone else, with one PDF material).
//
// It is also the province's e-seal service (5.1.1, seals.go): it issues
// seals with certificates from its own SM2 CA (the same CA in every
// simulator), looks them up and revokes them.
//
// Endpoint names for fault rules: "collaboration_number",
// "certificate_verification", "seal_issue", "seal_get", "seal_revoke", "seal_ca".
package provincesim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/province"
)

// Config configures a Server.
type Config struct {
	// Faults injects failures; nil means a fresh Injector with no rules
	// (reachable through /admin/faults).
	Faults *fault.Injector
	// Now is the clock; nil means time.Now. The date in a number is the
	// date of Now in China Standard Time.
	Now func() time.Time
}

// Server is the simulator, an http.Handler. It is safe for concurrent use.
type Server struct {
	cfg     Config
	handler http.Handler

	mu     sync.Mutex
	byCase map[string]issued // CaseID → what was issued
	seq    map[string]int    // division+date → last sequence number

	seals   map[string]*sealEntry // e-seals by ID
	sealSeq int
}

type issued struct {
	req province.CollabNumberRequest
	out province.CollabNumber
}

// cst is China Standard Time; a fixed zone needs no tzdata.
var cst = time.FixedZone("CST", 8*60*60)

// New returns a simulator with no numbers issued.
func New(cfg Config) *Server {
	if cfg.Faults == nil {
		cfg.Faults = fault.New(uint64(time.Now().UnixNano()))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, byCase: map[string]issued{}, seq: map[string]int{}, seals: map[string]*sealEntry{}}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/collaboration-numbers", cfg.Faults.Wrap("collaboration_number", http.HandlerFunc(s.collaborationNumber)))
	mux.Handle("POST /v1/certificate-verifications", cfg.Faults.Wrap("certificate_verification", http.HandlerFunc(s.verification)))
	mux.Handle("POST /v1/seals", cfg.Faults.Wrap("seal_issue", http.HandlerFunc(s.issueSeal)))
	mux.Handle("GET /v1/seals/{sealId}", cfg.Faults.Wrap("seal_get", http.HandlerFunc(s.getSeal)))
	mux.Handle("POST /v1/seals/{sealId}/revocation", cfg.Faults.Wrap("seal_revoke", http.HandlerFunc(s.revokeSeal)))
	mux.Handle("GET /v1/seal-ca", cfg.Faults.Wrap("seal_ca", http.HandlerFunc(s.sealCA)))
	mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(province.OpenAPISpec)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		httpclient.WriteJSON(w, map[string]string{"status": "ok"})
	})
	mux.Handle("/admin/faults", cfg.Faults.AdminHandler())
	s.handler = mux
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults returns the simulator's fault injector.
func (s *Server) Faults() *fault.Injector { return s.cfg.Faults }

// Issued returns how many collaboration numbers the simulator has issued.
func (s *Server) Issued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byCase)
}

func (s *Server) collaborationNumber(w http.ResponseWriter, r *http.Request) {
	var in province.CollabNumberRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeErr(w, domain.FieldErrorf("body", "the request body is not a collaboration number request: %v", err))
		return
	}
	req := domain.CollabNumberRequest{CaseID: in.CaseID, Kind: in.Kind, AcceptanceOffice: in.AcceptanceOffice, RegistrationProvince: in.RegistrationProvince}
	if err := req.Validate(); err != nil {
		writeErr(w, err)
		return
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" && key != in.CaseID {
		writeErr(w, domain.FieldErrorf("Idempotency-Key", "the Idempotency-Key header must equal caseId"))
		return
	}
	out, err := s.issue(in)
	if err != nil {
		writeErr(w, err)
		return
	}
	httpclient.WriteJSON(w, out)
}

// issue returns the number of in.CaseID, issuing the next one of the
// acceptance division and day when the case has none.
func (s *Server) issue(in province.CollabNumberRequest) (province.CollabNumber, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.byCase[in.CaseID]; ok {
		if prev.req != in {
			return province.CollabNumber{}, domain.Errorf(domain.CodeConflict,
				"case %s already has collaboration number %s, issued for %s at %s to province %s",
				in.CaseID, prev.out.CollabNo, prev.req.Kind, prev.req.AcceptanceOffice, prev.req.RegistrationProvince).
				WithReason("collab_no.case_mismatch")
		}
		out := prev.out
		out.Issued = false
		return out, nil
	}
	now := s.cfg.Now().In(cst)
	prefix := in.AcceptanceOffice[:6] + now.Format("20060102")
	s.seq[prefix]++
	n := s.seq[prefix]
	if n > 99_999_999 {
		s.seq[prefix]--
		return province.CollabNumber{}, domain.Errorf(domain.CodeUnavailable, "the daily collaboration number sequence of division %s is exhausted", in.AcceptanceOffice[:6])
	}
	out := province.CollabNumber{
		CaseID:   in.CaseID,
		CollabNo: fmt.Sprintf("XT%s%08d", prefix, n),
		IssuedAt: now.UTC(),
		Issued:   true,
	}
	s.byCase[in.CaseID] = issued{req: in, out: out}
	return out, nil
}

func writeErr(w http.ResponseWriter, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		de = domain.Errorf(domain.CodeInternal, "internal error")
	}
	status := http.StatusInternalServerError
	switch de.Code {
	case domain.CodeInvalid:
		status = http.StatusBadRequest
	case domain.CodeConflict:
		status = http.StatusConflict
	case domain.CodeNotFound:
		status = http.StatusNotFound
	case domain.CodeUnavailable:
		status = http.StatusServiceUnavailable
	}
	httpclient.WriteError(w, status, httpclient.ErrorBody{Code: string(de.Code), Message: de.Message, Field: de.Field, Reason: de.Reason})
}

// Scripted persons of routed verifications: the third province answers
// NOT_TRUE when the first person is RoutedNotTrueIDNumber, NO_RESULT for
// RoutedNoResultIDNumber, and TRUE otherwise.
const (
	RoutedNotTrueIDNumber  = "510104198001010012"
	RoutedNoResultIDNumber = "510104198001010039"
)

var reProvince = regexp.MustCompile(`^[1-9][0-9]$`)

func (s *Server) verification(w http.ResponseWriter, r *http.Request) {
	var in province.VerificationRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeErr(w, domain.FieldErrorf("body", "the request body is not a verification request: %v", err))
		return
	}
	switch {
	case !domain.ValidCollabNo(in.CollabNo):
		writeErr(w, domain.FieldErrorf("collabNo", "a collaboration number is required"))
		return
	case !reProvince.MatchString(in.Province):
		writeErr(w, domain.FieldErrorf("province", "the province is a 2-digit code"))
		return
	case len(in.Persons) == 0:
		writeErr(w, domain.FieldErrorf("persons", "name at least one person"))
		return
	case strings.TrimSpace(in.Statement) == "":
		writeErr(w, domain.FieldErrorf("statement", "state the matter to verify"))
		return
	}
	out := province.VerificationAnswer{Province: in.Province, Office: in.Province + "0000000000", AnsweredAt: s.cfg.Now().UTC(),
		Materials: []province.VerificationMaterial{}}
	switch in.Persons[0].IDNumber {
	case RoutedNotTrueIDNumber:
		out.Verdict, out.Findings = "NOT_TRUE", "本省户籍档案记载与申请事项不符"
	case RoutedNoResultIDNumber:
		out.Verdict, out.Findings = "NO_RESULT", "本省未查到相关户籍档案"
	default:
		out.Verdict, out.Findings = "TRUE", "经本省户籍档案核实，申请事项属实"
		out.Materials = append(out.Materials, province.VerificationMaterial{Name: "协查回函-" + in.CollabNo + ".pdf",
			ContentType: "application/pdf", Content: replyPDF(in.CollabNo, in.Province)})
	}
	httpclient.WriteJSON(w, out)
}

// replyPDF is a minimal one-page PDF: the third province's reply letter.
func replyPDF(collabNo, prov string) []byte {
	text := "Verification reply " + collabNo + " province " + prov
	stream := "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}
