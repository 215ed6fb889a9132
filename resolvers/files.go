package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"hukou/domain"
	"hukou/graph/scalar"
)

// filesPrefix is where NewFileHandler is mounted.
const filesPrefix = "/files/"

// fileURL is where a case file's content is served (CaseFile.url).
func fileURL(id string) string { return filesPrefix + url.PathEscape(id) }

// NewFileHandler serves case files for the viewer and downloads (1.4.12) and
// their thumbnails (1.4.18), mounted at /files/:
//
//	GET /files/{fileId}            the content, inline (?download=1: as an attachment;
//	                               ?page=n: page n of a multi-page archive)
//	GET /files/{fileId}/thumbnail  a 240×240 JPEG preview
//
// {fileId} is a file's ID as in CaseFile.url, or its GraphQL global ID.
// The caller authenticates with a signed link (FileLink, minted by the
// fileLinks query: filelinks.go) where a header cannot be set (<img src>,
// window.open, downloads), or with the header "Authorization: Bearer
// <token>"; never with a token in the URL. Every response is sandboxed
// (Content-Security-Policy: sandbox) and never sniffed; only images and
// PDFs are served inline. Jurisdiction and auditing (a READ of personal
// data per request) are the domain's. Errors answer
// 400/401/403/404/409/503 (500 only for bugs) with a JSON body {"code",
// "reason", "message"} using the GraphQL error codes.
func NewFileHandler(archives *domain.ArchiveService, tokens *Tokens, auth *domain.AuthService) http.Handler {
	if archives == nil || tokens == nil || auth == nil {
		panic("resolvers: NewFileHandler needs archives, tokens and auth")
	}
	return &fileHandler{archives: archives, tokens: tokens, auth: auth, now: time.Now}
}

type fileHandler struct {
	archives *domain.ArchiveService
	tokens   *Tokens
	auth     *domain.AuthService
	now      func() time.Time
}

func (h *fileHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Files are hostile (DESIGN.md "Trust boundaries"): whatever one holds
	// runs no script in our origin, is never sniffed into another type, and
	// is never framed.
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeFileError(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "files are read with GET")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, filesPrefix)
	id, thumbnail := rest, false
	if before, found := strings.CutSuffix(rest, "/thumbnail"); found {
		id, thumbnail = before, true
	}
	if !ok || id == "" || strings.Contains(id, "/") {
		writeFileError(w, r, http.StatusNotFound, "NOT_FOUND", "no such file; use a CaseFile's url")
		return
	}
	if typ, inner, ok := scalar.ParseGlobalID(id); ok && typ == "CaseFile" {
		id = inner
	}

	ctx, err := h.authenticate(r, id)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hukou"`)
		writeDomainError(w, r, err)
		return
	}

	if thumbnail {
		b, f, err := h.archives.Thumbnail(ctx, id)
		if err != nil {
			writeDomainError(w, r, err)
			return
		}
		serveBytes(w, r, b, "image/jpeg", `"`+f.BlobKey+`-thumb"`, disposition("inline", thumbName(f.Name)))
		return
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > domain.MaxArchivePages {
			writeFileError(w, r, http.StatusNotFound, "NOT_FOUND", "no such page")
			return
		}
		page = n
	}
	rc, f, err := h.archives.OpenPage(ctx, id, page)
	if err != nil {
		writeDomainError(w, r, err)
		return
	}
	defer rc.Close()
	ct, kind := servedAs(f.ContentType)
	if v := r.URL.Query().Get("download"); v == "1" || v == "true" {
		kind = "attachment"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", disposition(kind, f.Name))
	w.Header().Set("ETag", `"`+f.BlobKey+`"`)
	// Personal data: the browser may keep it but must revalidate (which goes
	// through authentication and the audit log); shared caches must not.
	w.Header().Set("Cache-Control", "private, no-cache")
	if rs, ok := rc.(io.ReadSeeker); ok {
		// Ranges (large PDFs), HEAD and If-None-Match against the ETag.
		http.ServeContent(w, r, "", f.UpdatedAt, rs)
		return
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+f.BlobKey+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, rc); err != nil {
		slog.WarnContext(ctx, "files: copy interrupted", "file", f.ID, "err", err)
	}
}

// servedAs is how a file of stored type ct is served: an image or PDF
// (domain.ArchiveContentTypes, what the upload check lets in) as itself and
// inline; anything else (a row kept before the check existed) as opaque
// bytes to save, never rendered.
func servedAs(ct string) (contentType, disposition string) {
	if slices.Contains(domain.ArchiveContentTypes, ct) {
		return ct, "inline"
	}
	return "application/octet-stream", "attachment"
}

// authenticate returns the request's context with the Actor of a signed
// link to file id (the link's user, as stored now), or of a bearer token
// in the Authorization header, or why neither is acceptable. A token in
// the query (access_token=) is not: it would end up in browser history
// and proxy logs.
func (h *fileHandler) authenticate(r *http.Request, id string) (context.Context, error) {
	return linkOrBearer(r, id, h.tokens, h.auth, h.now, "open files through a signed link (query fileLinks)")
}

// linkOrBearer authenticates a download (a file, an export) by a signed
// link to subject in its query or by the Authorization header; how names
// where the signed link comes from, for the error when neither is given.
func linkOrBearer(r *http.Request, subject string, tokens *Tokens, auth *domain.AuthService, now func() time.Time, how string) (context.Context, error) {
	addr := clientAddr(r)
	link, ok, err := parseSignedLink(r.URL.Query())
	if err != nil {
		return nil, err
	}
	if ok {
		if err := link.checkLifetime(now()); err != nil {
			return nil, err
		}
		if err := tokens.verifyLink(link, subject); err != nil {
			return nil, err
		}
		actor, gen, err := auth.ActorForLink(r.Context(), link.userID, addr)
		if err != nil {
			return nil, err
		}
		if gen != link.gen {
			return nil, errLinkRevoked()
		}
		return domain.WithActor(r.Context(), actor), nil
	}
	ctx := authenticate(r.Context(), r.Header.Get("Authorization"), addr, tokens, auth, now)
	if domain.ActorFromContext(ctx) != nil {
		return ctx, nil
	}
	if err := authError(ctx); err != nil {
		return nil, err
	}
	return nil, domain.Errorf(domain.CodeUnauthenticated, "sign in first: %s, or send 'Authorization: Bearer <token>'", how).WithReason("auth.required")
}

func serveBytes(w http.ResponseWriter, r *http.Request, b []byte, contentType, etag, contentDisposition string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", contentDisposition)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// disposition builds a Content-Disposition with the name in RFC 5987 form
// (UTF-8, percent-encoded) and an ASCII fallback for old clients.
func disposition(kind, name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return kind + `; filename="` + fallback + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes every byte outside RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func thumbName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return name + ".thumb.jpg"
}

// fileStatus is the HTTP status of each domain error code.
var fileStatus = map[domain.Code]int{
	domain.CodeInvalid:           http.StatusBadRequest,
	domain.CodeUnauthenticated:   http.StatusUnauthorized,
	domain.CodeForbidden:         http.StatusForbidden,
	domain.CodeNotFound:          http.StatusNotFound,
	domain.CodeConflict:          http.StatusConflict,
	domain.CodeInvalidTransition: http.StatusConflict,
	domain.CodeUnavailable:       http.StatusServiceUnavailable,
	domain.CodeInternal:          http.StatusInternalServerError,
}

func writeDomainError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	if code == domain.CodeInternal {
		slog.ErrorContext(r.Context(), "files", "path", r.URL.Path, "err", err)
	}
	writeFileErrorReason(w, r, fileStatus[code], gqlCode[code], errorReason(err), domain.ErrorMessage(err))
}

// errorReason is the reason of the first *domain.Error in err's chain.
func errorReason(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func writeFileError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeFileErrorReason(w, r, status, code, "", message)
}

func writeFileErrorReason(w http.ResponseWriter, r *http.Request, status int, code, reason, message string) {
	h := w.Header()
	h.Del("Content-Disposition")
	h.Del("ETag")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	body := map[string]string{"code": code, "message": message}
	if reason != "" {
		body["reason"] = reason
	}
	_ = json.NewEncoder(w).Encode(body)
}
