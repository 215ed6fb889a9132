package resolvers

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hukou/domain"
)

// Browser sessions. The SPA keeps its access token in memory only; the
// refresh token lives in a cookie that script cannot read (HttpOnly), that
// the browser sends only to this site's own requests (SameSite=Strict) and
// only to the session endpoints (Path=/auth/), over TLS (Secure) except on
// plain-HTTP development servers. Because a cookie rides along whoever
// triggers the request, the endpoints that spend it (refresh, logout) and
// the sign-in that sets it require CSRF proof: the custom header
// X-Hukou-CSRF (which no cross-site form or simple request can carry, and
// which a cross-site script cannot send without a CORS preflight this
// server never approves) and, when the browser says where the request
// comes from (Origin, Sec-Fetch-Site), this site's own origin.
//
//	POST /auth/refresh  spends the cookie's refresh token: a new access token
//	                    {"accessToken", "accessExpiresAt", "refreshExpiresAt"}
//	                    and a new cookie (tokens rotate; reuse revokes all);
//	                    204 without a cookie (no session to restore)
//	POST /auth/logout   revokes the cookie's session and clears the cookie
//
// API clients keep using the login, refreshToken and logout mutations
// with the refresh token in the body.

const (
	// RefreshCookieName is the default name of the refresh-token cookie.
	RefreshCookieName = "hukou_refresh"
	// SessionPath is where NewSessionHandler is mounted, and the cookie's path.
	SessionPath = "/auth/"
	// CSRFHeader must be present (value "1") on every request that sets or
	// spends the refresh cookie.
	CSRFHeader = "X-Hukou-CSRF"
)

// CookieConfig configures the refresh cookie.
type CookieConfig struct {
	// Name is the cookie's name (default RefreshCookieName). Cookies do not
	// tell ports apart, so deployments sharing a host name (two cities'
	// test servers on 127.0.0.1) need names of their own; cmd/hukou adds
	// the office code.
	Name string
	// AllowInsecure drops the Secure attribute on requests that arrived
	// over plain HTTP (neither TLS nor X-Forwarded-Proto: https):
	// development mode only, where the server is http://127.0.0.1.
	AllowInsecure bool
	// TrustedOrigins are origins (scheme://host[:port]) besides the
	// server's own that may use the session endpoints: a development
	// server on another port that proxies to this one.
	TrustedOrigins []string
}

// name is Name without characters a cookie name may not hold.
func (c CookieConfig) name() string {
	name := strings.Map(func(r rune) rune {
		if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') || r == '_' || r == '-' {
			return r
		}
		return -1
	}, c.Name)
	if name == "" {
		return RefreshCookieName
	}
	return name
}

func (c CookieConfig) secure(r *http.Request) bool {
	return !c.AllowInsecure || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// refreshCookie is the cookie holding token until expires (or, with an
// empty token, the instruction to delete it).
func (c CookieConfig) refreshCookie(r *http.Request, token string, expires time.Time) *http.Cookie {
	ck := &http.Cookie{Name: c.name(), Value: token, Path: SessionPath, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: c.secure(r)}
	if token == "" {
		ck.MaxAge = -1
		ck.Expires = time.Unix(0, 0)
	} else {
		ck.Expires = expires.UTC()
		ck.MaxAge = max(1, int(time.Until(expires).Seconds()))
	}
	return ck
}

// checkCSRF refuses a request that may come from another site: without the
// CSRF header, with an Origin other than this server's (or a trusted one),
// or that the browser marks as cross-site.
func (c CookieConfig) checkCSRF(r *http.Request) error {
	if r.Header.Get(CSRFHeader) != "1" {
		return domain.Errorf(domain.CodeForbidden, "send the header %s: 1 with session requests", CSRFHeader).WithReason("auth.csrf")
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		if !c.sameOrigin(r, origin) {
			return domain.Errorf(domain.CodeForbidden, "session requests are accepted only from this site").WithReason("auth.origin")
		}
		return nil
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return nil
	}
	return domain.Errorf(domain.CodeForbidden, "session requests are accepted only from this site").WithReason("auth.origin")
}

func (c CookieConfig) sameOrigin(r *http.Request, origin string) bool {
	for _, o := range c.TrustedOrigins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" {
		return false // "null" (sandboxed documents, file:) included
	}
	return strings.EqualFold(u.Host, r.Host)
}

type cookieRequestKey struct{}

// cookieRequest is what the login mutation needs to set the refresh cookie
// of a browser that asked for one (with CSRF proof).
type cookieRequest struct {
	cfg CookieConfig
	r   *http.Request
}

// withCookieRequest marks ctx as a browser sign-in when r carries the CSRF
// header and passes the origin check; other requests (API clients, or a
// cross-site attempt) get no cookie.
func withCookieRequest(ctx context.Context, cfg CookieConfig, r *http.Request) context.Context {
	if r.Header.Get(CSRFHeader) == "" || cfg.checkCSRF(r) != nil {
		return ctx
	}
	return context.WithValue(ctx, cookieRequestKey{}, &cookieRequest{cfg: cfg, r: r})
}

// setRefreshCookie sets the refresh cookie of s on the response when the
// request asked for a cookie session.
func setRefreshCookie(ctx context.Context, s *domain.Session) {
	cr, _ := ctx.Value(cookieRequestKey{}).(*cookieRequest)
	if cr == nil || s == nil {
		return
	}
	setResponseHeader(ctx, "Set-Cookie", cr.cfg.refreshCookie(cr.r, s.RefreshToken, s.RefreshExpiresAt).String())
}

// NewSessionHandler serves the session endpoints (mounted at SessionPath).
// Errors answer a JSON body {"code", "reason", "message"}: 401
// UNAUTHENTICATED (reason auth.refresh_invalid), 403
// FORBIDDEN (auth.csrf, auth.origin), 405, 404.
func NewSessionHandler(auth *domain.AuthService, cfg CookieConfig) http.Handler {
	if auth == nil {
		panic("resolvers: NewSessionHandler needs auth")
	}
	return &sessionHandler{auth: auth, cfg: cfg}
}

type sessionHandler struct {
	auth *domain.AuthService
	cfg  CookieConfig
}

func (h *sessionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	op := strings.TrimPrefix(r.URL.Path, SessionPath)
	if op != "refresh" && op != "logout" {
		writeFileError(w, r, http.StatusNotFound, "NOT_FOUND", "no such session endpoint; POST "+SessionPath+"refresh or "+SessionPath+"logout")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeFileError(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "session endpoints take POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10) // nothing is read from it
	if err := h.cfg.checkCSRF(r); err != nil {
		slog.WarnContext(r.Context(), "session: refused", "op", op, "reason", errorReason(err), "origin", truncate(r.Header.Get("Origin"), 100), "remote", clientAddr(r))
		writeDomainError(w, r, err)
		return
	}
	var token string
	if ck, err := r.Cookie(h.cfg.name()); err == nil {
		token = ck.Value
	}
	if op == "logout" {
		if token != "" && len(token) <= 256 {
			if err := h.auth.Logout(r.Context(), token); err != nil {
				writeDomainError(w, r, err)
				return
			}
		}
		http.SetCookie(w, h.cfg.refreshCookie(r, "", time.Time{}))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if token == "" {
		// No session to refresh (a first visit, or after a sign-out): not
		// an error, so a browser loading the sign-in page logs none.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if len(token) > 256 {
		http.SetCookie(w, h.cfg.refreshCookie(r, "", time.Time{}))
		writeDomainError(w, r, domain.Errorf(domain.CodeUnauthenticated, "the session has expired; sign in again").WithReason("auth.refresh_invalid"))
		return
	}
	s, err := h.auth.Refresh(r.Context(), token, clientAddr(r))
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeUnauthenticated {
			http.SetCookie(w, h.cfg.refreshCookie(r, "", time.Time{}))
		}
		writeDomainError(w, r, err)
		return
	}
	http.SetCookie(w, h.cfg.refreshCookie(r, s.RefreshToken, s.RefreshExpiresAt))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"accessToken": s.AccessToken, "accessExpiresAt": s.AccessExpiresAt.UTC().Format(time.RFC3339),
		"refreshExpiresAt": s.RefreshExpiresAt.UTC().Format(time.RFC3339),
	})
}
