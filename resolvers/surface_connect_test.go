package resolvers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/resolvers"
)

// TestSecurityHeadersConnecting: the SPA may connect to a configured local
// device service (the fingerprint device) and to nothing else; a malformed
// URL adds nothing; /files/ keeps its own policy.
func TestSecurityHeadersConnecting(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	csp := func(h http.Handler, path string) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Header().Get("Content-Security-Policy")
	}
	require.Equal(t, resolvers.ContentSecurityPolicy, csp(resolvers.SecurityHeaders(ok), "/"))
	require.Equal(t, resolvers.ContentSecurityPolicy, csp(resolvers.SecurityHeadersConnecting("", "javascript:alert(1)", "http://a b; script-src *")(ok), "/"))
	require.Equal(t, resolvers.ContentSecurityPolicy, csp(resolvers.SecurityHeadersConnecting("http://127.0.0.1:24008/fingerprint")(ok), "/"),
		"a device on loopback is allowed already")
	got := csp(resolvers.SecurityHeadersConnecting("https://10.1.2.3:24008/fingerprint")(ok), "/")
	require.Contains(t, got, "connect-src 'self' https://10.1.2.3:24008 http://127.0.0.1:*")
	require.Equal(t, resolvers.ContentSecurityPolicy, strings.Replace(got, " https://10.1.2.3:24008", "", 1), "nothing else changes")
	require.Empty(t, csp(resolvers.SecurityHeadersConnecting("http://127.0.0.1:24008")(ok), "/files/x"))
}
