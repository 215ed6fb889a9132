// Package httpclient is the JSON-over-HTTP plumbing every integration client
// shares: a timeout per attempt, retries with exponential backoff and full
// jitter for idempotent calls, a circuit breaker per service (sony/gobreaker),
// translation of failures into domain error codes, and Prometheus metrics per
// endpoint.
package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/sony/gobreaker/v2"

	"hukou/domain"
)

// ErrorBody is the error answer of every hukou contract (ministry, province,
// platform): the same codes as domain.Code.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Config configures a Client.
type Config struct {
	Service     string        // "ministry", "province", "platform": names it in errors and metrics
	DisplayName string        // for clerks, e.g. "the Ministry service"; defaults to Service
	BaseURL     string        // e.g. http://127.0.0.1:9090/v1
	Timeout     time.Duration // per attempt; default 5 s
	MaxAttempts int           // for idempotent calls; default 3
	BaseBackoff time.Duration // default 100 ms
	MaxBackoff  time.Duration // default 2 s
	// The breaker opens after BreakerFailures consecutive failures and lets a
	// probe through after BreakerOpenFor; defaults 5 and 10 s.
	BreakerFailures uint32
	BreakerOpenFor  time.Duration
	HTTP            *http.Client
}

// Client calls one service.
type Client struct {
	cfg     Config
	breaker *gobreaker.CircuitBreaker[*response]
}

type response struct {
	status int
	body   []byte
}

var (
	requestsTotal = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "hukou_integration_requests_total",
		Help: "Calls to external services by service, endpoint and outcome (one per attempt).",
	}, []string{"service", "endpoint", "outcome"})
	requestSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hukou_integration_request_seconds",
		Help:    "Latency of calls to external services by service and endpoint (one per attempt).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	}, []string{"service", "endpoint"})
	breakerState = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "hukou_integration_breaker_open",
		Help: "1 while a service's circuit breaker is open or half-open.",
	}, []string{"service"})
)

// New returns a Client for cfg, filling in defaults.
func New(cfg Config) *Client {
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.BaseBackoff == 0 {
		cfg.BaseBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 2 * time.Second
	}
	if cfg.BreakerFailures == 0 {
		cfg.BreakerFailures = 5
	}
	if cfg.BreakerOpenFor == 0 {
		cfg.BreakerOpenFor = 10 * time.Second
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{}
	}
	if cfg.DisplayName == "" {
		cfg.DisplayName = "the " + cfg.Service + " service"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	c := &Client{cfg: cfg}
	c.breaker = gobreaker.NewCircuitBreaker[*response](gobreaker.Settings{
		Name:        cfg.Service,
		MaxRequests: 1,
		Timeout:     cfg.BreakerOpenFor,
		ReadyToTrip: func(counts gobreaker.Counts) bool { return counts.ConsecutiveFailures >= cfg.BreakerFailures },
		// A caller that gives up (a clerk leaving the page) says nothing
		// about the service: it must not open the breaker for everyone.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(_ string, _, to gobreaker.State) {
			v := 0.0
			if to != gobreaker.StateClosed {
				v = 1
			}
			breakerState.WithLabelValues(cfg.Service).Set(v)
		},
	})
	return c
}

// BreakerState reports "closed", "half-open" or "open".
func (c *Client) BreakerState() string { return c.breaker.State().String() }

// CallOptions adjust one call.
type CallOptions struct {
	// Idempotent calls are retried on timeouts, lost answers and 5xx.
	Idempotent bool
	// IdempotencyKey is sent as the Idempotency-Key header and makes the call
	// idempotent: the service applies a key once.
	IdempotencyKey string
	// LongPoll marks a request the service may hold for up to this long
	// before answering: its attempt may take LongPoll plus Config.Timeout,
	// and it bypasses the breaker (a held request must not be the one probe
	// a half-open breaker lets through, keeping every other call out).
	LongPoll time.Duration
}

// Call sends in as JSON (nil for none) with method to path, under endpoint's
// name for metrics, and decodes a 2xx answer into out (nil to ignore).
// Errors are *domain.Error: the service's own error body code for 4xx
// (CodeNotFound for a bare 404), CodeUnavailable naming the service for
// 5xx, timeouts, connection failures and an open breaker.
func (c *Client) Call(ctx context.Context, endpoint, method, path string, in, out any, opts CallOptions) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: encode: %w", c.cfg.Service, endpoint, err)
		}
	}
	attempts := 1
	if opts.Idempotent || opts.IdempotencyKey != "" {
		attempts = c.cfg.MaxAttempts
	}
	var lastErr error
	for attempt := 1; attempt <= attempts; attempt++ {
		var resp *response
		var err error
		if opts.LongPoll > 0 {
			resp, err = c.attempt(ctx, endpoint, method, path, body, opts)
		} else {
			resp, err = c.breaker.Execute(func() (*response, error) {
				return c.attempt(ctx, endpoint, method, path, body, opts)
			})
		}
		switch {
		case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
			return domain.Errorf(domain.CodeUnavailable, "%s is unavailable (too many recent failures); try again in a few seconds", c.cfg.DisplayName).WithReason("integration.breaker_open." + c.cfg.Service)
		case err == nil:
			return c.decode(endpoint, resp, out)
		case ctx.Err() != nil:
			return c.unavailable(endpoint, ctx.Err())
		}
		lastErr = err
		if attempt < attempts {
			if err := sleep(ctx, c.backoff(attempt)); err != nil {
				return c.unavailable(endpoint, err)
			}
		}
	}
	return c.unavailable(endpoint, lastErr)
}

// attempt makes one request. A 5xx or transport failure is an error (it
// counts against the breaker); any other status is a response.
func (c *Client) attempt(ctx context.Context, endpoint, method, path string, body []byte, opts CallOptions) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.LongPoll+c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if opts.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", opts.IdempotencyKey)
	}
	start := time.Now()
	res, err := c.cfg.HTTP.Do(req)
	outcome := "ok"
	defer func() {
		requestSeconds.WithLabelValues(c.cfg.Service, endpoint).Observe(time.Since(start).Seconds())
		requestsTotal.WithLabelValues(c.cfg.Service, endpoint, outcome).Inc()
	}()
	if err != nil {
		outcome = "transport_error"
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
	if err != nil {
		outcome = "transport_error"
		return nil, err
	}
	if res.StatusCode >= 500 {
		outcome = "server_error"
		return nil, fmt.Errorf("HTTP %d: %s", res.StatusCode, truncate(data))
	}
	if res.StatusCode >= 400 {
		outcome = "client_error"
	}
	return &response{status: res.StatusCode, body: data}, nil
}

func (c *Client) decode(endpoint string, r *response, out any) error {
	if r.status >= 400 {
		var eb ErrorBody
		if json.Unmarshal(r.body, &eb) == nil && eb.Code != "" {
			return &domain.Error{Code: domain.Code(eb.Code), Message: eb.Message, Field: eb.Field, Reason: eb.Reason}
		}
		if r.status == http.StatusNotFound {
			return domain.Errorf(domain.CodeNotFound, "%s found nothing", c.cfg.DisplayName).WithReason("integration.not_found")
		}
		return fmt.Errorf("%s %s: unexpected HTTP %d: %s", c.cfg.Service, endpoint, r.status, truncate(r.body))
	}
	if out == nil || len(r.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", c.cfg.Service, endpoint, err)
	}
	return nil
}

// unavailable wraps only the domain error: the cause (a transport error, a
// 5xx, the caller's context) is detail for the log, not something to match.
func (c *Client) unavailable(endpoint string, cause error) error {
	return fmt.Errorf("%s %s: %w: %s", c.cfg.Service, endpoint,
		domain.Errorf(domain.CodeUnavailable, "%s did not answer; try again shortly", c.cfg.DisplayName).WithReason("integration.unavailable."+c.cfg.Service), cause.Error())
}

// backoff is exponential with full jitter: a random wait in [0, min(max, base·2^(n-1))].
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.BaseBackoff << (attempt - 1)
	if d <= 0 || d > c.cfg.MaxBackoff {
		d = c.cfg.MaxBackoff
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// VersionedBase returns base (a service root) ending in /version, so a
// client accepts a URL with or without it.
func VersionedBase(base, version string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasSuffix(base, "/"+version) {
		return base
	}
	return base + "/" + version
}

// WriteError writes an ErrorBody answer; simulators use it so that errors
// cross the wire in the one shape clients decode.
func WriteError(w http.ResponseWriter, status int, e ErrorBody) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}

// WriteJSON writes v as a 200 JSON answer.
func WriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
