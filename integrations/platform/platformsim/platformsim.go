// Package platformsim simulates the collaboration platform for tests, dev
// mode and `hukou simulate`: a hub that accepts envelopes for any 12-digit
// receiver office and serves each office's inbox, following ../openapi.yaml.
// It keeps messages in its own SQLite file (so a restart loses nothing),
// de-duplicates by message ID with a UNIQUE constraint, orders each inbox by
// an autoincrement sequence that is also the cursor, keeps the SHA-256 of
// each canonical body, and does not verify signatures: it is a carrier.
//
// Every /v1 endpoint is wrapped by the fault injector under its own name:
// "send" (POST /v1/messages), "inbox" (GET /v1/inbox/{office}) and "ack"
// (POST /v1/inbox/{office}/ack); rules are set in code or through
// /admin/faults.
package platformsim

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun/driver/sqliteshim"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/platform"
)

// Config configures a Server.
type Config struct {
	// DBPath is the simulator's SQLite file, created with its folder if
	// missing; reopening the same file resumes where the last run stopped.
	DBPath string
	// Faults injects failures; nil means a fresh Injector with no rules
	// (reachable through /admin/faults).
	Faults *fault.Injector
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the simulator, an http.Handler over its SQLite store. It is safe
// for concurrent use. Close it to release the file.
type Server struct {
	cfg     Config
	db      *sql.DB
	handler http.Handler
	arrived arrivals
	// stopping is closed by StopWaiting: held inbox requests answer at once.
	stopping chan struct{}
	stopOnce sync.Once
}

// MaxWait is the longest an inbox request may wait for a message (?wait=).
const MaxWait = 30 * time.Second

// arrivals wakes the inbox requests waiting on an office when a message for
// it is accepted: each waiter holds the office's current channel, which
// the next arrival closes and replaces.
type arrivals struct {
	mu sync.Mutex
	ch map[string]chan struct{}
}

// wait returns a channel closed at the next arrival for office.
func (a *arrivals) wait(office string) <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch == nil {
		a.ch = map[string]chan struct{}{}
	}
	c, ok := a.ch[office]
	if !ok {
		c = make(chan struct{})
		a.ch[office] = c
	}
	return c
}

// wake wakes every waiter of office.
func (a *arrivals) wake(office string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.ch[office]; ok {
		close(c)
		delete(a.ch, office)
	}
}

// MaxBodyBytes is the largest envelope the simulator accepts (413 beyond).
const MaxBodyBytes = 16 << 20

const schema = `
CREATE TABLE IF NOT EXISTS messages (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- acceptance order; the inbox cursor
	message_id      TEXT NOT NULL UNIQUE,              -- de-duplication
	sender_office   TEXT NOT NULL,
	receiver_office TEXT NOT NULL,                     -- routing
	envelope        TEXT NOT NULL,                     -- the wire envelope as accepted
	fingerprint     TEXT NOT NULL,                     -- SHA-256 of canonical bytes and signature
	body_sha256     TEXT NOT NULL,                     -- SHA-256 of the canonical body
	accepted_at     TEXT NOT NULL,                     -- RFC 3339, UTC
	acked_at        TEXT                               -- NULL until the receiver acknowledges
);
CREATE INDEX IF NOT EXISTS messages_inbox ON messages (receiver_office, seq) WHERE acked_at IS NULL;
`

// New opens (or creates) the store at cfg.DBPath and returns the simulator.
func New(cfg Config) (*Server, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("platform simulator: DBPath is required")
	}
	if cfg.Faults == nil {
		cfg.Faults = fault.New(uint64(time.Now().UnixNano()))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(cfg.DBPath), 0o750); err != nil {
		return nil, fmt.Errorf("platform simulator: create folder: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(FULL)") // an accepted message survives a crash
	db, err := sql.Open(sqliteshim.ShimName, "file:"+cfg.DBPath+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("platform simulator: open %s: %w", cfg.DBPath, err)
	}
	db.SetMaxOpenConns(1) // one writer; also serialises de-duplication
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("platform simulator: create schema in %s: %w", cfg.DBPath, err)
	}
	s := &Server{cfg: cfg, db: db, stopping: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/messages", cfg.Faults.Wrap("send", http.HandlerFunc(s.send)))
	mux.Handle("GET /v1/inbox/{office}", cfg.Faults.Wrap("inbox", http.HandlerFunc(s.inbox)))
	mux.Handle("POST /v1/inbox/{office}/ack", cfg.Faults.Wrap("ack", http.HandlerFunc(s.ack)))
	mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(platform.OpenAPISpec)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.PingContext(r.Context()); err != nil {
			writeErr(w, domain.Errorf(domain.CodeUnavailable, "the platform store does not answer"))
			return
		}
		httpclient.WriteJSON(w, map[string]string{"status": "ok"})
	})
	mux.Handle("/admin/faults", cfg.Faults.AdminHandler())
	s.handler = mux
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults returns the simulator's fault injector.
func (s *Server) Faults() *fault.Injector { return s.cfg.Faults }

// StopWaiting answers every held inbox request (an empty page) and holds
// none from now on, so that an HTTP server's Shutdown need not wait for long
// polls (register it with http.Server.RegisterOnShutdown). Close calls it.
func (s *Server) StopWaiting() { s.stopOnce.Do(func() { close(s.stopping) }) }

// Close closes the store; the file keeps every accepted message.
func (s *Server) Close() error {
	s.StopWaiting()
	return s.db.Close()
}

// Count returns how many messages with the given ID are stored (0 or 1: the
// platform de-duplicates), for tests.
func (s *Server) Count(ctx context.Context, messageID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE message_id = ?`, messageID).Scan(&n)
	return n, err
}

var reOffice = regexp.MustCompile(`^[0-9]{12}$`)

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var in platform.Envelope
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeErr(w, decodeError(err))
		return
	}
	env, err := in.ToDomain()
	if err == nil {
		err = env.Validate()
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" && key != env.MessageID {
		writeErr(w, domain.FieldErrorf("Idempotency-Key", "the Idempotency-Key header must equal messageId"))
		return
	}
	stored, err := json.Marshal(platform.FromDomain(env))
	if err != nil {
		writeErr(w, err)
		return
	}
	fp := sha256.New()
	fp.Write(env.CanonicalBytes())
	fp.Write(env.Signature)
	fingerprint := hex.EncodeToString(fp.Sum(nil))
	bodySum := env.BodySHA256()
	now := s.cfg.Now().UTC().Format(time.RFC3339Nano)

	ctx := r.Context()
	res, err := s.db.ExecContext(ctx, `INSERT INTO messages
		(message_id, sender_office, receiver_office, envelope, fingerprint, body_sha256, accepted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
		env.MessageID, env.SenderOffice, env.ReceiverOffice, string(stored), fingerprint, bodySum, now)
	if err != nil {
		writeErr(w, fmt.Errorf("store message: %w", err))
		return
	}
	out := platform.SendResult{MessageID: env.MessageID, BodySHA256: bodySum}
	n, _ := res.RowsAffected()
	if n > 0 {
		s.arrived.wake(env.ReceiverOffice)
	}
	if n == 0 {
		var prevFP, prevAt string
		if err := s.db.QueryRowContext(ctx, `SELECT fingerprint, accepted_at FROM messages WHERE message_id = ?`,
			env.MessageID).Scan(&prevFP, &prevAt); err != nil {
			writeErr(w, fmt.Errorf("read duplicate: %w", err))
			return
		}
		if prevFP != fingerprint {
			writeErr(w, domain.Errorf(domain.CodeConflict, "message ID %s was already used for a different message", env.MessageID).
				WithReason("platform.message_id_reused"))
			return
		}
		out.Duplicate, now = true, prevAt
	}
	out.AcceptedAt, _ = time.Parse(time.RFC3339Nano, now)
	httpclient.WriteJSON(w, out)
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	office := r.PathValue("office")
	if !reOffice.MatchString(office) {
		writeErr(w, domain.FieldErrorf("office", "the office code must be 12 digits"))
		return
	}
	after := int64(0)
	cursor := r.URL.Query().Get("after")
	if cursor != "" {
		var err error
		if after, err = strconv.ParseInt(cursor, 10, 64); err != nil || after < 0 {
			writeErr(w, domain.FieldErrorf("after", "the cursor is not one this platform issued"))
			return
		}
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > platform.MaxPullLimit {
			writeErr(w, domain.FieldErrorf("limit", "the limit must be between 1 and %d", platform.MaxPullLimit))
			return
		}
	}
	var wait time.Duration
	if v := r.URL.Query().Get("wait"); v != "" {
		secs, err := strconv.Atoi(v)
		if err != nil || secs < 0 || time.Duration(secs)*time.Second > MaxWait {
			writeErr(w, domain.FieldErrorf("wait", "wait must be between 0 and %d seconds", int(MaxWait/time.Second)))
			return
		}
		wait = time.Duration(secs) * time.Second
	}
	out, err := s.readInbox(r.Context(), office, cursor, after, limit)
	select {
	case <-s.stopping:
		wait = 0
	default:
	}
	if err == nil && len(out.Messages) == 0 && wait > 0 {
		// Long poll: subscribe before reading again, so an arrival between
		// the first read and the subscription is not missed.
		arrived := s.arrived.wait(office)
		if out, err = s.readInbox(r.Context(), office, cursor, after, limit); err == nil && len(out.Messages) == 0 {
			timer := time.NewTimer(wait)
			select {
			case <-arrived:
				out, err = s.readInbox(r.Context(), office, cursor, after, limit)
			case <-timer.C:
			case <-s.stopping:
			case <-r.Context().Done():
				timer.Stop()
				return
			}
			timer.Stop()
		}
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	httpclient.WriteJSON(w, out)
}

// readInbox reads up to limit unacknowledged messages of office after seq.
func (s *Server) readInbox(ctx context.Context, office, cursor string, after int64, limit int) (platform.Inbox, error) {
	out := platform.Inbox{Messages: []platform.InboxMessage{}, Next: cursor}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, envelope, body_sha256, accepted_at FROM messages
		WHERE receiver_office = ? AND acked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`, office, after, limit)
	if err != nil {
		return out, fmt.Errorf("read inbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			seq         int64
			envJSON, at string
			m           platform.InboxMessage
		)
		if err := rows.Scan(&seq, &envJSON, &m.BodySHA256, &at); err != nil {
			return out, fmt.Errorf("read inbox: %w", err)
		}
		if err := json.Unmarshal([]byte(envJSON), &m.Envelope); err != nil {
			return out, fmt.Errorf("read inbox: message %d: %w", seq, err)
		}
		m.AcceptedAt, _ = time.Parse(time.RFC3339Nano, at)
		out.Messages = append(out.Messages, m)
		out.Next = strconv.FormatInt(seq, 10)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("read inbox: %w", err)
	}
	return out, nil
}

func (s *Server) ack(w http.ResponseWriter, r *http.Request) {
	office := r.PathValue("office")
	if !reOffice.MatchString(office) {
		writeErr(w, domain.FieldErrorf("office", "the office code must be 12 digits"))
		return
	}
	var in platform.AckRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeErr(w, decodeError(err))
		return
	}
	if len(in.MessageIDs) == 0 || len(in.MessageIDs) > 1000 {
		writeErr(w, domain.FieldErrorf("messageIds", "acknowledge between 1 and 1000 message IDs at a time"))
		return
	}
	args := make([]any, 0, len(in.MessageIDs)+2)
	args = append(args, s.cfg.Now().UTC().Format(time.RFC3339Nano), office)
	for _, id := range in.MessageIDs {
		args = append(args, id)
	}
	res, err := s.db.ExecContext(r.Context(), `UPDATE messages SET acked_at = ?
		WHERE receiver_office = ? AND acked_at IS NULL AND message_id IN (?`+strings.Repeat(",?", len(in.MessageIDs)-1)+`)`, args...)
	if err != nil {
		writeErr(w, fmt.Errorf("acknowledge: %w", err))
		return
	}
	n, _ := res.RowsAffected()
	httpclient.WriteJSON(w, platform.AckResult{Acknowledged: int(n)})
}

// decodeError names the field of a JSON decoding failure where it can.
func decodeError(err error) error {
	var (
		typeErr *json.UnmarshalTypeError
		b64Err  base64.CorruptInputError
		tooBig  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return &domain.Error{Code: domain.CodeInvalid, Field: "body", Reason: "platform.too_large",
			Message: fmt.Sprintf("the request is larger than %d bytes", tooBig.Limit)}
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return domain.FieldErrorf(typeErr.Field, "%s has the wrong JSON type (%s)", typeErr.Field, typeErr.Value)
	case errors.As(err, &b64Err):
		return domain.FieldErrorf("signature", "the signature must be base64")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.FieldErrorf(field, "%s is not a field of this request", field)
	}
	return domain.FieldErrorf("body", "the request body is not valid JSON: %v", err)
}

func writeErr(w http.ResponseWriter, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		de = domain.Errorf(domain.CodeInternal, "internal error: %v", err)
	}
	status := http.StatusInternalServerError
	switch {
	case de.Reason == "platform.too_large":
		status = http.StatusRequestEntityTooLarge
	case de.Code == domain.CodeInvalid:
		status = http.StatusBadRequest
	case de.Code == domain.CodeConflict:
		status = http.StatusConflict
	case de.Code == domain.CodeUnavailable:
		status = http.StatusServiceUnavailable
	}
	httpclient.WriteError(w, status, httpclient.ErrorBody{Code: string(de.Code), Message: de.Message, Field: de.Field, Reason: de.Reason})
}
