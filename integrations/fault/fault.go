// Package fault injects failures into a simulator's HTTP endpoints: error
// rates, latency, hangs until the client times out, and "accepted but the
// response is lost". Rules are set per endpoint by flags or through the
// admin endpoint that tests use, so clients can be tested against every way
// a real service fails.
package fault

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Rule is the failure behaviour of one endpoint. Rates are probabilities
// between 0 and 1; FailNext counts down before rates apply.
type Rule struct {
	ErrorRate        float64       `json:"errorRate,omitempty"`        // answer 503 without running the handler
	LoseResponseRate float64       `json:"loseResponseRate,omitempty"` // run the handler, then drop the connection
	TimeoutRate      float64       `json:"timeoutRate,omitempty"`      // hang until the client gives up
	Latency          time.Duration `json:"latency,omitempty"`          // added before every answer
	FailNext         int           `json:"failNext,omitempty"`         // the next N calls answer 503
	LoseNext         int           `json:"loseNext,omitempty"`         // then the next N calls run and lose their answer
}

// Injector holds the rules by endpoint name; "*" applies to every endpoint
// without its own rule. The zero value injects nothing. It is safe for
// concurrent use.
type Injector struct {
	mu    sync.Mutex
	rules map[string]*Rule
	rng   *rand.Rand
}

// New returns an Injector whose random choices follow seed, so a failing
// run can be replayed.
func New(seed uint64) *Injector {
	return &Injector{rules: map[string]*Rule{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Set replaces the rule of endpoint ("*" for all).
func (in *Injector) Set(endpoint string, r Rule) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.rules == nil { // the zero value
		in.rules = map[string]*Rule{}
		in.rng = rand.New(rand.NewPCG(0, 0x9e3779b97f4a7c15))
	}
	in.rules[endpoint] = &r
}

// Reset removes every rule.
func (in *Injector) Reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = map[string]*Rule{}
}

// Rules returns a copy of the rules.
func (in *Injector) Rules() map[string]Rule {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make(map[string]Rule, len(in.rules))
	for k, v := range in.rules {
		out[k] = *v
	}
	return out
}

type action int

const (
	pass action = iota
	fail
	lose
	hang
)

func (in *Injector) decide(endpoint string) (action, time.Duration) {
	in.mu.Lock()
	defer in.mu.Unlock()
	r := in.rules[endpoint]
	if r == nil {
		r = in.rules["*"]
	}
	if r == nil {
		return pass, 0
	}
	if r.FailNext > 0 {
		r.FailNext--
		return fail, r.Latency
	}
	if r.LoseNext > 0 {
		r.LoseNext--
		return lose, r.Latency
	}
	p := in.rng.Float64()
	switch {
	case p < r.ErrorRate:
		return fail, r.Latency
	case p < r.ErrorRate+r.TimeoutRate:
		return hang, r.Latency
	case p < r.ErrorRate+r.TimeoutRate+r.LoseResponseRate:
		return lose, r.Latency
	}
	return pass, r.Latency
}

// Wrap applies endpoint's rule to h.
func (in *Injector) Wrap(endpoint string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		act, delay := in.decide(endpoint)
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		switch act {
		case fail:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"code":"unavailable","message":"injected failure"}`))
		case hang:
			// net/http notices a client going away only once the request
			// body is consumed; without this, a hung POST would outlive
			// its client and block the server's shutdown forever.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done() // the client's timeout ends it
		case lose:
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r) // the work is done and committed…
			dropConnection(w)   // …but the caller never hears of it
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// dropConnection closes the connection without an HTTP response.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// AdminHandler serves GET (the rules) and PUT (replace: a JSON object of
// endpoint → Rule) and DELETE (reset) for tests and operators.
func (in *Injector) AdminHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPut:
			var rules map[string]Rule
			if err := json.NewDecoder(bufio.NewReader(r.Body)).Decode(&rules); err != nil {
				http.Error(w, "body must be a JSON object of endpoint → rule: "+err.Error(), http.StatusBadRequest)
				return
			}
			in.Reset()
			for k, v := range rules {
				in.Set(k, v)
			}
		case http.MethodDelete:
			in.Reset()
		default:
			http.Error(w, "use GET, PUT or DELETE", http.StatusMethodNotAllowed)
			return
		}
		var buf bytes.Buffer
		_ = json.NewEncoder(&buf).Encode(in.Rules())
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(buf.Bytes())
	})
}
