package domain_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func TestPeerKey_Covers(t *testing.T) {
	t.Parallel()
	k := domain.PeerKey{Offices: []string{"13", "3201"}}
	tests := []struct {
		office string
		want   bool
	}{
		{"130100000000", true},  // Shijiazhuang, in province 13
		{"130102000100", true},  // one of its stations
		{"320100000000", true},  // Nanjing, in city 3201
		{"320200000000", false}, // Wuxi: province 32, but not city 3201
		{"211100000000", false},
		{"", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, k.Covers(tt.office), tt.office)
	}
	require.True(t, k.CoversPrefixes([]string{"1301", "13", "320105"}))
	require.False(t, k.CoversPrefixes([]string{"1301", "1"}), "a shorter prefix is wider than the key's")
	require.False(t, k.CoversPrefixes([]string{"32"}))
}

func TestPeerKey_ValidAt(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		from, end time.Time
		at        time.Time
		want      bool
	}{
		{"OpenBothSides", time.Time{}, time.Time{}, from, true},
		{"BeforeWindow", from, until, from.Add(-time.Second), false},
		{"AtNotBefore", from, until, from, true},
		{"Inside", from, until, from.Add(24 * time.Hour), true},
		{"AtNotAfter", from, until, until, false},
		{"AfterOpenStart", time.Time{}, until, until.Add(time.Hour), false},
		{"BeforeOpenEnd", from, time.Time{}, from.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		k := domain.PeerKey{NotBefore: tt.from, NotAfter: tt.end}
		require.Equal(t, tt.want, k.ValidAt(tt.at), tt.name)
	}
}

func TestNewPeerDirectory(t *testing.T) {
	t.Parallel()
	pub := pubOf(testKey(1))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		keys    []domain.PeerKey
		revoked []string
		reason  string // "" when it is accepted
	}{
		{"OK", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub, Offices: []string{"13"}}}, []string{"hebei-0"}, ""},
		{"NoOffices", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub}}, nil, "peer_key.offices"},
		{"OnePrefixDigit", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub, Offices: []string{"1"}}}, nil, "peer_key.offices"},
		{"EmptyPrefix", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub, Offices: []string{""}}}, nil, "peer_key.offices"},
		{"LettersInPrefix", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub, Offices: []string{"13x"}}}, nil, "peer_key.offices"},
		{"ShortKey", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub[:31], Offices: []string{"13"}}}, nil, "peer_key.publicKey"},
		{"BadKeyID", []domain.PeerKey{{KeyID: "hebei 1", PublicKey: pub, Offices: []string{"13"}}}, nil, "peer_key.keyId"},
		{"WindowBackwards", []domain.PeerKey{{KeyID: "hebei-1", PublicKey: pub, Offices: []string{"13"}, NotBefore: at, NotAfter: at}}, nil, "peer_key.notAfter"},
		{"Duplicate", []domain.PeerKey{{KeyID: "k", PublicKey: pub, Offices: []string{"13"}}, {KeyID: "k", PublicKey: pub, Offices: []string{"32"}}}, nil, "peer_key.duplicate"},
		{"BadRevokedID", nil, []string{"a b"}, "peer_key.revoked"},
	}
	for _, tt := range tests {
		d, err := domain.NewPeerDirectory(tt.keys, tt.revoked)
		if tt.reason == "" {
			require.NoError(t, err, tt.name)
			k, ok := d.Key("hebei-1")
			require.True(t, ok)
			require.Equal(t, domain.PeerKeyConfigured, k.Source)
			require.True(t, d.Revoked("hebei-0"))
			require.False(t, d.Revoked("hebei-1"))
			continue
		}
		var de *domain.Error
		require.ErrorAs(t, err, &de, tt.name)
		require.Equal(t, tt.reason, de.Reason, tt.name)
	}
	var none *domain.PeerDirectory
	_, ok := none.Key("x")
	require.False(t, ok, "a nil directory is empty")
	require.False(t, none.Revoked("x"))
}

// TestCollabService_PeerDirectory checks every incoming message against the
// directory on both databases: the key must be known, not revoked, valid
// when the message arrives, and bound to a prefix of the sender office; a
// peer rotates by announcing its next key signed with its current one, and
// cannot announce one for offices beyond its own.
func TestCollabService_PeerDirectory(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC().Truncate(time.Microsecond)
	hebei, jiangsu, old, future, expired := testKey(11), testKey(12), testKey(13), testKey(14), testKey(15)
	next, rogue, chained := testKey(21), testKey(22), testKey(23)
	configured := []domain.PeerKey{
		{KeyID: "hebei-1", PublicKey: pubOf(hebei), Offices: []string{"13"}},
		{KeyID: "jiangsu-1", PublicKey: pubOf(jiangsu), Offices: []string{"32"}},
		{KeyID: "hebei-0", PublicKey: pubOf(old), Offices: []string{"13"}},
		{KeyID: "hebei-future", PublicKey: pubOf(future), Offices: []string{"13"}, NotBefore: now.Add(time.Hour)},
		{KeyID: "hebei-expired", PublicKey: pubOf(expired), Offices: []string{"13"}, NotAfter: now.Add(-time.Hour)},
	}
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		plat := &scriptedPlatform{}
		dir, err := domain.NewPeerDirectory(configured, []string{"hebei-0"})
		require.NoError(t, err)
		keyID, priv := domain.DevKey(inboxPanjin)
		collab := domain.NewCollabService(db, plat, &domain.KeyRing{KeyID: keyID, Private: priv, Directory: dir}, inboxPanjin,
			func() time.Time { return now }, uuid.NewString)
		seq := int64(0)
		msg := func(sender, keyID string, key ed25519.PrivateKey, typ string, body any) domain.Envelope {
			seq++
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			// One case per message: a refused message must leave no gap.
			env := domain.Envelope{MessageID: uuid.NewString(), CollabNo: "XTDIR" + strconv.FormatInt(seq, 10), CaseKind: domain.PingKind,
				MessageType: typ, SenderOffice: sender, ReceiverOffice: inboxPanjin, SenderUser: "admin", SentAt: now, Body: raw, CaseSeq: 1}
			env.Sign(key, keyID)
			return env
		}
		ping := func(sender, keyID string, key ed25519.PrivateKey) domain.Envelope {
			return msg(sender, keyID, key, domain.PingType, map[string]string{"text": keyID})
		}
		deliver := func(env domain.Envelope) *domain.CollabMessage {
			plat.put(env)
			_, err := collab.PullInbox(ctx, 100)
			require.NoError(t, err)
			_, err = collab.ApplyReceived(ctx)
			require.NoError(t, err)
			m, err := db.Collab().FindMessage(ctx, env.MessageID)
			require.NoError(t, err)
			return m
		}
		announce := func(sender, keyID string, key ed25519.PrivateKey, a domain.KeyAnnouncement) domain.Envelope {
			return msg(sender, keyID, key, domain.KeyAnnouncementType, a)
		}

		tests := []struct {
			name   string
			env    domain.Envelope
			reason string // in the dead letter's error; "" when it applies
		}{
			{"BoundKey", ping("130102000100", "hebei-1", hebei), ""},
			{"ThirdProvinceKeyClaimsHebei", ping("130102000100", "jiangsu-1", jiangsu), "speaks only for offices 32"},
			{"ThirdProvinceKeyOwnOffice", ping("320100000000", "jiangsu-1", jiangsu), ""},
			{"RevokedKey", ping("130100000000", "hebei-0", old), "revoked"},
			{"NotYetValid", ping("130100000000", "hebei-future", future), "outside its validity"},
			{"Expired", ping("130100000000", "hebei-expired", expired), "outside its validity"},
			{"UnknownKey", ping("130100000000", "hebei-2", next), "unknown key"},
			{"WrongKeyUnderKnownID", ping("130100000000", "hebei-1", rogue), "signature does not verify"},
			{"OwnKeyFromOutside", ping("130100000000", keyID, priv), "speaks only for offices 2111"},
			{"DevKeyWithoutDevTrust", ping("130100000000", "dev:130100000000", testKey(99)), "unknown key"},

			{"AnnounceWiderThanSigner", announce("130100000000", "hebei-1", hebei,
				domain.KeyAnnouncement{KeyID: "hebei-2", PublicKey: pubOf(next), Offices: []string{"13", "21"}}), "cannot announce"},
			{"AnnounceByThirdProvince", announce("130100000000", "jiangsu-1", jiangsu,
				domain.KeyAnnouncement{KeyID: "hebei-2", PublicKey: pubOf(rogue), Offices: []string{"13"}}), "speaks only for offices 32"},
			{"AnnounceTakenID", announce("130100000000", "hebei-1", hebei,
				domain.KeyAnnouncement{KeyID: "jiangsu-1", PublicKey: pubOf(next), Offices: []string{"13"}}), "already bound"},
			{"AnnounceRevokedID", announce("130100000000", "hebei-1", hebei,
				domain.KeyAnnouncement{KeyID: "hebei-0", PublicKey: pubOf(old), Offices: []string{"13"}}), "revoked"},
			{"Rotate", announce("130100000000", "hebei-1", hebei,
				domain.KeyAnnouncement{KeyID: "hebei-2", PublicKey: pubOf(next), Offices: []string{"1301"}}), ""},
			{"RotateAgainSame", announce("130100000000", "hebei-1", hebei,
				domain.KeyAnnouncement{KeyID: "hebei-2", PublicKey: pubOf(next), Offices: []string{"1301"}}), ""},
			{"RotatedKeyUsed", ping("130102000100", "hebei-2", next), ""},
			{"RotatedKeyBeyondAnnouncedCity", ping("130200000000", "hebei-2", next), "speaks only for offices 1301"},
			{"RotatedKeyAnnouncesNext", announce("130100000000", "hebei-2", next,
				domain.KeyAnnouncement{KeyID: "hebei-3", PublicKey: pubOf(chained), Offices: []string{"1301"}}), ""},
			{"ChainedKeyUsed", ping("130100000000", "hebei-3", chained), ""},
			{"AnnounceSameIDOtherKey", announce("130100000000", "hebei-1", hebei,
				domain.KeyAnnouncement{KeyID: "hebei-2", PublicKey: pubOf(rogue), Offices: []string{"1301"}}), "already bound"},
		}
		for _, tt := range tests {
			m := deliver(tt.env)
			if tt.reason == "" {
				require.Equal(t, domain.MessageApplied, m.Status, "%s: %s", tt.name, m.LastError)
				continue
			}
			require.Equal(t, domain.MessageFailed, m.Status, tt.name)
			require.Contains(t, m.LastError, tt.reason, tt.name)
		}

		v, err := collab.Directory(adminAt(inboxPanjin))
		require.NoError(t, err)
		status := map[string]domain.PeerKeyStatus{}
		for _, k := range v.Keys {
			status[k.KeyID] = k.Status
		}
		require.Equal(t, map[string]domain.PeerKeyStatus{keyID: domain.PeerKeyValid, "hebei-1": domain.PeerKeyValid, "jiangsu-1": domain.PeerKeyValid,
			"hebei-0": domain.PeerKeyRevoked, "hebei-future": domain.PeerKeyNotYetValid, "hebei-expired": domain.PeerKeyExpired,
			"hebei-2": domain.PeerKeyValid, "hebei-3": domain.PeerKeyValid}, status)
		require.Equal(t, []string{"hebei-0"}, v.RevokedKeyIDs)
		require.Equal(t, domain.PeerKeyOwn, v.Keys[0].Source)
		_, err = collab.Directory(actor(inboxPanjin, domain.OfficeCityBureau, domain.RoleOfficer))
		require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err), "ADMIN only")

		t.Log("revoking the key that announced others revokes them too")
		dir, err = domain.NewPeerDirectory(configured, []string{"hebei-0", "hebei-1"})
		require.NoError(t, err)
		collab.Keys.Directory = dir
		m := deliver(ping("130100000000", "hebei-3", chained))
		require.Equal(t, domain.MessageFailed, m.Status)
		require.Contains(t, m.LastError, `announced by the revoked key "hebei-1"`)
	})
}
