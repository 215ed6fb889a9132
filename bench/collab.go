package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/google/uuid"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/platform"
	"hukou/integrations/platform/platformsim"
	"hukou/storage"
	"hukou/storage/queue"
)

// benchCollab measures a collaboration message from the sender's commit to
// the collaborationEvents event at the receiving office (two deployments on
// two throwaway databases, the platform simulator over loopback HTTP;
// delivery on commit, the inbox long poll; no job worker runs, so nothing
// arrives by a poll), beside raw: the same envelope sent to the platform
// and seen by a held inbox request, with no database on either side.
func benchCollab(ctx context.Context, baseDSN string, n int) (row, error) {
	dir, err := os.MkdirTemp("", "hukou-bench-platform")
	if err != nil {
		return row{}, err
	}
	defer os.RemoveAll(dir)
	sim, err := platformsim.New(platformsim.Config{DBPath: filepath.Join(dir, "platform.db")})
	if err != nil {
		return row{}, err
	}
	srv := httptest.NewServer(sim)
	defer func() { sim.StopWaiting(); srv.Close(); _ = sim.Close() }()

	const panjin, shijiazhuang = "211100000000", "130100000000"
	var peers []domain.PeerKey
	for _, o := range []string{panjin, shijiazhuang} {
		id, priv := domain.DevKey(o)
		peers = append(peers, domain.PeerKey{KeyID: id, PublicKey: priv.Public().(ed25519.PublicKey), Offices: []string{o[:2]}})
	}
	deploy := func(office string) (*storage.DB, *domain.CollabService, func(), error) {
		dsn, drop, err := throwaway(ctx, baseDSN)
		if err != nil {
			return nil, nil, nil, err
		}
		db, err := storage.Open(ctx, dsn)
		if err != nil {
			drop()
			return nil, nil, nil, err
		}
		closeAll := func() { db.Close(); drop() }
		if _, err := db.MigrateUp(ctx); err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		ins, err := queue.NewInserter(ctx, db)
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		db.SetJobInserter(ins)
		keyID, priv := domain.DevKey(office)
		directory, err := domain.NewPeerDirectory(peers, nil)
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		c := domain.NewCollabService(db, platform.New(httpclient.Config{BaseURL: srv.URL}),
			&domain.KeyRing{KeyID: keyID, Private: priv, Directory: directory}, office, time.Now, uuid.NewString)
		c.DeliverOnCommit = true
		return db, c, closeAll, nil
	}
	_, pj, closePJ, err := deploy(panjin)
	if err != nil {
		return row{}, err
	}
	defer closePJ()
	sjzDB, sjz, closeSJZ, err := deploy(shijiazhuang)
	if err != nil {
		return row{}, err
	}
	defer closeSJZ()
	lctx, stop := context.WithCancel(ctx)
	listening := make(chan struct{})
	go func() { defer close(listening); sjz.Listen(lctx, 20*time.Second) }()
	defer func() { stop(); <-listening }()
	events := sjzDB.SubscribeCollabEvents(lctx)
	time.Sleep(200 * time.Millisecond) // the long poll is held, the listener listens

	admin := domain.WithActor(ctx, &domain.Actor{Username: "bench", OfficeCode: panjin,
		Office: &domain.Office{Code: panjin, Level: domain.OfficeCityBureau}, Roles: []domain.Role{domain.RoleAdmin}})
	var took []time.Duration
	for i := range n {
		m, err := pj.SendPing(admin, shijiazhuang, fmt.Sprintf("BENCH-%06d", i), "ping")
		if err != nil {
			return row{}, fmt.Errorf("ping %d: %w", i, err)
		}
		committed := time.Now()
		if err := awaitEvent(events, m.Envelope.MessageID, 10*time.Second); err != nil {
			return row{}, fmt.Errorf("ping %d: %w", i, err)
		}
		took = append(took, time.Since(committed))
	}

	// Raw: the platform's own round trip, an envelope sent and a held inbox
	// request answered, acknowledged so the next wait holds again.
	client := platform.New(httpclient.Config{BaseURL: srv.URL})
	keyID, priv := domain.DevKey(panjin)
	var rawTook []time.Duration
	const rawOffice = "130200000000"
	cursor := ""
	for i := range n {
		env := domain.Envelope{MessageID: uuid.NewString(), CollabNo: fmt.Sprintf("RAW-%06d", i), CaseKind: domain.PingKind,
			MessageType: domain.PingType, SenderOffice: panjin, ReceiverOffice: rawOffice, SenderUser: "bench",
			SentAt: time.Now().UTC().Truncate(time.Microsecond), Body: []byte(`{"text":"ping"}`)}
		env.Sign(priv, keyID)
		got := make(chan error, 1)
		go func() {
			ready, err := client.WaitInbox(ctx, rawOffice, cursor, 10*time.Second)
			if err == nil && !ready {
				err = fmt.Errorf("the held request ended empty")
			}
			got <- err
		}()
		time.Sleep(time.Millisecond) // the wait is (almost always) held before the send
		start := time.Now()
		if err := client.Send(ctx, env); err != nil {
			return row{}, err
		}
		if err := <-got; err != nil {
			return row{}, err
		}
		rawTook = append(rawTook, time.Since(start))
		msgs, next, err := client.Pull(ctx, rawOffice, cursor, 10)
		if err != nil {
			return row{}, err
		}
		cursor = next
		if err := client.Ack(ctx, rawOffice, []string{msgs[0].MessageID}); err != nil {
			return row{}, err
		}
	}
	p95 := func(xs []time.Duration) time.Duration { slices.Sort(xs); return xs[len(xs)*95/100] }
	h, r := p95(took), p95(rawTook)
	ok := h <= 200*time.Millisecond
	return row{work: fmt.Sprintf("message: commit → event at the other office, p95 of %d", n),
		hukou: ms(h), raw: ms(r), ratio: h.Seconds() / r.Seconds(), goal: "≤200ms", pass: &ok,
		note: "hukou: two PostgreSQL deployments, delivery on commit + inbox long poll, store, verify, apply, NOTIFY; raw: the platform's send and held-inbox answer alone (no database, no signature check); before the long poll: 0.4–1.9 s"}, nil
}

// awaitEvent waits for the collaboration event of messageID.
func awaitEvent(events <-chan domain.CollabEvent, messageID string, limit time.Duration) error {
	timeout := time.After(limit)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				return fmt.Errorf("the event stream ended")
			}
			if e.MessageID == messageID {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("no event for message %s within %v", messageID, limit)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
