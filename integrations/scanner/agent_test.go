package scanner_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/integrations/scanner"
)

const origin = "https://hukou.example"

// saneTest returns the environment that gives scanimage SANE's test backend
// only (a config folder of its own), and the binary. Without scanimage the
// test fails on CI (.ci/run installs sane-utils) and is skipped elsewhere.
func saneTest(t *testing.T) (string, []string) {
	t.Helper()
	bin, err := exec.LookPath("scanimage")
	if err != nil {
		const msg = "scanimage is not installed (apt-get install sane-utils): the scanner agent's tests DID NOT RUN"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("!!! " + msg)
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dll.conf"), []byte("test\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "test.conf"), []byte("number_of_devices 2\n"), 0o600))
	return bin, []string{"SANE_CONFIG_DIR=" + dir}
}

func newAgent(t *testing.T) *httptest.Server {
	t.Helper()
	bin, env := saneTest(t)
	a, err := scanner.New(scanner.Config{AllowedOrigins: []string{origin + "/"}, Scanimage: bin, Env: env})
	require.NoError(t, err)
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, method, url, body string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// TestAgent_ScansWithSANETestBackend lists SANE's test scanners and scans a
// page from one through the real scanimage, as the SPA does (CORS from an
// allowed origin, Chrome's Private Network Access preflight).
func TestAgent_ScansWithSANETestBackend(t *testing.T) {
	t.Parallel()
	srv := newAgent(t)
	from := map[string]string{"Origin": origin}

	resp, body := do(t, http.MethodGet, srv.URL+"/v1/scanners", "", from)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	var list struct{ Scanners []scanner.Device }
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Scanners, 2)
	require.Equal(t, "test:0", list.Scanners[0].Name)
	require.Equal(t, "Noname", list.Scanners[0].Vendor)

	resp, _ = do(t, http.MethodOptions, srv.URL+"/v1/scan", "", map[string]string{"Origin": origin,
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Private-Network"))
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")

	for _, mode := range []string{"Color", "Gray"} {
		resp, body = do(t, http.MethodPost, srv.URL+"/v1/scan", `{"device":"test:0","resolution":100,"mode":"`+mode+`"}`, from)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
		cfg, err := png.DecodeConfig(bytes.NewReader(body))
		require.NoError(t, err)
		require.Greater(t, cfg.Width, 300, "the test backend's page at 100 dpi")
		require.Greater(t, cfg.Height, 300)
	}
}

// TestAgent_Refusals: other origins, unknown devices and bad options are
// refused before scanimage runs; the agent listens on loopback only.
func TestAgent_Refusals(t *testing.T) {
	t.Parallel()
	srv := newAgent(t)
	resp, _ := do(t, http.MethodGet, srv.URL+"/v1/scanners", "", map[string]string{"Origin": "https://evil.example"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	resp, _ = do(t, http.MethodOptions, srv.URL+"/v1/scan", "", map[string]string{"Origin": "https://evil.example"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	from := map[string]string{"Origin": origin}
	for body, want := range map[string]int{
		`{"device":"test:0; rm -rf /"}`:           http.StatusNotFound,
		`{"device":"--help"}`:                     http.StatusNotFound,
		`{"device":"test:0","resolution":1200}`:   http.StatusBadRequest,
		`{"device":"test:0","mode":"Lineart; x"}`: http.StatusBadRequest,
		`not json`: http.StatusBadRequest,
	} {
		resp, b := do(t, http.MethodPost, srv.URL+"/v1/scan", body, from)
		require.Equal(t, want, resp.StatusCode, "%s: %s", body, b)
	}
	// Issue 16 item 5: only the configured origin, exactly (scheme, host
	// and port), and never without one; only for a Host on loopback, so
	// a rebound name (DNS rebinding) is refused even as its own origin.
	for _, hdr := range []map[string]string{
		{},                                 // no Origin: not the SPA
		{"Origin": "null"},                 // a sandboxed frame, a file: page
		{"Origin": "http://hukou.example"}, // the same host over http
		{"Origin": origin + ":8443"},       // another port
		{"Origin": "https://hukou.example.evil.example"},
		{"Origin": origin, "Host": "rebound.evil.example"},
		{"Origin": origin, "Host": "rebound.evil.example:9192"},
	} {
		for _, req := range []struct{ method, path, body string }{
			{http.MethodGet, "/v1/scanners", ""},
			{http.MethodPost, "/v1/scan", `{"device":"test:0"}`},
		} {
			r, err := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader(req.body))
			require.NoError(t, err)
			for k, v := range hdr {
				r.Header.Set(k, v)
			}
			if h := hdr["Host"]; h != "" {
				r.Host = h
			}
			resp, err := http.DefaultClient.Do(r)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusForbidden, resp.StatusCode, "%s %s %v", req.method, req.path, hdr)
			require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	resp, _ = do(t, http.MethodGet, srv.URL+"/v1/scanners", "", map[string]string{"Origin": origin, "Host": "localhost"})
	require.Equal(t, http.StatusOK, resp.StatusCode, "localhost is this PC")

	resp, _ = do(t, http.MethodGet, srv.URL+"/nope", "", from)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	require.NoError(t, scanner.CheckLoopback("127.0.0.1:9192"))
	require.NoError(t, scanner.CheckLoopback("[::1]:9192"))
	require.Error(t, scanner.CheckLoopback("0.0.0.0:9192"))
	require.Error(t, scanner.CheckLoopback(":9192"))
	_, err := scanner.New(scanner.Config{})
	require.Error(t, err, "an allowed origin is required")
}
