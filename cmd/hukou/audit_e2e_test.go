package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/storage/storagetest"
)

// devInstance seeds a database with a demo city and its demo users and
// serves it with the real binary in development mode (`serve --dev`).
func devInstance(t *testing.T, name, dsn string, extraEnv ...string) *proc {
	t.Helper()
	dir := t.TempDir()
	env := append([]string{"DATABASE_URL=" + dsn, "BLOB_URL=" + filepath.Join(dir, "blobs"),
		"PLATFORM_DB=" + filepath.Join(dir, "platform.db"), "JWT_SECRET=audit-e2e-secret-0123456789abcdef0123",
		"METRICS_ADDR=off"}, extraEnv...)
	seed := exec.Command(binary, "seed", "--residents", "2000", "--division", "211100", "--demo-users")
	seed.Env = append(os.Environ(), env...)
	out, err := seed.CombinedOutput()
	require.NoError(t, err, "seed: %s", out)
	addr := freeAddr(t)
	return start(t, name, addr, env, "serve", "--dev", "--listen", addr)
}

// TestReadAudit_KillNine reads residents with 8 concurrent clients, kills
// the server with SIGKILL in the middle of it, restarts it on the same
// database, and requires an audit entry for every read that was answered:
// a read is answered only after its entry is committed, so none is lost.
func TestReadAudit_KillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, dsn string) {
		p := devInstance(t, "hukou", dsn)
		admin := login(t, p.addr)

		var page struct {
			Residents struct {
				Edges []struct{ Node struct{ IDNumber string } }
			}
		}
		require.NoError(t, gql(p.addr, admin, `{ residents(first: 200) { edges { node { idNumber } } } }`, nil, &page))
		require.Len(t, page.Residents.Edges, 200)

		const killAfter = 120
		var next atomic.Int64
		var mu sync.Mutex
		answered := map[string]bool{} // resident IDs whose read was answered
		killed := make(chan struct{})
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= len(page.Residents.Edges) {
						return
					}
					var out struct{ Resident struct{ ID string } }
					err := gql(p.addr, admin, `query($n: String!) { resident(idNumber: $n) { id name } }`,
						map[string]any{"n": page.Residents.Edges[i].Node.IDNumber}, &out)
					if err != nil {
						select {
						case <-killed:
							return // the server is gone
						default:
							t.Errorf("read %d: %v", i, err)
							return
						}
					}
					raw, err := base64.RawURLEncoding.DecodeString(out.Resident.ID)
					require.NoError(t, err)
					mu.Lock()
					answered[strings.TrimPrefix(string(raw), "Resident:")] = true
					n := len(answered)
					mu.Unlock()
					if n == killAfter {
						close(killed) // first: the reads cut off by the kill are expected to fail
						p.kill()      // SIGKILL while the other clients' reads are in flight
					}
				}
			}()
		}
		wg.Wait()
		select {
		case <-killed:
		default:
			t.Fatal("the server was never killed")
		}
		mu.Lock()
		n := len(answered)
		mu.Unlock()
		require.GreaterOrEqual(t, n, killAfter)
		require.Less(t, n, len(page.Residents.Edges), "killed mid-run")

		p.run() // restart on the same database
		admin = login(t, p.addr)
		audited := map[string]bool{}
		after := ""
		for {
			var out struct {
				AuditLog struct {
					Edges []struct {
						Node struct{ SubjectID, Operation string }
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			vars := map[string]any{"f": map[string]any{"action": "READ", "subjectType": "Resident"}}
			if after != "" {
				vars["after"] = after
			}
			require.NoError(t, gql(p.addr, admin, `query($f: AuditFilter, $after: String) { auditLog(filter: $f, first: 200, after: $after) {
				edges { node { subjectId operation } } pageInfo { hasNextPage endCursor } } }`, vars, &out))
			for _, e := range out.AuditLog.Edges {
				if e.Node.Operation == "resident" {
					audited[e.Node.SubjectID] = true
				}
			}
			if !out.AuditLog.PageInfo.HasNextPage {
				break
			}
			after = out.AuditLog.PageInfo.EndCursor
		}
		var lost []string
		for id := range answered {
			if !audited[id] {
				lost = append(lost, id)
			}
		}
		require.Empty(t, lost, "answered reads without an audit entry after kill -9")
		t.Logf("%d reads answered before SIGKILL, %d audited after restart, 0 lost", n, len(audited))
	}
	t.Run("sqlite", func(t *testing.T) { run(t, filepath.Join(t.TempDir(), "hukou.db")) })
	t.Run("postgres", func(t *testing.T) { run(t, storagetest.PostgresSchemaURL(t)) })
}

// TestServe_Surface checks the public listener of the real binary: security
// headers on the SPA and /graphql, GraphiQL served from the binary with its
// assets (development mode), and /metrics only on METRICS_ADDR.
func TestServe_Surface(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	metricsAddr := freeAddr(t)
	p := devInstance(t, "hukou", filepath.Join(t.TempDir(), "hukou.db"), "METRICS_ADDR="+metricsAddr)
	get := func(url string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(body)
	}
	base := "http://" + p.addr
	for _, path := range []string{"/", "/graphql?query=%7B__typename%7D", "/graphiql", "/some/client/route"} {
		res, _ := get(base + path)
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Permissions-Policy"} {
			require.NotEmpty(t, res.Header.Get(h), "%s on %s", h, path)
		}
		require.Contains(t, res.Header.Get("Content-Security-Policy"), "style-src 'self' 'unsafe-inline'")
	}

	// GraphiQL: every script and stylesheet the page names is served here.
	res, page := get(base + "/graphiql")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, page, "cdn")
	require.NotContains(t, page, "https://")
	for _, asset := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "init.js", "graphiql-page.css"} {
		require.Contains(t, page, "/graphiql/assets/"+asset)
		res, body := get(base + "/graphiql/assets/" + asset)
		require.Equal(t, http.StatusOK, res.StatusCode, asset)
		require.Greater(t, len(body), 30, asset)
	}

	// /metrics: not on the public listener (the SPA's fallback answers
	// there), on METRICS_ADDR only.
	_, public := get(base + "/metrics")
	require.NotContains(t, public, "# HELP")
	res, metrics := get("http://" + metricsAddr + "/metrics")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, metrics, "# HELP go_goroutines")
	require.Contains(t, metrics, "hukou_")
}

// TestNewApp_ProductionSurface wires the server in process in production
// mode: no GraphiQL, no introspection, no /metrics on the public handler.
// (Development mode is TestServe_Surface's, on the real binary: newApp
// registers its metrics once per process.)
func TestNewApp_ProductionSurface(t *testing.T) {
	dir := t.TempDir()
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.bind(fs)
	// Everything production mode requires; the services are never called here.
	_, signing, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	peer, _, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	require.NoError(t, fs.Parse([]string{"--database-url", filepath.Join(dir, "hukou.db"), "--blob-url", filepath.Join(dir, "blobs"),
		"--platform-db", filepath.Join(dir, "platform.db"), "--jwt-secret", "surface-test-secret-0123456789abcdef", "--static-dir", dir,
		"--ministry-url", "http://127.0.0.1:1/ministry", "--province-url", "http://127.0.0.1:1/province", "--platform-url", "http://127.0.0.1:1/platform",
		"--production-url", "http://127.0.0.1:1/production",
		"--collab-signing-key", base64.StdEncoding.EncodeToString(signing.Seed()),
		"--collab-peer-keys", "hebei-1=" + base64.StdEncoding.EncodeToString(peer) + "=130000"}))
	cfg.Dev = false
	a, err := newApp(context.Background(), cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(func() { srv.Close(); a.close() })

	for _, path := range []string{"/graphiql", "/graphiql/assets/init.js", "/metrics"} {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.NotContains(t, string(body), "/graphiql/assets/", path)
		require.NotContains(t, string(body), "createFetcher", path)
		require.NotContains(t, string(body), "# HELP", path)
	}
	err = gql(strings.TrimPrefix(srv.URL, "http://"), "", `{ __schema { queryType { name } } }`, nil, nil)
	require.ErrorContains(t, err, "FORBIDDEN")
}
