package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"hukou/domain"
)

// checkProduction returns an error naming every setting production mode
// needs and cfg lacks; in development mode (--dev) it only warns that the
// development defaults are in use.
func (c *config) checkProduction() error {
	var missing []string
	if c.CollabSigningKey == "" {
		missing = append(missing, "COLLAB_SIGNING_KEY (this deployment's Ed25519 signing seed; `hukou keygen` makes one)")
	}
	if c.CollabPeersFile == "" && strings.TrimSpace(c.CollabPeerKeys) == "" {
		missing = append(missing, "COLLAB_PEERS_FILE or COLLAB_PEER_KEYS (the peers' public keys, each bound to the offices it speaks for)")
	}
	if c.JWTSecret == "" && c.JWTEd25519Key == "" {
		missing = append(missing, "JWT_SECRET or JWT_ED25519_KEY")
	}
	for _, u := range []struct{ name, value string }{{"MINISTRY_URL", c.MinistryURL}, {"PROVINCE_URL", c.ProvinceURL}, {"PLATFORM_URL", c.PlatformURL}, {"PRODUCTION_URL", c.ProductionURL}} {
		if u.value == "" {
			missing = append(missing, u.name)
		}
	}
	if c.Dev {
		if len(missing) > 0 {
			slog.Warn("development mode (--dev): running with development defaults for what production needs; never use them in production",
				"defaulted", strings.Join(missing, "; "))
		}
		return nil
	}
	if len(missing) > 0 {
		return fmt.Errorf("production mode refuses to start: missing %s. Set them, or pass --dev (HUKOU_DEV=true) to run with "+
			"development keys, a random JWT secret and in-process simulators", strings.Join(missing, ", "))
	}
	return nil
}

// keyRing returns the collaboration signing key and the configured peer
// directory. Without a signing key (development mode only) it signs with
// the office's development key and trusts every development key, each for
// its own city: fine for a demo and tests, loud about it.
func (c *config) keyRing() (*domain.KeyRing, error) {
	ring := &domain.KeyRing{}
	if c.CollabSigningKey == "" {
		if !c.Dev {
			return nil, errors.New("COLLAB_SIGNING_KEY is required in production mode")
		}
		slog.Warn("COLLAB_SIGNING_KEY is not set (development mode): signing with the public development key of the office and trusting every development key")
		ring.KeyID, ring.Private = domain.DevKey(c.OfficeCode)
		ring.DevTrust = true
	} else {
		seed, err := base64.StdEncoding.DecodeString(c.CollabSigningKey)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("COLLAB_SIGNING_KEY must be a base64 32-byte Ed25519 seed")
		}
		ring.Private = ed25519.NewKeyFromSeed(seed)
		ring.KeyID = c.CollabSigningKeyID
		if ring.KeyID == "" {
			ring.KeyID = defaultKeyID(c.OfficeCode, ring.Private.Public().(ed25519.PublicKey))
		}
	}
	keys, revoked, err := c.peerKeys()
	if err != nil {
		return nil, err
	}
	dir, err := domain.NewPeerDirectory(keys, revoked)
	if err != nil {
		return nil, fmt.Errorf("peer directory: %s", domain.ErrorMessage(err))
	}
	if dir.Len() == 0 && !c.Dev {
		return nil, errors.New("production mode refuses to start: COLLAB_PEERS_FILE and COLLAB_PEER_KEYS list no peer key")
	}
	ring.Directory = dir
	slog.Info("collaboration keys", "signing_key_id", ring.KeyID,
		"public_key", base64.StdEncoding.EncodeToString(ring.Private.Public().(ed25519.PublicKey)),
		"peer_keys", dir.Len(), "revoked_keys", len(dir.RevokedKeyIDs()), "development_trust", ring.DevTrust)
	return ring, nil
}

// defaultKeyID names a signing key by its office and a digest of its public
// key, so that successive keys of an office never share an ID.
func defaultKeyID(office string, pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return office + "-" + hex.EncodeToString(sum[:4])
}

// peersFile is the JSON of COLLAB_PEERS_FILE.
type peersFile struct {
	Keys []struct {
		KeyID     string     `json:"keyId"`
		PublicKey string     `json:"publicKey"`
		Offices   []string   `json:"offices"`
		NotBefore *time.Time `json:"notBefore"`
		NotAfter  *time.Time `json:"notAfter"`
	} `json:"keys"`
	Revoked []string `json:"revoked"`
}

// peerKeys reads the configured peer keys and revoked key IDs from
// COLLAB_PEERS_FILE, COLLAB_PEER_KEYS and COLLAB_REVOKED_KEYS.
func (c *config) peerKeys() ([]domain.PeerKey, []string, error) {
	var keys []domain.PeerKey
	var revoked []string
	if c.CollabPeersFile != "" {
		raw, err := os.ReadFile(c.CollabPeersFile)
		if err != nil {
			return nil, nil, fmt.Errorf("COLLAB_PEERS_FILE: %w", err)
		}
		var f peersFile
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, nil, fmt.Errorf("COLLAB_PEERS_FILE %s: %w", c.CollabPeersFile, err)
		}
		for _, k := range f.Keys {
			pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
			if err != nil {
				return nil, nil, fmt.Errorf("COLLAB_PEERS_FILE %s: key %s: publicKey is not base64", c.CollabPeersFile, k.KeyID)
			}
			pk := domain.PeerKey{KeyID: k.KeyID, PublicKey: pub, Offices: k.Offices}
			if k.NotBefore != nil {
				pk.NotBefore = k.NotBefore.UTC()
			}
			if k.NotAfter != nil {
				pk.NotAfter = k.NotAfter.UTC()
			}
			keys = append(keys, pk)
		}
		revoked = append(revoked, f.Revoked...)
	}
	for _, kv := range strings.Split(c.CollabPeerKeys, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		id, rest, ok := strings.Cut(kv, "=")
		i := strings.LastIndex(rest, "=")
		if !ok || i < 0 || i == len(rest)-1 {
			return nil, nil, fmt.Errorf("COLLAB_PEER_KEYS: %q is not keyID=base64(Ed25519 public key)=office prefix[+prefix…] (e.g. hebei-1=…=13)", kv)
		}
		pub, err := base64.StdEncoding.DecodeString(rest[:i])
		if err != nil {
			return nil, nil, fmt.Errorf("COLLAB_PEER_KEYS: key %s: the public key is not base64", id)
		}
		keys = append(keys, domain.PeerKey{KeyID: id, PublicKey: pub, Offices: strings.Split(rest[i+1:], "+")})
	}
	for _, id := range strings.Split(c.CollabRevokedKeys, ",") {
		if id = strings.TrimSpace(id); id != "" {
			revoked = append(revoked, id)
		}
	}
	return keys, revoked, nil
}

// runKeygen prints a new collaboration signing key: the settings of this
// deployment and the entry its peers add to their directory.
func runKeygen(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("keygen", flag.ExitOnError)
	fs.Usage = commandUsage(fs, "hukou keygen [--office-code C]",
		"Prints a new Ed25519 collaboration signing key: this deployment's COLLAB_SIGNING_KEY and COLLAB_SIGNING_KEY_ID,\n"+
			"and the peer directory entry (key ID, public key, office prefix) every peer adds to trust it.")
	office := fs.String("office-code", env("OFFICE_CODE", "211100000000"), "this deployment's city bureau office code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	id := defaultKeyID(*office, pub)
	pubText := base64.StdEncoding.EncodeToString(pub)
	prefix := *office
	if len(prefix) > 4 {
		prefix = prefix[:4]
	}
	fmt.Printf("# this deployment (keep the seed secret)\nCOLLAB_SIGNING_KEY=%s\nCOLLAB_SIGNING_KEY_ID=%s\n\n", base64.StdEncoding.EncodeToString(priv.Seed()), id)
	fmt.Printf("# each peer's directory: COLLAB_PEER_KEYS entry, or a COLLAB_PEERS_FILE key\n%s=%s=%s\n", id, pubText, prefix)
	fmt.Printf(`{"keyId": %q, "publicKey": %q, "offices": [%q]}`+"\n", id, pubText, prefix)
	return nil
}
