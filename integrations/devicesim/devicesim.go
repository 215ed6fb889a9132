// Package devicesim is the plumbing every simulated workstation device and
// external service shares (the fingerprint device, the ID card reader, the
// production centre): the contract at /openapi.yaml, /healthz, fault
// injection at /admin/faults, a queue of scripted answers set through
// /admin/script, and CORS for the devices the clerk's browser calls on the
// loopback interface. A simulator adds its own /v1 routes to the Mux.
package devicesim

import (
	"encoding/json"
	"net/http"
	"sync"

	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
)

// Mux returns a mux serving spec at /openapi.yaml, /healthz and faults'
// admin handler at /admin/faults.
func Mux(spec []byte, faults *fault.Injector) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(spec)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		httpclient.WriteJSON(w, map[string]string{"status": "ok"})
	})
	mux.Handle("/admin/faults", faults.AdminHandler())
	return mux
}

// CORS lets any page call a device: it answers only on the loopback
// interface, to the local browser.
func CORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Accept")
		h.Set("Access-Control-Max-Age", "600")
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Scripts is a queue of scripted answers of type T, one taken per call;
// safe for concurrent use.
type Scripts[T any] struct {
	mu    sync.Mutex
	queue []T
	// Check, when set, refuses a script PUT through /admin/script with
	// its message.
	Check func(T) error
}

// Add queues scripts.
func (s *Scripts[T]) Add(scripts ...T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, scripts...)
}

// Next takes the next script; ok is false when none is queued.
func (s *Scripts[T]) Next() (next T, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return next, false
	}
	next, s.queue = s.queue[0], s.queue[1:]
	return next, true
}

// Clear empties the queue.
func (s *Scripts[T]) Clear() {
	s.mu.Lock()
	s.queue = nil
	s.mu.Unlock()
}

// Handle serves /admin/script on mux: PUT a JSON list of T queues them
// (400 when the body is not one, or Check refuses one), DELETE clears.
func (s *Scripts[T]) Handle(mux *http.ServeMux) {
	mux.HandleFunc("PUT /admin/script", func(w http.ResponseWriter, r *http.Request) {
		var scripts []T
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&scripts); err != nil {
			httpclient.WriteError(w, http.StatusBadRequest, httpclient.ErrorBody{Code: "invalid", Field: "body", Message: "want a JSON list of scripts: " + err.Error()})
			return
		}
		for _, sc := range scripts {
			if s.Check == nil {
				break
			}
			if err := s.Check(sc); err != nil {
				httpclient.WriteError(w, http.StatusBadRequest, httpclient.ErrorBody{Code: "invalid", Field: "body", Message: err.Error()})
				return
			}
		}
		s.Add(scripts...)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /admin/script", func(w http.ResponseWriter, _ *http.Request) {
		s.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
}
