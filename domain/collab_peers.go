package domain

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"
)

// PeerKeySource says how the peer directory learned a key.
type PeerKeySource string

// Peer key sources.
const (
	// PeerKeyOwn is this deployment's own signing key.
	PeerKeyOwn PeerKeySource = "OWN"
	// PeerKeyConfigured comes from configuration (COLLAB_PEERS_FILE,
	// COLLAB_PEER_KEYS).
	PeerKeyConfigured PeerKeySource = "CONFIGURED"
	// PeerKeyAnnounced arrived in a signed KEY_ANNOUNCEMENT message.
	PeerKeyAnnounced PeerKeySource = "ANNOUNCED"
	// PeerKeyDevelopment is derived by DevKey; trusted only with DevTrust.
	PeerKeyDevelopment PeerKeySource = "DEVELOPMENT"
)

// PeerKey binds one Ed25519 public key to the offices it may speak for:
// a message signed with it is accepted only when its sender office starts
// with one of Offices, and only between NotBefore and NotAfter.
type PeerKey struct {
	KeyID     string
	PublicKey ed25519.PublicKey
	// Offices are office code prefixes of 2 to 12 digits: a province ("13"),
	// a city ("1301"), or one office.
	Offices []string
	// NotBefore and NotAfter bound when the key is valid (NotBefore ≤ t <
	// NotAfter); a zero time leaves that side open.
	NotBefore time.Time
	NotAfter  time.Time
	Source    PeerKeySource
	// AnnouncedBy is the key ID that signed the announcement of an
	// ANNOUNCED key; revoking that key revokes this one too.
	AnnouncedBy string
	// SenderOffice and MessageID name the announcement's sender and message.
	SenderOffice string
	MessageID    string
	CreatedAt    time.Time
}

var (
	rePeerKeyID     = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,128}$`)
	reOfficePrefix  = regexp.MustCompile(`^[0-9]{2,12}$`)
	maxPeerKeyBinds = 32
)

// Validate returns a CodeInvalid *Error naming the first malformed field
// (keyId, publicKey, offices, notAfter), or nil.
func (k *PeerKey) Validate() error {
	bad := func(field, format string, args ...any) error {
		return FieldErrorf(field, format, args...).WithReason("peer_key." + field)
	}
	switch {
	case !rePeerKeyID.MatchString(k.KeyID):
		return bad("keyId", "a key ID is 1 to 128 letters, digits or . _ : @ -")
	case len(k.PublicKey) != ed25519.PublicKeySize:
		return bad("publicKey", "key %s: a public key is 32 bytes of Ed25519 (base64)", k.KeyID)
	case len(k.Offices) == 0 || len(k.Offices) > maxPeerKeyBinds:
		return bad("offices", "key %s must be bound to 1 to %d office code prefixes", k.KeyID, maxPeerKeyBinds)
	case !k.NotBefore.IsZero() && !k.NotAfter.IsZero() && !k.NotAfter.After(k.NotBefore):
		return bad("notAfter", "key %s: notAfter must be later than notBefore", k.KeyID)
	}
	for _, p := range k.Offices {
		if !reOfficePrefix.MatchString(p) {
			return bad("offices", "key %s: %q is not an office code prefix (2 to 12 digits, such as 13 or 1301)", k.KeyID, p)
		}
	}
	return nil
}

// Covers reports whether k may speak for office: office starts with one of
// k's prefixes.
func (k *PeerKey) Covers(office string) bool {
	for _, p := range k.Offices {
		if strings.HasPrefix(office, p) {
			return true
		}
	}
	return false
}

// CoversPrefixes reports whether every prefix of others lies within one of
// k's prefixes (so k may vouch for a key bound to others).
func (k *PeerKey) CoversPrefixes(others []string) bool {
	for _, o := range others {
		if !k.Covers(o) {
			return false
		}
	}
	return true
}

// ValidAt reports whether t lies within k's validity window.
func (k *PeerKey) ValidAt(t time.Time) bool {
	return (k.NotBefore.IsZero() || !t.Before(k.NotBefore)) && (k.NotAfter.IsZero() || t.Before(k.NotAfter))
}

// sameBinding reports whether k and o bind the same public key to the same
// offices for the same window (an announcement repeated).
func (k *PeerKey) sameBinding(o *PeerKey) bool {
	return k.PublicKey.Equal(o.PublicKey) && slices.Equal(k.Offices, o.Offices) &&
		k.NotBefore.Equal(o.NotBefore) && k.NotAfter.Equal(o.NotAfter)
}

// PeerDirectory is the configured part of the peer directory: the public
// keys this deployment trusts, each bound to the offices it may speak for,
// and the key IDs it refuses whatever else lists them (revoked). Keys that
// peers announce through the platform are kept in the database
// (CollabRepository) and looked up beside it. A nil *PeerDirectory is
// empty. It is immutable once built.
type PeerDirectory struct {
	keys    map[string]PeerKey
	revoked map[string]bool
}

// NewPeerDirectory checks and indexes configured keys and revoked key IDs.
// Errors: CodeInvalid for a malformed key or a key ID listed twice.
func NewPeerDirectory(keys []PeerKey, revoked []string) (*PeerDirectory, error) {
	d := &PeerDirectory{keys: map[string]PeerKey{}, revoked: map[string]bool{}}
	for _, k := range keys {
		if k.Source == "" {
			k.Source = PeerKeyConfigured
		}
		k.Offices = slices.Clone(k.Offices)
		slices.Sort(k.Offices)
		if err := k.Validate(); err != nil {
			return nil, err
		}
		if _, dup := d.keys[k.KeyID]; dup {
			return nil, FieldErrorf("keyId", "key ID %s is listed twice", k.KeyID).WithReason("peer_key.duplicate")
		}
		d.keys[k.KeyID] = k
	}
	for _, id := range revoked {
		if !rePeerKeyID.MatchString(id) {
			return nil, FieldErrorf("revoked", "%q is not a key ID", id).WithReason("peer_key.revoked")
		}
		d.revoked[id] = true
	}
	return d, nil
}

// Key returns the configured key with that ID.
func (d *PeerDirectory) Key(keyID string) (PeerKey, bool) {
	if d == nil {
		return PeerKey{}, false
	}
	k, ok := d.keys[keyID]
	return k, ok
}

// Revoked reports whether keyID is revoked: refused even where it is listed.
func (d *PeerDirectory) Revoked(keyID string) bool {
	return d != nil && d.revoked[keyID]
}

// Keys returns the configured keys by key ID.
func (d *PeerDirectory) Keys() []PeerKey {
	if d == nil {
		return nil
	}
	out := make([]PeerKey, 0, len(d.keys))
	for _, k := range d.keys {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b PeerKey) int { return strings.Compare(a.KeyID, b.KeyID) })
	return out
}

// RevokedKeyIDs returns the revoked key IDs, sorted.
func (d *PeerDirectory) RevokedKeyIDs() []string {
	if d == nil {
		return nil
	}
	out := make([]string, 0, len(d.revoked))
	for id := range d.revoked {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Len counts the configured keys.
func (d *PeerDirectory) Len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

// ownKey is this deployment's signing key as the directory shows it: bound
// to the deployment's city (the first four digits of its office code).
func (s *CollabService) ownKey() (PeerKey, bool) {
	if s.Keys.Private == nil {
		return PeerKey{}, false
	}
	return PeerKey{KeyID: s.Keys.KeyID, PublicKey: s.Keys.Private.Public().(ed25519.PublicKey),
		Offices: []string{deploymentPrefix(s.Office)}, Source: PeerKeyOwn}, true
}

// deploymentPrefix is the office code prefix of the deployment serving office.
func deploymentPrefix(office string) string {
	if len(office) < 4 {
		return office
	}
	return office[:4]
}

// findKey returns the key with that ID from wherever the directory keeps
// it: this deployment's own key, configuration, announcements (repo), or,
// with DevTrust, the development keys. It ignores revocation and windows.
func (s *CollabService) findKey(ctx context.Context, repo CollabRepository, keyID string) (*PeerKey, error) {
	if own, ok := s.ownKey(); ok && own.KeyID == keyID {
		return &own, nil
	}
	if k, ok := s.Keys.Directory.Key(keyID); ok {
		return &k, nil
	}
	k, err := repo.FindPeerKey(ctx, keyID)
	if err == nil {
		return k, nil
	} else if ErrorCode(err) != CodeNotFound {
		return nil, err
	}
	if office, ok := strings.CutPrefix(keyID, "dev:"); ok && s.Keys.DevTrust && reOffice.MatchString(office) {
		_, priv := DevKey(office)
		return &PeerKey{KeyID: keyID, PublicKey: priv.Public().(ed25519.PublicKey), Offices: []string{deploymentPrefix(office)},
			Source: PeerKeyDevelopment}, nil
	}
	return nil, Errorf(CodeNotFound, "no trusted key has the ID %q", keyID).WithReason("envelope.signer_unknown")
}

// maxAnnouncementChain bounds the walk up a key's announcers.
const maxAnnouncementChain = 16

// trustedKey returns the key keyID if the directory trusts it at t: known,
// not revoked (nor announced, directly or through other announced keys,
// by a revoked key), and within its validity window. Errors: CodeInvalid
// with reason envelope.signer_unknown, envelope.signer_revoked or
// envelope.signer_expired; others from the repository.
func (s *CollabService) trustedKey(ctx context.Context, repo CollabRepository, keyID string, at time.Time) (*PeerKey, error) {
	k, err := s.findKey(ctx, repo, keyID)
	if ErrorCode(err) == CodeNotFound {
		return nil, Errorf(CodeInvalid, "the message is signed with an unknown key %q", keyID).WithReason("envelope.signer_unknown")
	} else if err != nil {
		return nil, err
	}
	for cur, depth := k, 0; ; depth++ {
		if s.Keys.Directory.Revoked(cur.KeyID) {
			if cur == k {
				return nil, Errorf(CodeInvalid, "the message is signed with the revoked key %q", keyID).WithReason("envelope.signer_revoked")
			}
			return nil, Errorf(CodeInvalid, "the message is signed with key %q, announced by the revoked key %q", keyID, cur.KeyID).WithReason("envelope.signer_revoked")
		}
		if cur.AnnouncedBy == "" || depth >= maxAnnouncementChain {
			break
		}
		next, err := s.findKey(ctx, repo, cur.AnnouncedBy)
		if ErrorCode(err) == CodeNotFound {
			// The announcer left the directory (rotated out, not revoked):
			// its announcements stand.
			break
		} else if err != nil {
			return nil, err
		}
		cur = next
	}
	if !k.ValidAt(at) {
		return nil, Errorf(CodeInvalid, "the message is signed with key %q outside its validity (%s)", keyID, windowText(k)).WithReason("envelope.signer_expired")
	}
	return k, nil
}

func windowText(k *PeerKey) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "open"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return "from " + f(k.NotBefore) + " until " + f(k.NotAfter)
}

// PeerKeyStatus is where a key of the directory stands now.
type PeerKeyStatus string

// Peer key statuses.
const (
	PeerKeyValid       PeerKeyStatus = "VALID"
	PeerKeyNotYetValid PeerKeyStatus = "NOT_YET_VALID"
	PeerKeyExpired     PeerKeyStatus = "EXPIRED"
	PeerKeyRevoked     PeerKeyStatus = "REVOKED"
)

// PeerKeyEntry is one key of the directory as an administrator sees it.
type PeerKeyEntry struct {
	PeerKey
	Status PeerKeyStatus
}

// PeerDirectoryView is the whole peer directory: this deployment's key,
// the configured and announced keys, the development keys' trust and the
// revoked key IDs.
type PeerDirectoryView struct {
	// DevelopmentTrust is set when every development key (DevKey) is
	// trusted for its own city: development mode without a signing key.
	DevelopmentTrust bool
	Keys             []*PeerKeyEntry
	RevokedKeyIDs    []string
}

// Directory lists the peer directory (ADMIN): own key first, then
// configured and announced keys by key ID, each with its status now.
func (s *CollabService) Directory(ctx context.Context) (*PeerDirectoryView, error) {
	if _, err := Authorize(ctx, RoleAdmin); err != nil {
		return nil, err
	}
	announced, err := s.DB.Collab().FindPeerKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list announced peer keys: %w", err)
	}
	now := s.Now().UTC()
	v := &PeerDirectoryView{DevelopmentTrust: s.Keys.DevTrust, RevokedKeyIDs: s.Keys.Directory.RevokedKeyIDs()}
	add := func(k PeerKey) {
		e := &PeerKeyEntry{PeerKey: k, Status: PeerKeyValid}
		if _, err := s.trustedKey(ctx, s.DB.Collab(), k.KeyID, now); err != nil {
			var de *Error
			switch {
			case errors.As(err, &de) && de.Reason == "envelope.signer_revoked":
				e.Status = PeerKeyRevoked
			case !k.NotBefore.IsZero() && now.Before(k.NotBefore):
				e.Status = PeerKeyNotYetValid
			default:
				e.Status = PeerKeyExpired
			}
		}
		v.Keys = append(v.Keys, e)
	}
	if own, ok := s.ownKey(); ok {
		add(own)
	}
	others := s.Keys.Directory.Keys()
	for _, k := range announced {
		others = append(others, *k)
	}
	slices.SortStableFunc(others, func(a, b PeerKey) int { return strings.Compare(a.KeyID, b.KeyID) })
	for _, k := range others {
		add(k)
	}
	return v, nil
}

// KeyAnnouncementType is the OPS message by which a peer announces a new
// key (a rotation), signed with a key the receiver already trusts.
const KeyAnnouncementType = "KEY_ANNOUNCEMENT"

// keyAnnouncementCollabNo orders an office's key announcements (CaseSeq).
const keyAnnouncementCollabNo = "OPS-KEYS"

// KeyAnnouncement is the body of a KEY_ANNOUNCEMENT message.
type KeyAnnouncement struct {
	KeyID     string     `json:"keyId"`
	PublicKey []byte     `json:"publicKey"` // base64 in JSON
	Offices   []string   `json:"offices"`
	NotBefore *time.Time `json:"notBefore,omitempty"`
	NotAfter  *time.Time `json:"notAfter,omitempty"`
}

func (a *KeyAnnouncement) peerKey() PeerKey {
	k := PeerKey{KeyID: a.KeyID, PublicKey: a.PublicKey, Offices: slices.Clone(a.Offices), Source: PeerKeyAnnounced}
	slices.Sort(k.Offices)
	if a.NotBefore != nil {
		k.NotBefore = a.NotBefore.UTC()
	}
	if a.NotAfter != nil {
		k.NotAfter = a.NotAfter.UTC()
	}
	return k
}

// AnnounceKey sends receiverOffice's deployment a signed announcement of a
// new key of this deployment (ADMIN, audited), signed with the current
// key: once applied there, messages signed with the new key are accepted
// for the announced offices (by default this deployment's city) within its
// window. Rotate by announcing the next key to every peer, then switching
// COLLAB_SIGNING_KEY to it. Errors: CodeInvalid naming the field.
func (s *CollabService) AnnounceKey(ctx context.Context, receiverOffice string, a KeyAnnouncement) (*Envelope, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !reOffice.MatchString(receiverOffice) {
		return nil, FieldErrorf("receiverOffice", "an office code has 12 digits").WithReason("collab.office")
	}
	if len(a.Offices) == 0 {
		a.Offices = []string{deploymentPrefix(s.Office)}
	}
	k := a.peerKey()
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if own, ok := s.ownKey(); ok && own.KeyID == k.KeyID && !own.PublicKey.Equal(k.PublicKey) {
		return nil, FieldErrorf("keyId", "key ID %s is the current signing key's; give the new key its own ID", k.KeyID).WithReason("peer_key.keyId")
	}
	var env *Envelope
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var err error
		env, err = s.Send(ctx, tx, Outgoing{CollabNo: keyAnnouncementCollabNo, CaseKind: PingKind, MessageType: KeyAnnouncementType,
			SenderOffice: s.Office, ReceiverOffice: receiverOffice, SenderUser: actor.Username, Body: a})
		if err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, s.Now(), AuditChange, "announceCollaborationKey", "CollabMessage", env.MessageID,
			receiverOffice+" "+k.KeyID))
	})
	if err != nil {
		return nil, fmt.Errorf("announce key %s to %s: %w", k.KeyID, receiverOffice, err)
	}
	return env, nil
}

// applyKeyAnnouncement adds an announced key to the directory. It applies
// only when the announcement is signed by a key valid now that covers the
// sender and every office the new key is bound to (a peer cannot widen its
// own reach), and the key ID is neither revoked nor taken by another key.
// Announcing the same binding again changes nothing.
func (s *CollabService) applyKeyAnnouncement(ctx context.Context, tx Repos, env *Envelope) (string, error) {
	var a KeyAnnouncement
	dec := json.NewDecoder(strings.NewReader(string(env.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return "", FieldErrorf("body", "a key announcement is {keyId, publicKey, offices, notBefore?, notAfter?}: %v", err).WithReason("collab.key_announcement")
	}
	now := s.Now().UTC()
	k := a.peerKey()
	k.AnnouncedBy, k.SenderOffice, k.MessageID, k.CreatedAt = env.SignerKeyID, env.SenderOffice, env.MessageID, now
	if err := k.Validate(); err != nil {
		return "", err
	}
	if !k.NotAfter.IsZero() && !k.NotAfter.After(now) {
		return "", FieldErrorf("notAfter", "the announced key %s has already expired", k.KeyID).WithReason("collab.key_expired")
	}
	signer, err := s.trustedKey(ctx, tx.Collab(), env.SignerKeyID, now)
	if err != nil {
		if ErrorCode(err) == CodeInvalid {
			return "", Errorf(CodeForbidden, "the announcement of key %s is not signed by a key trusted now: %s", k.KeyID, ErrorMessage(err)).WithReason("collab.key_announcer")
		}
		return "", err
	}
	switch {
	case !signer.Covers(env.SenderOffice):
		return "", Errorf(CodeForbidden, "key %s does not speak for office %s", signer.KeyID, env.SenderOffice).WithReason("collab.key_announcer")
	case !signer.CoversPrefixes(k.Offices):
		return "", Errorf(CodeForbidden, "key %s speaks for %s, so it cannot announce key %s for %s",
			signer.KeyID, strings.Join(signer.Offices, ", "), k.KeyID, strings.Join(k.Offices, ", ")).WithReason("collab.key_offices")
	case s.Keys.Directory.Revoked(k.KeyID):
		return "", Errorf(CodeForbidden, "key %s is revoked here", k.KeyID).WithReason("collab.key_revoked")
	}
	existing, err := s.findKey(ctx, tx.Collab(), k.KeyID)
	switch {
	case err == nil && existing.sameBinding(&k):
		return env.ReceiverOffice, nil
	case err == nil:
		return "", Errorf(CodeConflict, "key ID %s is already bound to another key or other offices here", k.KeyID).WithReason("collab.key_id_taken")
	case ErrorCode(err) != CodeNotFound:
		return "", err
	}
	if err := tx.Collab().CreatePeerKey(ctx, &k); err != nil {
		return "", fmt.Errorf("keep announced key %s: %w", k.KeyID, err)
	}
	slog.InfoContext(ctx, "peer key announced", "key_id", k.KeyID, "offices", k.Offices, "announced_by", k.AnnouncedBy,
		"sender_office", env.SenderOffice, "message_id", env.MessageID)
	return env.ReceiverOffice, nil
}
