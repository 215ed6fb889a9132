package main

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSPAHandler checks the SPA's delivery: gzip for clients that accept
// it, immutable caching for hashed assets only, the index for client
// routes, a 404 (not the index) for a missing asset (19 item 7).
func TestSPAHandler(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	index := "<!doctype html><title>户籍</title>" + strings.Repeat("<!-- padding -->", 200)
	script := strings.Repeat("console.log('户籍');\n", 500)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "assets"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte(index), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "assets", "index-AbC123.js"), []byte(script), 0o644))
	srv := httptest.NewServer(spaHandler(dir))
	t.Cleanup(srv.Close)

	get := func(path string, gz bool) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var body io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			require.NoError(t, err)
			body = zr
		}
		b, err := io.ReadAll(body)
		require.NoError(t, err)
		return res, string(b)
	}

	res, body := get("/assets/index-AbC123.js", true)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	require.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
	require.Equal(t, script, body)

	res, body = get("/assets/index-AbC123.js", false)
	require.Empty(t, res.Header.Get("Content-Encoding"), "no gzip unless accepted")
	require.Equal(t, script, body)

	for _, route := range []string{"/", "/cases/123", "/birth/new"} {
		res, body = get(route, true)
		require.Equal(t, http.StatusOK, res.StatusCode, route)
		require.Equal(t, "no-cache", res.Header.Get("Cache-Control"), route)
		require.Equal(t, index, body, route)
	}

	res, _ = get("/assets/index-Gone99.js", true)
	require.Equal(t, http.StatusNotFound, res.StatusCode, "a missing asset is not the index")
	require.NotContains(t, res.Header.Get("Cache-Control"), "immutable")
}
