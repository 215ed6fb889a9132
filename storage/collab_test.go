package storage_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// requireChain checks that log is the whole message log in order: gap-free
// from Seq 1, each entry chained to the one before, each LogHash matching the
// entry as stored.
func requireChain(t *testing.T, log []*domain.CollabMessage) {
	t.Helper()
	prev := domain.GenesisHash
	for i, m := range log {
		require.Equal(t, int64(i+1), m.Seq, "entry %d", i)
		require.Equal(t, prev, m.PrevHash, "entry %d chains to the one before", m.Seq)
		require.Equal(t, domain.ChainHash(m.PrevHash, m.Seq, m.Direction, &m.Envelope), m.LogHash, "entry %d as stored matches its hash", m.Seq)
		prev = m.LogHash
	}
}

// wholeLog returns every entry of the log, in order.
func wholeLog(t *testing.T, repos domain.Repos) []*domain.CollabMessage {
	t.Helper()
	log, err := repos.Collab().LogRange(context.Background(), 0, 1_000_000)
	require.NoError(t, err)
	return log
}

func TestCollabRepository_AppendMessage(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			in := storagetest.AppendMessage(t, db, "IN")
			require.Equal(t, int64(1), in.Seq)
			require.Equal(t, domain.GenesisHash, in.PrevHash)
			require.Equal(t, domain.ChainHash(domain.GenesisHash, 1, "IN", &in.Envelope), in.LogHash)

			out := storagetest.AppendMessage(t, db, "OUT", func(m *domain.CollabMessage) {
				m.Envelope.Attachments, m.Envelope.ReplyToHash, m.DeadlineAt, m.LastError, m.Attempts = nil, "", nil, "", 0
			})
			require.Equal(t, int64(2), out.Seq)
			require.Equal(t, in.LogHash, out.PrevHash)

			for _, want := range []*domain.CollabMessage{in, out} {
				got, err := db.Collab().FindMessage(ctx, want.Envelope.MessageID)
				require.NoError(t, err)
				require.Equal(t, want, utc(got))
				require.NoError(t, got.Envelope.Verify(devPublicKey(got.Envelope.SenderOffice)), "the signed bytes survive storage")
			}
			requireChain(t, wholeLog(t, db))
		})

		t.Run("DuplicateMessageID", func(t *testing.T) {
			first := storagetest.AppendMessage(t, db, "IN")
			before := wholeLog(t, db)
			again := storagetest.NewMessage("IN", func(m *domain.CollabMessage) { m.Envelope = first.Envelope })
			inserted, err := db.Collab().AppendMessage(ctx, again)
			require.NoError(t, err)
			require.False(t, inserted)
			require.Zero(t, again.Seq)
			require.Equal(t, before, wholeLog(t, db), "nothing is logged")
		})

		t.Run("ErrSameCaseSeq", func(t *testing.T) {
			// Two different messages of one sender may not claim the same
			// place in a case's order.
			first := storagetest.AppendMessage(t, db, "IN", func(m *domain.CollabMessage) { m.Envelope.CaseSeq = 3 })
			before := wholeLog(t, db)
			_, err := db.Collab().AppendMessage(ctx, storagetest.NewMessage("IN", func(m *domain.CollabMessage) {
				m.Envelope.CollabNo, m.Envelope.CaseSeq = first.Envelope.CollabNo, 3
			}))
			requireCode(t, domain.CodeConflict, err)
			require.Equal(t, before, wholeLog(t, db), "nothing is logged")
			next := storagetest.AppendMessage(t, db, "OUT")
			require.Equal(t, before[len(before)-1].Seq+1, next.Seq, "the head did not move")
		})

		t.Run("ConcurrentAppendsChain", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for i := range 16 {
				wg.Go(func() {
					dir := domain.Direction("IN")
					if i%2 == 0 {
						dir = "OUT"
					}
					_, err := db.Collab().AppendMessage(ctx, storagetest.NewMessage(dir))
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			requireChain(t, wholeLog(t, db))
		})

		t.Run("ConcurrentDuplicates", func(t *testing.T) {
			// Deliveries of the same message racing each other: one logs it,
			// the others are told it already was.
			env := storagetest.NewMessage("IN").Envelope
			var inserted atomic.Int32
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				wg.Go(func() {
					ok, err := db.Collab().AppendMessage(ctx, storagetest.NewMessage("IN", func(m *domain.CollabMessage) { m.Envelope = env }))
					if ok {
						inserted.Add(1)
					}
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Equal(t, int32(1), inserted.Load())
			requireChain(t, wholeLog(t, db))
		})

		t.Run("InTx", func(t *testing.T) {
			var a, b *domain.CollabMessage
			require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				a = storagetest.AppendMessage(t, tx, "OUT")
				b = storagetest.AppendMessage(t, tx, "OUT")
				return nil
			}))
			require.Equal(t, a.Seq+1, b.Seq)
			require.Equal(t, a.LogHash, b.PrevHash)
			requireChain(t, wholeLog(t, db))
		})
	})
}

// devPublicKey returns the development public key of office.
func devPublicKey(office string) ed25519.PublicKey {
	_, priv := domain.DevKey(office)
	return priv.Public().(ed25519.PublicKey)
}

func TestCollabRepository_FindMessage(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			m := storagetest.AppendMessage(t, db, "IN")
			got, err := db.Collab().FindMessage(ctx, m.Envelope.MessageID)
			require.NoError(t, err)
			require.Equal(t, m, utc(got))
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Collab().FindMessage(ctx, "msg-none")
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestCollabRepository_SetMessageStatus(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			m := storagetest.AppendMessage(t, db, "OUT")
			require.NoError(t, db.Collab().SetMessageStatus(ctx, m.Envelope.MessageID, "PENDING", "SENT", "", true))
			got, err := db.Collab().FindMessage(ctx, m.Envelope.MessageID)
			require.NoError(t, err)
			require.Equal(t, domain.MessageStatus("SENT"), got.Status)
			require.Equal(t, m.Attempts+1, got.Attempts)
			require.Empty(t, got.LastError)
			require.WithinDuration(t, time.Now(), got.UpdatedAt, time.Minute)
			require.Equal(t, m.Envelope, got.Envelope, "the logged envelope never changes")
			require.Equal(t, m.LogHash, got.LogHash)
		})

		t.Run("NotAttempted", func(t *testing.T) {
			m := storagetest.AppendMessage(t, db, "IN")
			require.NoError(t, db.Collab().SetMessageStatus(ctx, m.Envelope.MessageID, "RECEIVED", "FAILED", "no handler for APPLICATION", false))
			got, err := db.Collab().FindMessage(ctx, m.Envelope.MessageID)
			require.NoError(t, err)
			require.Equal(t, domain.MessageStatus("FAILED"), got.Status)
			require.Equal(t, m.Attempts, got.Attempts)
			require.Equal(t, "no handler for APPLICATION", got.LastError)
		})

		t.Run("ErrWrongStatus", func(t *testing.T) {
			m := storagetest.AppendMessage(t, db, "OUT")
			require.NoError(t, db.Collab().SetMessageStatus(ctx, m.Envelope.MessageID, "PENDING", "SENT", "", true))
			// A second worker still believes it is PENDING.
			err := db.Collab().SetMessageStatus(ctx, m.Envelope.MessageID, "PENDING", "DEAD", "gave up", true)
			requireCode(t, domain.CodeConflict, err)
			got, err := db.Collab().FindMessage(ctx, m.Envelope.MessageID)
			require.NoError(t, err)
			require.Equal(t, domain.MessageStatus("SENT"), got.Status)
			require.Equal(t, m.Attempts+1, got.Attempts)
			require.Empty(t, got.LastError)
		})
	})
}

// messageIDs returns the message IDs of log entries, in order.
func messageIDs(ms []*domain.CollabMessage) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Envelope.MessageID
	}
	return ids
}

func TestCollabRepository_FindMessages(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := func(minutes int) *time.Time { return ptr(storagetest.T0.Add(time.Duration(minutes) * time.Minute)) }
		mk := func(dir domain.Direction, status domain.MessageStatus, deadline *time.Time, mods ...func(*domain.CollabMessage)) *domain.CollabMessage {
			return storagetest.AppendMessage(t, db, dir, append([]func(*domain.CollabMessage){func(m *domain.CollabMessage) {
				m.Status, m.DeadlineAt = status, deadline
			}}, mods...)...)
		}
		outPending := mk("OUT", "PENDING", at(10))
		inReceived := mk("IN", "RECEIVED", at(20), func(m *domain.CollabMessage) { m.Envelope.CollabNo = outPending.Envelope.CollabNo })
		outSent := mk("OUT", "SENT", at(-10)) // overdue, but no longer waiting
		inApplied := mk("IN", "APPLIED", nil)
		outPendingLate := mk("OUT", "PENDING", at(-5))
		newestFirst := messageIDs([]*domain.CollabMessage{outPendingLate, inApplied, outSent, inReceived, outPending})

		t.Run("NewestFirst", func(t *testing.T) {
			page, err := db.Collab().FindMessages(ctx, domain.CollabMessageFilter{}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Equal(t, newestFirst, messageIDs(page.Messages))
			require.False(t, page.HasNextPage)
			require.Equal(t, outPendingLate, utc(page.Messages[0]))
		})

		t.Run("Paging", func(t *testing.T) {
			var ids []string
			p := domain.Page{First: 2}
			for pages := 1; ; pages++ {
				page, err := db.Collab().FindMessages(ctx, domain.CollabMessageFilter{}, p)
				require.NoError(t, err)
				ids = append(ids, messageIDs(page.Messages)...)
				if !page.HasNextPage {
					require.Equal(t, 3, pages)
					break
				}
				p.After = page.EndCursor
			}
			require.Equal(t, newestFirst, ids)
		})

		t.Run("Empty", func(t *testing.T) {
			page, err := db.Collab().FindMessages(ctx, domain.CollabMessageFilter{CollabNo: "XT-NONE"}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Empty(t, page.Messages)
			require.False(t, page.HasNextPage)
			require.Empty(t, page.EndCursor)
		})

		for _, tt := range []struct {
			name string
			f    domain.CollabMessageFilter
			want []*domain.CollabMessage
		}{
			{"CollabNo", domain.CollabMessageFilter{CollabNo: outPending.Envelope.CollabNo}, []*domain.CollabMessage{inReceived, outPending}},
			{"Direction", domain.CollabMessageFilter{Direction: "IN"}, []*domain.CollabMessage{inApplied, inReceived}},
			{"Statuses", domain.CollabMessageFilter{Statuses: []domain.MessageStatus{"PENDING", "APPLIED"}}, []*domain.CollabMessage{outPendingLate, inApplied, outPending}},
			{"OverdueAt", domain.CollabMessageFilter{OverdueAt: at(15)}, []*domain.CollabMessage{outPendingLate, outPending}},
			{"OverdueAtLocalTime", domain.CollabMessageFilter{OverdueAt: ptr(at(15).In(time.FixedZone("CST", 8*3600)))}, []*domain.CollabMessage{outPendingLate, outPending}},
			{"OverdueAtReceived", domain.CollabMessageFilter{OverdueAt: at(21), Direction: "IN"}, []*domain.CollabMessage{inReceived}},
			{"Combined", domain.CollabMessageFilter{Direction: "OUT", Statuses: []domain.MessageStatus{"PENDING"}, CollabNo: outPending.Envelope.CollabNo}, []*domain.CollabMessage{outPending}},
		} {
			t.Run("Filter"+tt.name, func(t *testing.T) {
				page, err := db.Collab().FindMessages(ctx, tt.f, domain.Page{First: 10})
				require.NoError(t, err)
				require.Equal(t, messageIDs(tt.want), messageIDs(page.Messages))
			})
		}

		t.Run("ErrBadCursor", func(t *testing.T) {
			for _, after := range []string{"not base64!", domain.CursorFor("seven")} {
				_, err := db.Collab().FindMessages(ctx, domain.CollabMessageFilter{}, domain.Page{First: 2, After: after})
				requireCode(t, domain.CodeInvalid, err)
			}
		})
	})
}

func TestCollabRepository_LogRange(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var want []*domain.CollabMessage
		for i := range 5 {
			dir := domain.Direction("IN")
			if i%2 == 1 {
				dir = "OUT"
			}
			want = append(want, storagetest.AppendMessage(t, db, dir))
		}

		t.Run("OK", func(t *testing.T) {
			got, err := db.Collab().LogRange(ctx, 0, 2)
			require.NoError(t, err)
			require.Equal(t, want[:2], utc(got))
			got, err = db.Collab().LogRange(ctx, 2, 10)
			require.NoError(t, err)
			require.Equal(t, want[2:], utc(got))
			got, err = db.Collab().LogRange(ctx, 5, 10)
			require.NoError(t, err)
			require.Empty(t, got)
		})

		t.Run("HashChain", func(t *testing.T) {
			log := wholeLog(t, db)
			require.Len(t, log, 5)
			requireChain(t, log)
		})

		t.Run("TamperingBreaksTheChain", func(t *testing.T) {
			_, err := db.SQL().ExecContext(ctx, db.Rebind("UPDATE collab_messages SET body = ? WHERE seq = 3"), `{"name":"李四"}`)
			require.NoError(t, err)
			log := wholeLog(t, db)
			require.NotEqual(t, domain.ChainHash(log[2].PrevHash, log[2].Seq, log[2].Direction, &log[2].Envelope), log[2].LogHash)
		})
	})
}

func TestCollabRepository_ReceivedInOrder(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		in := func(sender, collabNo string, caseSeq int64, status domain.MessageStatus) *domain.CollabMessage {
			return storagetest.AppendMessage(t, db, "IN", func(m *domain.CollabMessage) {
				m.Envelope.SenderOffice, m.Envelope.CollabNo, m.Envelope.CaseSeq, m.Status = sender, collabNo, caseSeq, status
			})
		}
		// Logged in the order they arrived, not the order to apply them.
		b2 := in("320102000100", "XT-B", 2, "RECEIVED")
		a2 := in("110101000100", "XT-A", 2, "RECEIVED")
		b1 := in("320102000100", "XT-B", 1, "RECEIVED")
		in("110101000100", "XT-A", 1, "APPLIED")
		require.NoError(t, db.Collab().SetAppliedCaseSeq(ctx, "110101000100", "XT-A", 0, 1))
		a3 := in("110101000100", "XT-A", 3, "RECEIVED")
		z1 := in("110101000100", "XT-Z", 1, "RECEIVED")
		u0 := in("320102000100", "XT-U", 0, "RECEIVED")                                                  // unordered
		storagetest.AppendMessage(t, db, "OUT", func(m *domain.CollabMessage) { m.Status = "RECEIVED" }) // outgoing: never applied here
		in("110101000100", "XT-F", 1, "FAILED")

		t.Run("OK", func(t *testing.T) {
			// Only what is ready: a3 waits for a2, b2 for b1.
			got, err := db.Collab().ReceivedInOrder(ctx, 10)
			require.NoError(t, err)
			require.Equal(t, messageIDs([]*domain.CollabMessage{a2, z1, b1, u0}), messageIDs(got))
			require.Equal(t, b1, utc(got[2]))
			require.NotContains(t, messageIDs(got), a3.Envelope.MessageID)
			require.NotContains(t, messageIDs(got), b2.Envelope.MessageID)
		})

		t.Run("Limit", func(t *testing.T) {
			got, err := db.Collab().ReceivedInOrder(ctx, 2)
			require.NoError(t, err)
			require.Equal(t, messageIDs([]*domain.CollabMessage{a2, z1}), messageIDs(got))
		})
	})
}

// TestCollabRepository_CaseSeqSlot: a case sequence number is held only by
// a message that can still apply; a dead letter (a forgery that arrived
// first) does not keep the genuine message out, and unordered messages
// (case sequence 0) never collide.
func TestCollabRepository_CaseSeqSlot(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		forged := storagetest.AppendMessage(t, db, "IN", func(m *domain.CollabMessage) { m.Envelope.CaseSeq, m.Status = 1, "FAILED" })
		_, err := db.Collab().FindReceivedBySeq(ctx, forged.Envelope.SenderOffice, forged.Envelope.CollabNo, 1)
		requireCode(t, domain.CodeNotFound, err)
		genuine := storagetest.AppendMessage(t, db, "IN", func(m *domain.CollabMessage) {
			m.Envelope.CollabNo, m.Envelope.CaseSeq = forged.Envelope.CollabNo, 1
		})
		holder, err := db.Collab().FindReceivedBySeq(ctx, forged.Envelope.SenderOffice, forged.Envelope.CollabNo, 1)
		require.NoError(t, err)
		require.Equal(t, genuine.Envelope.MessageID, holder.Envelope.MessageID)
		// Replaying the forgery now would take the slot twice.
		err = db.Collab().SetMessageStatus(ctx, forged.Envelope.MessageID, "FAILED", "RECEIVED", "replayed", false)
		requireCode(t, domain.CodeConflict, err)
		for range 2 {
			storagetest.AppendMessage(t, db, "IN", func(m *domain.CollabMessage) { m.Envelope.CollabNo, m.Envelope.CaseSeq = "XT-UNORDERED", 0 })
		}
	})
}

func TestCollabRepository_PeerKeys(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, err := db.Collab().FindPeerKey(ctx, "hebei-2")
		requireCode(t, domain.CodeNotFound, err)
		at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
		k := &domain.PeerKey{KeyID: "hebei-2", PublicKey: devPublicKey("130100000000"), Offices: []string{"13", "3201"}, Source: domain.PeerKeyAnnounced,
			NotAfter: at.Add(365 * 24 * time.Hour), AnnouncedBy: "hebei-1", SenderOffice: "130100000000", MessageID: "msg-1", CreatedAt: at}
		require.NoError(t, db.Collab().CreatePeerKey(ctx, k))
		got, err := db.Collab().FindPeerKey(ctx, "hebei-2")
		require.NoError(t, err)
		require.Equal(t, k, got)
		requireCode(t, domain.CodeConflict, db.Collab().CreatePeerKey(ctx, k))
		first := *k
		first.KeyID, first.NotAfter = "anhui-1", time.Time{}
		require.NoError(t, db.Collab().CreatePeerKey(ctx, &first))
		all, err := db.Collab().FindPeerKeys(ctx)
		require.NoError(t, err)
		require.Equal(t, []*domain.PeerKey{&first, k}, all)
	})
}

func TestCollabRepository_NextCaseSeq(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		next := func(repos domain.Repos, sender, collabNo string) int64 {
			t.Helper()
			n, err := repos.Collab().NextCaseSeq(ctx, sender, collabNo)
			require.NoError(t, err)
			return n
		}

		t.Run("OK", func(t *testing.T) {
			require.Equal(t, int64(1), next(db, storagetest.AcceptanceOffice, "XT-1"))
			require.Equal(t, int64(2), next(db, storagetest.AcceptanceOffice, "XT-1"))
			require.Equal(t, int64(3), next(db, storagetest.AcceptanceOffice, "XT-1"))
			require.Equal(t, int64(1), next(db, storagetest.AcceptanceOffice, "XT-2"), "per case")
			require.Equal(t, int64(1), next(db, storagetest.RegistrationOffice, "XT-1"), "per sender")

			applied, err := db.Collab().AppliedCaseSeq(ctx, storagetest.AcceptanceOffice, "XT-1")
			require.NoError(t, err)
			require.Zero(t, applied, "sending does not count as applying")
		})

		t.Run("RolledBackWithTheTransaction", func(t *testing.T) {
			require.Equal(t, int64(1), next(db, storagetest.AcceptanceOffice, "XT-3"))
			boom := errors.New("boom")
			err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				require.Equal(t, int64(2), next(tx, storagetest.AcceptanceOffice, "XT-3"))
				return boom
			})
			require.ErrorIs(t, err, boom)
			require.Equal(t, int64(2), next(db, storagetest.AcceptanceOffice, "XT-3"), "no gap")
		})

		t.Run("Concurrent", func(t *testing.T) {
			var wg sync.WaitGroup
			seqs := make(chan int64, 10)
			for range 10 {
				wg.Go(func() {
					n, err := db.Collab().NextCaseSeq(ctx, storagetest.AcceptanceOffice, "XT-4")
					if err != nil {
						t.Error(err)
					}
					seqs <- n
				})
			}
			wg.Wait()
			close(seqs)
			seen := map[int64]bool{}
			for n := range seqs {
				require.False(t, seen[n], "seq %d handed out twice", n)
				seen[n] = true
			}
			for n := int64(1); n <= 10; n++ {
				require.True(t, seen[n], "seq %d never handed out", n)
			}
		})
	})
}

func TestCollabRepository_SetAppliedCaseSeq(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		applied := func(sender, collabNo string) int64 {
			t.Helper()
			n, err := db.Collab().AppliedCaseSeq(ctx, sender, collabNo)
			require.NoError(t, err)
			return n
		}
		sender := storagetest.RegistrationOffice

		t.Run("OK", func(t *testing.T) {
			require.Zero(t, applied(sender, "XT-1"))
			require.NoError(t, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-1", 0, 1))
			require.Equal(t, int64(1), applied(sender, "XT-1"))
			require.NoError(t, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-1", 1, 2))
			require.Equal(t, int64(2), applied(sender, "XT-1"))
			require.Zero(t, applied(sender, "XT-2"), "per case")
			require.Zero(t, applied(storagetest.AcceptanceOffice, "XT-1"), "per sender")

			n, err := db.Collab().NextCaseSeq(ctx, sender, "XT-1")
			require.NoError(t, err)
			require.Equal(t, int64(1), n, "applying does not count as sending")
		})

		t.Run("ErrStale", func(t *testing.T) {
			require.NoError(t, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-3", 0, 1))
			// Two workers both saw 0; the second loses.
			requireCode(t, domain.CodeConflict, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-3", 0, 1))
			require.NoError(t, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-3", 1, 2))
			requireCode(t, domain.CodeConflict, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-3", 1, 2))
			requireCode(t, domain.CodeConflict, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-3", 3, 4))
			require.Equal(t, int64(2), applied(sender, "XT-3"))
		})

		t.Run("ErrStaleNoneYet", func(t *testing.T) {
			requireCode(t, domain.CodeConflict, db.Collab().SetAppliedCaseSeq(ctx, sender, "XT-4", 1, 2))
			require.Zero(t, applied(sender, "XT-4"))
		})
	})
}

func TestCollabRepository_Cursor(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			v, err := db.Collab().Cursor(ctx, "inbox")
			require.NoError(t, err)
			require.Empty(t, v, "unset")

			require.NoError(t, db.Collab().SetCursor(ctx, "inbox", "c-1"))
			require.NoError(t, db.Collab().SetCursor(ctx, "other", "o-1"))
			require.NoError(t, db.Collab().SetCursor(ctx, "inbox", "c-2"))
			v, err = db.Collab().Cursor(ctx, "inbox")
			require.NoError(t, err)
			require.Equal(t, "c-2", v)
			v, err = db.Collab().Cursor(ctx, "other")
			require.NoError(t, err)
			require.Equal(t, "o-1", v)
		})
	})
}

func TestCollabRepository_PublishCollabEvent(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		events := db.SubscribeCollabEvents(ctx)
		// next returns the next event other than a probe, or fails after a while.
		next := func() domain.CollabEvent {
			t.Helper()
			timeout := time.After(10 * time.Second)
			for {
				select {
				case e := <-events:
					if e.CollabNo != "probe" {
						return e
					}
				case <-timeout:
					t.Fatal("no event arrived")
				}
			}
		}
		// PostgreSQL's listener connects in the background: publish probes
		// until one comes back, so the events below cannot be missed.
		for i := 0; ; i++ {
			require.NoError(t, db.Collab().PublishCollabEvent(ctx, domain.CollabEvent{MessageID: fmt.Sprint("probe-", i), CollabNo: "probe"}))
			select {
			case e := <-events:
				require.Equal(t, "probe", e.CollabNo)
			case <-time.After(100 * time.Millisecond):
				require.Less(t, i, 100, "the subscription never started")
				continue
			}
			break
		}
		want := domain.CollabEvent{MessageID: "m-1", CollabNo: "XT-1", CaseKind: "BIRTH", MessageType: "DECISION",
			SenderOffice: storagetest.RegistrationOffice, ReceiverOffice: storagetest.AcceptanceOffice,
			Office: storagetest.AcceptanceOffice, AppliedAt: storagetest.T0}

		t.Run("OK", func(t *testing.T) {
			require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				return tx.Collab().PublishCollabEvent(ctx, want)
			}))
			require.Equal(t, want, utc(next()))
		})

		t.Run("NotPublishedOnRollback", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				require.NoError(t, tx.Collab().PublishCollabEvent(ctx, domain.CollabEvent{MessageID: "m-rolled-back", CollabNo: "XT-2"}))
				return boom
			})
			require.ErrorIs(t, err, boom)
			committed := want
			committed.MessageID = "m-2"
			require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				return tx.Collab().PublishCollabEvent(ctx, committed)
			}))
			require.Equal(t, "m-2", next().MessageID, "the rolled-back event never arrives")
		})

		t.Run("OnThePool", func(t *testing.T) {
			onPool := want
			onPool.MessageID = "m-3"
			require.NoError(t, db.Collab().PublishCollabEvent(ctx, onPool))
			require.Equal(t, "m-3", next().MessageID)
		})
	})
}
