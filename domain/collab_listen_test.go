package domain_test

import (
	"context"
	"crypto/ed25519"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/platform"
	"hukou/integrations/platform/platformsim"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// TestCollab_PushedNotPolled: with delivery on commit at the sender and a
// long poll at the receiver, a message is applied at the other office
// within milliseconds of the sender's commit, with no job worker and no
// periodic pull running anywhere (the jobs are enqueued, never worked): the
// path is the push, not a poll. Prints the commit-to-applied figures.
func TestCollab_PushedNotPolled(t *testing.T) {
	t.Parallel()
	for _, dbKind := range []string{"sqlite", "postgres"} {
		t.Run(dbKind, func(t *testing.T) {
			t.Parallel()
			open := storagetest.OpenSQLite
			if dbKind == "postgres" {
				open = storagetest.OpenPostgres
			}
			sim, err := platformsim.New(platformsim.Config{DBPath: filepath.Join(t.TempDir(), "platform.db")})
			require.NoError(t, err)
			srv := httptest.NewServer(sim)
			t.Cleanup(func() { sim.StopWaiting(); srv.Close(); _ = sim.Close() })

			const panjin, shijiazhuang = "211100000000", "130100000000"
			var peers []domain.PeerKey
			for _, o := range []string{panjin, shijiazhuang} {
				id, priv := domain.DevKey(o)
				peers = append(peers, domain.PeerKey{KeyID: id, PublicKey: priv.Public().(ed25519.PublicKey), Offices: []string{o[:2]}})
			}
			collabAt := func(db *storage.DB, office string) *domain.CollabService {
				keyID, priv := domain.DevKey(office)
				dir, err := domain.NewPeerDirectory(peers, nil)
				require.NoError(t, err)
				ins, err := queue.NewInserter(context.Background(), db)
				require.NoError(t, err)
				db.SetJobInserter(ins)
				c := domain.NewCollabService(db, platform.New(httpclient.Config{BaseURL: srv.URL}),
					&domain.KeyRing{KeyID: keyID, Private: priv, Directory: dir}, office, time.Now, uuid.NewString)
				c.DeliverOnCommit = true
				return c
			}
			pjDB, sjzDB := open(t), open(t)
			pj, sjz := collabAt(pjDB, panjin), collabAt(sjzDB, shijiazhuang)
			ctx, cancel := context.WithCancel(context.Background())
			listening := make(chan struct{})
			go func() { defer close(listening); sjz.Listen(ctx, 10*time.Second) }()
			t.Cleanup(func() { cancel(); <-listening })
			time.Sleep(100 * time.Millisecond) // the long poll is held

			const n = 20
			var took []time.Duration
			for i := range n {
				m, err := pj.SendPing(adminAt(panjin), shijiazhuang, "PING-"+uuid.NewString()[:8], "ping")
				require.NoError(t, err, "ping %d", i)
				committed := time.Now()
				require.Eventually(t, func() bool {
					got, err := sjzDB.Collab().FindMessage(context.Background(), m.Envelope.MessageID)
					return err == nil && got.Status == domain.MessageApplied
				}, 5*time.Second, 2*time.Millisecond, "ping %d was not applied at the other office", i)
				took = append(took, time.Since(committed))
			}
			slices.Sort(took)
			p50, p95 := took[n/2], took[n*95/100]
			t.Logf("%s: commit at Panjin → applied at Shijiazhuang over %d messages: p50 %v, p95 %v, max %v", dbKind, n, p50, p95, took[n-1])
			require.Less(t, p95, time.Second, "the message is pushed, not waiting for a poll")
		})
	}
}
