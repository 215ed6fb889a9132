// Package portalsim is a simulated Internet+ portal (互联网+政务服务, issue 18
// item 7): it signs in with client credentials, submits online applications
// over the GraphQL API with idempotency keys and multipart uploads, reads
// them back, and receives the system's webhooks, checking each signature and
// keeping each delivery once. Tests and the demo drive it over HTTP:
//
//	PUT  /admin/config        {"graphqlUrl", "clientId", "clientSecret", "webhookSecret"}
//	PUT  /admin/down          {"down": true} answers webhooks 503 until set false
//	POST /admin/submit-birth  submits an online birth application (SubmitBirth); answers the GraphQL response
//	GET  /admin/applications/{id}  reads one of its applications through the API
//	GET  /admin/deliveries    the webhooks received: deliveries (once each), duplicates, bad signatures
//	POST /webhooks            where the system posts its webhooks
package portalsim

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sync"
	"time"

	"hukou/domain"
)

// Config is how the simulated portal reaches the system.
type Config struct {
	GraphQLURL    string `json:"graphqlUrl"`
	ClientID      string `json:"clientId"`
	ClientSecret  string `json:"clientSecret"`
	WebhookSecret string `json:"webhookSecret"`
}

// Delivery is one webhook the portal accepted.
type Delivery struct {
	ID         string          `json:"id"`
	Payload    json.RawMessage `json:"payload"`
	ReceivedAt time.Time       `json:"receivedAt"`
}

// Deliveries is what GET /admin/deliveries answers.
type Deliveries struct {
	Deliveries    []Delivery `json:"deliveries"`
	Duplicates    int        `json:"duplicates"`
	BadSignatures int        `json:"badSignatures"`
	Refused       int        `json:"refused"` // answered 503 while down
}

// Server is the simulated portal; it is an http.Handler.
type Server struct {
	mu       sync.Mutex
	cfg      Config
	down     bool
	token    string
	seen     map[string]bool
	received Deliveries
	http     *http.Client
	mux      *http.ServeMux
}

// New returns a portal without configuration (PUT /admin/config sets it).
func New() *Server {
	s := &Server{seen: map[string]bool{}, http: &http.Client{Timeout: 30 * time.Second}, mux: http.NewServeMux()}
	s.received.Deliveries = []Delivery{}
	s.mux.HandleFunc("POST /webhooks", s.webhook)
	s.mux.HandleFunc("PUT /admin/config", s.setConfig)
	s.mux.HandleFunc("PUT /admin/down", s.setDown)
	s.mux.HandleFunc("POST /admin/submit-birth", s.submitBirth)
	s.mux.HandleFunc("GET /admin/applications/{id}", s.application)
	s.mux.HandleFunc("GET /admin/deliveries", s.deliveries)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// webhook accepts a delivery whose signature verifies with the configured
// secret and was made within five minutes; a delivery ID already seen is
// acknowledged again but kept once.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		s.received.Refused++
		http.Error(w, "portal down", http.StatusServiceUnavailable)
		return
	}
	if !domain.VerifyWebhook(s.cfg.WebhookSecret, r.Header.Get(domain.WebhookSignatureHeader), r.Header.Get(domain.WebhookTimestampHeader), body, time.Now(), 5*time.Minute) {
		s.received.BadSignatures++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	id := r.Header.Get(domain.WebhookDeliveryHeader)
	if s.seen[id] {
		s.received.Duplicates++
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.seen[id] = true
	s.received.Deliveries = append(s.received.Deliveries, Delivery{ID: id, Payload: body, ReceivedAt: time.Now()})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setConfig(w http.ResponseWriter, r *http.Request) {
	var c Config
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.cfg, s.token = c, ""
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setDown(w http.ResponseWriter, r *http.Request) {
	var v struct {
		Down bool `json:"down"`
	}
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.down = v.Down
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deliveries(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.received)
}

// Material is a file the portal uploads with an application.
type Material struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Content []byte `json:"content"` // base64 in JSON
}

// BirthSubmission is what POST /admin/submit-birth takes.
type BirthSubmission struct {
	IdempotencyKey    string         `json:"idempotencyKey"`
	Office            string         `json:"office"`
	Reference         string         `json:"reference"`
	CertificateNumber string         `json:"certificateNumber"`
	Applicant         map[string]any `json:"applicant"`
	Materials         []Material     `json:"materials"`
}

// SubmitBirthMutation is the operation the portal submits births with.
const SubmitBirthMutation = `mutation SubmitOnlineBirth($in: SubmitOnlineBirthApplicationInput!) {
  submitOnlineBirthApplication(input: $in) { id status reference version materials { code sha256 } }
}`

// ApplicationQuery is the operation the portal reads an application with.
const ApplicationQuery = `query OnlineApplication($id: ID!) {
  onlineApplication(id: $id) { id status caseStatus collabNo reason reference
    result { ... on BirthOnlineResult { approved idNumber householdNumber newbornName } } }
}`

func (s *Server) submitBirth(w http.ResponseWriter, r *http.Request) {
	var in BirthSubmission
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, err := s.SubmitBirth(r.Context(), in)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (s *Server) application(w http.ResponseWriter, r *http.Request) {
	out, err := s.call(r.Context(), "", ApplicationQuery, map[string]any{"id": r.PathValue("id")}, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// SubmitBirth submits an online birth application as the configured
// client, with its materials as a GraphQL multipart request and in.IdempotencyKey
// as the Idempotency-Key header, and returns the GraphQL response body.
func (s *Server) SubmitBirth(ctx context.Context, in BirthSubmission) ([]byte, error) {
	materials := make([]any, len(in.Materials))
	for i, m := range in.Materials {
		materials[i] = map[string]any{"code": m.Code, "file": nil}
	}
	vars := map[string]any{"in": map[string]any{"office": in.Office, "reference": in.Reference,
		"certificateNumber": in.CertificateNumber, "applicant": in.Applicant, "materials": materials}}
	return s.call(ctx, in.IdempotencyKey, SubmitBirthMutation, vars, in.Materials)
}

// login signs the client in (clientLogin) and keeps the access token.
func (s *Server) login(ctx context.Context) (string, error) {
	s.mu.Lock()
	cfg, tok := s.cfg, s.token
	s.mu.Unlock()
	if tok != "" {
		return tok, nil
	}
	body, _ := json.Marshal(map[string]any{"query": `mutation Login($id: String!, $s: String!) { clientLogin(input: {clientId: $id, clientSecret: $s}) { accessToken } }`,
		"variables": map[string]any{"id": cfg.ClientID, "s": cfg.ClientSecret}})
	raw, err := s.post(ctx, "", "", "application/json", body)
	if err != nil {
		return "", err
	}
	var r struct {
		Data struct {
			ClientLogin struct{ AccessToken string }
		}
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", err
	}
	if len(r.Errors) > 0 || r.Data.ClientLogin.AccessToken == "" {
		return "", fmt.Errorf("clientLogin refused: %s", raw)
	}
	s.mu.Lock()
	s.token = r.Data.ClientLogin.AccessToken
	s.mu.Unlock()
	return r.Data.ClientLogin.AccessToken, nil
}

// call runs one operation as the client (JSON, or multipart with files).
func (s *Server) call(ctx context.Context, key, query string, vars map[string]any, files []Material) ([]byte, error) {
	tok, err := s.login(ctx)
	if err != nil {
		return nil, err
	}
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if len(files) == 0 {
		return s.post(ctx, tok, key, "application/json", ops)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("operations", string(ops))
	fileMap := map[string][]string{}
	for i := range files {
		fileMap[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.in.materials.%d.file", i)}
	}
	m, _ := json.Marshal(fileMap)
	_ = mw.WriteField("map", string(m))
	for i, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%d"; filename="%s"`, i, f.Name))
		h.Set("Content-Type", http.DetectContentType(f.Content))
		part, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if _, err := part.Write(f.Content); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return s.post(ctx, tok, key, mw.FormDataContentType(), buf.Bytes())
}

func (s *Server) post(ctx context.Context, token, key, contentType string, body []byte) ([]byte, error) {
	s.mu.Lock()
	url := s.cfg.GraphQLURL
	s.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(io.LimitReader(res.Body, 4<<20))
}

// EncodeContent is base64 for Material.Content in hand-written JSON.
func EncodeContent(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
