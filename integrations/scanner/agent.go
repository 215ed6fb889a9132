// Package scanner is the local capture agent for scanners (1.4.14): a
// small HTTP service the clerk's PC runs on loopback (`hukou scan-agent`)
// that drives SANE's scanimage and hands the scanned page to the SPA in the
// browser, which edits and uploads it like any image. Only the origins it
// is told to trust may call it (CORS, with Chrome's Private Network Access
// preflight), it listens on loopback only, and it scans one page at a time.
package scanner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAddr is where the agent listens unless told otherwise; the SPA
// looks for it there first.
const DefaultAddr = "127.0.0.1:9192"

// Device is a scanner SANE lists.
type Device struct {
	Name   string `json:"name"` // SANE device name, e.g. "epson2:libusb:001:004" or "test:0"
	Vendor string `json:"vendor"`
	Model  string `json:"model"`
	Type   string `json:"type"`
}

// ScanRequest is what the SPA asks for.
type ScanRequest struct {
	Device     string `json:"device"`
	Resolution int    `json:"resolution"` // dpi: 75–600, default 200
	Mode       string `json:"mode"`       // Color or Gray, default Color
}

// Resolutions are the resolutions the agent accepts, in dpi.
var Resolutions = []int{75, 100, 150, 200, 300, 400, 600}

// Config configures an Agent.
type Config struct {
	// AllowedOrigins are the origins (scheme://host[:port]) of the hukou
	// deployments whose pages may use the scanner; required.
	AllowedOrigins []string
	// Scanimage is the scanimage binary (default "scanimage" on PATH).
	Scanimage string
	// Env is added to scanimage's environment (e.g. SANE_CONFIG_DIR).
	Env []string
	// ScanTimeout bounds one scan (default 2 minutes); ListTimeout one
	// device listing (default 20 s: network scanners are slow to answer).
	ScanTimeout, ListTimeout time.Duration
	Logger                   *slog.Logger
}

// Agent is the scan agent's HTTP handler.
type Agent struct {
	cfg     Config
	scanMu  sync.Mutex // one scan at a time: a scanner has one glass
	devices struct {
		sync.Mutex
		list []Device
		at   time.Time
	}
}

// New returns an agent; it needs at least one allowed origin.
func New(cfg Config) (*Agent, error) {
	if len(cfg.AllowedOrigins) == 0 {
		return nil, errors.New("scan agent: name the hukou address(es) allowed to use the scanner (--allow-origin https://hukou.example)")
	}
	for i, o := range cfg.AllowedOrigins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			return nil, fmt.Errorf("scan agent: allowed origin %q must start with http:// or https://", o)
		}
		cfg.AllowedOrigins[i] = o
	}
	if cfg.Scanimage == "" {
		cfg.Scanimage = "scanimage"
	}
	if cfg.ScanTimeout == 0 {
		cfg.ScanTimeout = 2 * time.Minute
	}
	if cfg.ListTimeout == 0 {
		cfg.ListTimeout = 20 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Agent{cfg: cfg}, nil
}

// CheckLoopback refuses an address that is not on the loopback interface:
// the agent serves the PC it runs on, never the network.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("scan agent: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("scan agent: listen address %q is not loopback (127.0.0.1 or [::1]); the agent serves this PC only", addr)
	}
	return nil
}

// loopbackHost reports whether a request's Host names this PC: a loopback
// address or localhost, with or without a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ServeHTTP implements http.Handler. Every request must name this PC in
// its Host header (DNS rebinding); every request but /v1/health must come
// from an allowed origin:
//
//	GET  /v1/health    {"status":"ok"}
//	GET  /v1/scanners  the scanners SANE lists
//	POST /v1/scan      {"device","resolution","mode"} → the page as image/png
func (a *Agent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if !loopbackHost(r.Host) {
		// A page of another site whose name was rebound to 127.0.0.1 (DNS
		// rebinding) calls the agent as its own origin, without an Origin
		// header on a GET: its Host header still names that site.
		writeError(w, http.StatusForbidden, "host", "the scanner agent answers only for 127.0.0.1, [::1] or localhost")
		return
	}
	origin := r.Header.Get("Origin")
	if origin == "" && r.URL.Path != "/v1/health" {
		// Browsers send Origin on every cross-origin request, which is how
		// the SPA calls the agent; a request without one is not the SPA's.
		writeError(w, http.StatusForbidden, "origin", "the scanner answers the hukou pages only (an Origin is required)")
		return
	}
	if origin != "" {
		if !slices.Contains(a.cfg.AllowedOrigins, origin) {
			writeError(w, http.StatusForbidden, "origin", "this page's origin may not use the scanner")
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		if origin == "" {
			writeError(w, http.StatusForbidden, "origin", "a preflight needs an Origin")
			return
		}
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
			h.Set("Access-Control-Allow-Private-Network", "true") // Chrome's Private Network Access
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch {
	case r.URL.Path == "/v1/health" && r.Method == http.MethodGet:
		writeJSON(w, map[string]string{"status": "ok"})
	case r.URL.Path == "/v1/scanners" && r.Method == http.MethodGet:
		devs, err := a.Devices(r.Context(), r.URL.Query().Get("refresh") == "1")
		if err != nil {
			a.cfg.Logger.WarnContext(r.Context(), "scan agent: list scanners", "err", err)
			writeError(w, http.StatusServiceUnavailable, "sane", err.Error())
			return
		}
		writeJSON(w, map[string]any{"scanners": devs})
	case r.URL.Path == "/v1/scan" && r.Method == http.MethodPost:
		a.scan(w, r)
	default:
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint")
	}
}

// Devices lists the scanners (cached for a minute unless refresh).
func (a *Agent) Devices(ctx context.Context, refresh bool) ([]Device, error) {
	a.devices.Lock()
	defer a.devices.Unlock()
	if !refresh && a.devices.list != nil && time.Since(a.devices.at) < time.Minute {
		return a.devices.list, nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.ListTimeout)
	defer cancel()
	out, err := a.command(ctx, "-f", "%d\t%v\t%m\t%t%n").Output()
	if err != nil {
		return nil, fmt.Errorf("scanimage -L: %w%s", err, stderrOf(err))
	}
	list := []Device{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 4 && f[0] != "" {
			list = append(list, Device{Name: f[0], Vendor: f[1], Model: f[2], Type: f[3]})
		}
	}
	a.devices.list, a.devices.at = list, time.Now()
	return list, nil
}

// maxScanBytes bounds one scanned page (an A4 colour page at 600 dpi in PNG
// is well under this).
const maxScanBytes = 200 << 20

func (a *Agent) scan(w http.ResponseWriter, r *http.Request) {
	var req ScanRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "request", "send {\"device\", \"resolution\", \"mode\"} as JSON")
		return
	}
	if req.Resolution == 0 {
		req.Resolution = 200
	}
	if !slices.Contains(Resolutions, req.Resolution) {
		writeError(w, http.StatusBadRequest, "resolution", "resolution must be one of 75, 100, 150, 200, 300, 400, 600")
		return
	}
	switch req.Mode {
	case "":
		req.Mode = "Color"
	case "Color", "Gray":
	default:
		writeError(w, http.StatusBadRequest, "mode", "mode must be Color or Gray")
		return
	}
	devs, err := a.Devices(r.Context(), false)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "sane", err.Error())
		return
	}
	// Only a device SANE listed: the name goes to scanimage's -d.
	if !slices.ContainsFunc(devs, func(d Device) bool { return d.Name == req.Device }) {
		writeError(w, http.StatusNotFound, "device", "no such scanner; list them again")
		return
	}
	if !a.scanMu.TryLock() {
		writeError(w, http.StatusConflict, "busy", "the scanner is busy with another page")
		return
	}
	defer a.scanMu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.ScanTimeout)
	defer cancel()
	cmd := a.command(ctx, "-d", req.Device, "--format=png", "--resolution", strconv.Itoa(req.Resolution), "--mode", req.Mode)
	var stdout bytes.Buffer
	var stderr bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &stdout, n: maxScanBytes}
	cmd.Stderr = &limitedWriter{w: &stderr, n: 16 << 10}
	started := time.Now()
	if err := cmd.Run(); err != nil {
		a.cfg.Logger.WarnContext(r.Context(), "scan agent: scan failed", "device", req.Device, "err", err, "stderr", stderr.String())
		writeError(w, http.StatusBadGateway, "scan", strings.TrimSpace("the scan failed: "+stderr.String()))
		return
	}
	if stdout.Len() == 0 || !bytes.HasPrefix(stdout.Bytes(), []byte("\x89PNG")) {
		writeError(w, http.StatusBadGateway, "scan", "the scanner returned no image")
		return
	}
	a.cfg.Logger.InfoContext(r.Context(), "scan agent: page scanned", "device", req.Device, "dpi", req.Resolution,
		"mode", req.Mode, "bytes", stdout.Len(), "elapsed", time.Since(started))
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(stdout.Len()))
	_, _ = w.Write(stdout.Bytes())
}

func (a *Agent) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, a.cfg.Scanimage, args...)
	if len(a.cfg.Env) > 0 {
		cmd.Env = append(cmd.Environ(), a.cfg.Env...)
	}
	return cmd
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// limitedWriter fails once more than n bytes were written.
type limitedWriter struct {
	w io.Writer
	n int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("scan agent: output too large")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"reason": reason, "message": msg})
}
