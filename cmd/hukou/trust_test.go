package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConfig_PeerKeys(t *testing.T) {
	t.Parallel()
	pub := base64.StdEncoding.EncodeToString(hebeiKey.Public().(ed25519.PublicKey))
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	tests := []struct {
		name        string
		cfg         config
		wantKeys    map[string][]string // key ID → offices
		wantRevoked []string
		err         string
	}{
		{"Inline", config{CollabPeerKeys: "hebei-1=" + pub + "=13, jiangsu-1=" + pub + "=3201+3202"},
			map[string][]string{"hebei-1": {"13"}, "jiangsu-1": {"3201", "3202"}}, nil, ""},
		{"InlineUnbound", config{CollabPeerKeys: "hebei-1=" + pub}, nil, nil, "office prefix"},
		{"InlineNotBase64", config{CollabPeerKeys: "hebei-1=!!=13"}, nil, nil, "not base64"},
		{"File", config{CollabPeersFile: file("ok.json", `{"keys": [{"keyId": "hebei-1", "publicKey": "`+pub+`", "offices": ["13"],
			"notAfter": "2027-01-01T00:00:00Z"}], "revoked": ["hebei-0"]}`), CollabRevokedKeys: "hebei-00"},
			map[string][]string{"hebei-1": {"13"}}, []string{"hebei-0", "hebei-00"}, ""},
		{"FileTypo", config{CollabPeersFile: file("typo.json", `{"keys": [{"keyId": "hebei-1", "publicKey": "`+pub+`", "office": ["13"]}]}`)},
			nil, nil, "unknown field"},
		{"FileMissing", config{CollabPeersFile: filepath.Join(dir, "none.json")}, nil, nil, "no such file"},
	}
	for _, tt := range tests {
		keys, revoked, err := tt.cfg.peerKeys()
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		got := map[string][]string{}
		for _, k := range keys {
			got[k.KeyID] = k.Offices
			require.Equal(t, hebeiKey.Public(), k.PublicKey, tt.name)
		}
		require.Equal(t, tt.wantKeys, got, tt.name)
		require.Equal(t, tt.wantRevoked, revoked, tt.name)
		if tt.name == "File" {
			require.True(t, keys[0].NotAfter.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)))
		}
	}
}

func TestConfig_KeyRing(t *testing.T) {
	t.Parallel()
	pub := base64.StdEncoding.EncodeToString(hebeiKey.Public().(ed25519.PublicKey))
	seed := base64.StdEncoding.EncodeToString(panjinKey.Seed())

	ring, err := (&config{OfficeCode: panjin, Dev: true}).keyRing()
	require.NoError(t, err)
	require.True(t, ring.DevTrust, "development mode without a key trusts development keys")
	require.Equal(t, "dev:"+panjin, ring.KeyID)

	ring, err = (&config{OfficeCode: panjin, Dev: true, CollabSigningKey: seed, CollabPeerKeys: "hebei-1=" + pub + "=13"}).keyRing()
	require.NoError(t, err)
	require.False(t, ring.DevTrust, "a configured key ends development trust")
	require.Equal(t, defaultKeyID(panjin, panjinKey.Public().(ed25519.PublicKey)), ring.KeyID)
	require.Regexp(t, `^211100000000-[0-9a-f]{8}$`, ring.KeyID)

	_, err = (&config{OfficeCode: panjin, CollabSigningKey: seed, CollabPeersFile: writeEmptyPeers(t)}).keyRing()
	require.ErrorContains(t, err, "list no peer key")
	_, err = (&config{OfficeCode: panjin, CollabSigningKey: "short", CollabPeerKeys: "hebei-1=" + pub + "=13"}).keyRing()
	require.ErrorContains(t, err, "32-byte")
	_, err = (&config{OfficeCode: panjin, CollabSigningKey: seed, CollabPeerKeys: "hebei-1=" + pub + "=1"}).keyRing()
	require.ErrorContains(t, err, "office code prefix", "a one-digit prefix is refused")
}

func writeEmptyPeers(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "peers.json")
	require.NoError(t, os.WriteFile(p, []byte(`{"keys": []}`), 0o600))
	return p
}
