package resolvers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// silentPlatform stands in for the collaboration platform, which these
// tests never reach (outgoing messages are only logged and enqueued).
type silentPlatform struct{}

func (silentPlatform) Send(context.Context, domain.Envelope) error { return nil }

func (silentPlatform) Pull(_ context.Context, _, cursor string, _ int) ([]domain.Envelope, string, error) {
	return nil, cursor, nil
}

func (silentPlatform) Ack(context.Context, string, []string) error { return nil }

// TestCollaborationPeerDirectory lists the peer directory (ADMIN only) and
// announces a rotated key to another deployment.
func TestCollaborationPeerDirectory(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		hebei := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
		expiredAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		dir, err := domain.NewPeerDirectory([]domain.PeerKey{
			{KeyID: "hebei-1", PublicKey: hebei.Public().(ed25519.PublicKey), Offices: []string{"13"}},
			{KeyID: "hebei-0", PublicKey: hebei.Public().(ed25519.PublicKey), Offices: []string{"1301"}, NotAfter: expiredAt},
		}, []string{"hebei-old"})
		require.NoError(t, err)
		keyID, priv := domain.DevKey(b.city)
		b.res.Collab = domain.NewCollabService(db, silentPlatform{}, &domain.KeyRing{KeyID: keyID, Private: priv, Directory: dir}, b.city, time.Now, newID)
		_, err = queue.New(db, queue.Config{Collab: b.res.Collab, Logger: slog.New(slog.DiscardHandler)}) // enqueues; never started
		require.NoError(t, err)

		const q = `{ collaborationPeerDirectory { developmentTrust revokedKeyIds
			keys { keyId publicKey offices notBefore notAfter source status announcedBy } } }`
		var out struct {
			CollaborationPeerDirectory struct {
				DevelopmentTrust bool
				RevokedKeyIDs    []string `json:"revokedKeyIds"`
				Keys             []struct {
					KeyID, PublicKey, Source, Status string
					Offices                          []string
					NotBefore, NotAfter              *time.Time
					AnnouncedBy                      *string
				}
			}
		}
		b.do(t, b.token(t, b.admin), q, nil).ok(t, &out)
		d := out.CollaborationPeerDirectory
		require.False(t, d.DevelopmentTrust)
		require.Equal(t, []string{"hebei-old"}, d.RevokedKeyIDs)
		require.Len(t, d.Keys, 3)
		require.Equal(t, keyID, d.Keys[0].KeyID)
		require.Equal(t, "OWN", d.Keys[0].Source)
		require.Equal(t, []string{b.city[:4]}, d.Keys[0].Offices)
		require.Equal(t, "hebei-0", d.Keys[1].KeyID)
		require.Equal(t, "EXPIRED", d.Keys[1].Status)
		require.True(t, d.Keys[1].NotAfter.Equal(expiredAt))
		require.Equal(t, "hebei-1", d.Keys[2].KeyID)
		require.Equal(t, "CONFIGURED", d.Keys[2].Source)
		require.Equal(t, "VALID", d.Keys[2].Status)
		require.Equal(t, []string{"13"}, d.Keys[2].Offices)
		require.Equal(t, base64.StdEncoding.EncodeToString(hebei.Public().(ed25519.PublicKey)), d.Keys[2].PublicKey)
		require.Nil(t, d.Keys[2].NotBefore)
		require.Nil(t, d.Keys[2].AnnouncedBy)

		requireError(t, b.do(t, b.token(t, b.officer), q, nil), "FORBIDDEN", "", "")

		const announce = `mutation($in: AnnounceCollaborationKeyInput!) { announceCollaborationKey(input: $in) {
			direction caseKind messageType status senderOffice receiverOffice body } }`
		next, _, err := ed25519.GenerateKey(nil)
		require.NoError(t, err)
		in := map[string]any{"receiverOffice": "130100000000", "keyId": b.city + "-next", "publicKey": base64.StdEncoding.EncodeToString(next)}
		var sent struct {
			AnnounceCollaborationKey struct {
				Direction, CaseKind, MessageType, Status, SenderOffice, ReceiverOffice, Body string
			}
		}
		b.do(t, b.token(t, b.admin), announce, map[string]any{"in": in}).ok(t, &sent)
		m := sent.AnnounceCollaborationKey
		require.Equal(t, []string{"OUT", "OPS", "KEY_ANNOUNCEMENT", "PENDING", b.city, "130100000000"},
			[]string{m.Direction, m.CaseKind, m.MessageType, m.Status, m.SenderOffice, m.ReceiverOffice})
		require.JSONEq(t, `{"keyId": "`+b.city+`-next", "publicKey": "`+in["publicKey"].(string)+`", "offices": ["`+b.city[:4]+`"]}`, m.Body)

		in["publicKey"] = "not base64!"
		requireError(t, b.do(t, b.token(t, b.admin), announce, map[string]any{"in": in}), "BAD_USER_INPUT", "publicKey", "peer_key.publicKey")
		in["publicKey"] = base64.StdEncoding.EncodeToString(next)
		in["offices"] = []string{"2"}
		requireError(t, b.do(t, b.token(t, b.admin), announce, map[string]any{"in": in}), "BAD_USER_INPUT", "offices", "peer_key.offices")
		requireError(t, b.do(t, b.token(t, b.clerk), announce, map[string]any{"in": in}), "FORBIDDEN", "", "")
	})
}
