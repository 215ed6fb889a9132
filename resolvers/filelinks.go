package resolvers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"

	"hukou/domain"
	"hukou/graph/model"
	"hukou/graph/scalar"
)

// Signed file links: the way a browser opens a case file where it cannot
// send a header (<img src>, a viewer in a new window, a download), without
// an access token in the URL. A link is
//
//	/files/{fileId}[/thumbnail]?u={userId}&g={generation}&exp={unix seconds}&sig={MAC}[&download=1]
//
// where MAC is HMAC-SHA256 over the file ID, the user ID, the user's token
// generation and the expiry, under a key derived from the access-token key
// (so every instance sharing JWT_SECRET or JWT_ED25519_KEY verifies it, and
// nothing else needs configuring). The MAC is checked before anything is
// looked up; then the generation must still be the user's, so a sign-out or
// a reused refresh token revokes every link with the access tokens. A link
// opens the file only for that user, only as long as the user may read it
// (checked and audited again on every request), and only until exp, which
// may be at most domain.FileLinkTTL ahead.

type tokensKey struct{}

// tokensFrom returns the Tokens of the handler serving the request (they
// sign file links): NewHandler puts them into every request's context.
func tokensFrom(ctx context.Context) *Tokens {
	t, _ := ctx.Value(tokensKey{}).(*Tokens)
	if t == nil {
		panic("resolvers: no Tokens in the context; serve through NewHandler")
	}
	return t
}

// fileLinkKeyLabel separates the file-link key from every other use of the
// token key.
const fileLinkKeyLabel = "hukou file links v1"

// deriveLinkKey returns the file-link HMAC key for the token key material.
func deriveLinkKey(material []byte) []byte {
	m := hmac.New(sha256.New, material)
	m.Write([]byte(fileLinkKeyLabel))
	return m.Sum(nil)
}

// linkMAC is the MAC of a link.
func (t *Tokens) linkMAC(fileID, userID string, gen int, exp int64) []byte {
	m := hmac.New(sha256.New, t.linkKey)
	for _, part := range []string{fileID, userID, strconv.Itoa(gen), strconv.FormatInt(exp, 10)} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// fileLink mints the signed links to a file for a user.
func (t *Tokens) fileLink(fileID, userID string, gen int, exp time.Time) *model.FileLink {
	q := url.Values{}
	q.Set("u", userID)
	q.Set("g", strconv.Itoa(gen))
	q.Set("exp", strconv.FormatInt(exp.Unix(), 10))
	q.Set("sig", base64.RawURLEncoding.EncodeToString(t.linkMAC(fileID, userID, gen, exp.Unix())))
	query := "?" + q.Encode()
	base := fileURL(fileID)
	return &model.FileLink{
		ID: scalar.GlobalID("CaseFile", fileID), URL: base + query, ThumbnailURL: base + "/thumbnail" + query,
		DownloadURL: base + query + "&download=1", ExpiresAt: exp,
	}
}

// signedLink is a link's parameters as the request carries them.
type signedLink struct {
	userID string
	gen    int
	exp    int64
	sig    []byte
}

// parseSignedLink reads the link parameters of q; ok is false when q
// carries none (the request authenticates otherwise). Malformed parameters
// are CodeUnauthenticated, reason files.link_invalid.
func parseSignedLink(q url.Values) (signedLink, bool, error) {
	if !q.Has("sig") && !q.Has("u") && !q.Has("g") && !q.Has("exp") {
		return signedLink{}, false, nil
	}
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	gen, gerr := strconv.Atoi(q.Get("g"))
	sig, serr := base64.RawURLEncoding.DecodeString(q.Get("sig"))
	if err != nil || gerr != nil || serr != nil || len(sig) != sha256.Size || q.Get("u") == "" {
		return signedLink{}, true, errLinkInvalid()
	}
	return signedLink{userID: q.Get("u"), gen: gen, exp: exp, sig: sig}, true, nil
}

// checkLifetime refuses an expired link, and one valid further ahead than
// a minted link can be (it was not minted here).
func (l signedLink) checkLifetime(now time.Time) error {
	switch {
	case l.exp <= now.Unix():
		return domain.Errorf(domain.CodeUnauthenticated, "the file link has expired; open the file again from the case").WithReason("files.link_expired")
	case l.exp > now.Add(domain.FileLinkTTL+time.Minute).Unix():
		return errLinkInvalid()
	}
	return nil
}

// verifyLink checks the link's MAC for fileID.
func (t *Tokens) verifyLink(l signedLink, fileID string) error {
	if !hmac.Equal(l.sig, t.linkMAC(fileID, l.userID, l.gen, l.exp)) {
		return errLinkInvalid()
	}
	return nil
}

func errLinkRevoked() error {
	return domain.Errorf(domain.CodeUnauthenticated, "the file link ended with the session it was made in; open the file again from the case").WithReason("files.link_revoked")
}

func errLinkInvalid() error {
	return domain.Errorf(domain.CodeUnauthenticated, "the file link is not valid; open the file again from the case").WithReason("files.link_invalid")
}
