package resolvers

import (
	"compress/gzip"
	"embed"
	"io"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// ContentSecurityPolicy is the policy of the SPA, /graphql and /graphiql:
// code only from this origin and no inline scripts; inline styles allowed
// because Ant Design (and GraphiQL) set style attributes and inject <style>;
// images from this origin, data: and blob: (archive capture previews);
// fonts from data: (GraphiQL's embedded fonts); connections (HTTP and the
// graphql-ws WebSocket) to this origin, and to the scanner agent on the
// clerk's own PC (loopback, any port: `hukou scan-agent`, 1.4.14); never
// framed.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' http://127.0.0.1:* http://localhost:*; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders are set on every response of the public listener but
// /files/, whose handler sets its own (a sandboxing policy for hostile files).
var securityHeaders = map[string]string{
	"Content-Security-Policy":    ContentSecurityPolicy,
	"X-Content-Type-Options":     "nosniff",
	"Referrer-Policy":            "no-referrer",
	"X-Frame-Options":            "DENY",
	"Permissions-Policy":         "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
	"Cross-Origin-Opener-Policy": "same-origin",
}

// SecurityHeaders wraps the public handler (SPA, /graphql, /graphiql) with
// the security headers above.
func SecurityHeaders(next http.Handler) http.Handler { return SecurityHeadersConnecting()(next) }

// SecurityHeadersConnecting is SecurityHeaders whose policy also lets the
// SPA connect to the origins of the given URLs (a local device service on
// the clerk's workstation, such as the fingerprint device); empty and
// malformed URLs add nothing, nor do loopback ones over HTTP, which the
// policy allows already (the scanner agent's).
func SecurityHeadersConnecting(urls ...string) func(http.Handler) http.Handler {
	headers := securityHeaders
	var extra []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost") {
			continue
		}
		if (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(u.Host, " ;'") {
			extra = append(extra, u.Scheme+"://"+u.Host)
		}
	}
	if len(extra) > 0 {
		headers = maps.Clone(securityHeaders)
		headers["Content-Security-Policy"] = strings.Replace(ContentSecurityPolicy, "connect-src 'self'", "connect-src 'self' "+strings.Join(extra, " "), 1)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/files/") {
				h := w.Header()
				for k, v := range headers {
					h.Set(k, v)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

//go:embed graphiql
var graphiqlFS embed.FS

// NewGraphiQLHandler serves GraphiQL 3 (with React 18) from the binary at
// /graphiql and /graphiql/assets/…: nothing is loaded from a CDN, so it
// works on an isolated network. The vendored assets are kept gzipped and
// sent as they are to browsers that accept gzip (every one does), unpacked
// for others. Development mode only (cmd/hukou decides).
func NewGraphiQLHandler() http.Handler {
	sub, err := fs.Sub(graphiqlFS, "graphiql")
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := "index.html"
		if rest, ok := strings.CutPrefix(r.URL.Path, "/graphiql/assets/"); ok {
			name = path.Clean(rest)
		} else if r.URL.Path != "/graphiql" && r.URL.Path != "/graphiql/" {
			http.NotFound(w, r)
			return
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Add("Vary", "Accept-Encoding")
		if f, err := sub.Open(name + ".gz"); err == nil {
			defer f.Close()
			w.Header().Set("Cache-Control", "public, max-age=86400")
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = io.Copy(w, f)
				return
			}
			zr, err := gzip.NewReader(f)
			if err != nil {
				http.Error(w, "corrupt asset", http.StatusInternalServerError)
				return
			}
			_, _ = io.Copy(w, zr)
			return
		}
		f, err := sub.Open(name)
		if err != nil || name == "." || strings.HasSuffix(name, ".gz") {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.Copy(w, f)
	})
}
