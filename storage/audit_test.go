package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// newAuditEntry returns an audit entry by actor with every field set.
func newAuditEntry(actor string, action domain.AuditAction, at time.Time) *domain.AuditEntry {
	return &domain.AuditEntry{At: at, ActorID: actor, ActorName: "王五", OfficeCode: storagetest.AcceptanceOffice,
		Action: action, Operation: "resident", SubjectType: "Resident", SubjectID: uuid.NewString(),
		Detail: `{"fields":["idNumber"]}`, RemoteAddr: "10.0.0.7:52100"}
}

// auditOf returns every audit entry of actor, newest first.
func auditOf(t *testing.T, repos domain.Repos, actor string) []*domain.AuditEntry {
	t.Helper()
	page, err := repos.Audit().FindAuditEntries(context.Background(), domain.AuditFilter{ActorID: actor}, domain.Page{First: 10_000})
	require.NoError(t, err)
	require.False(t, page.HasNextPage)
	return page.Entries
}

// countAudit counts actor's audit entries (-1 when the query fails); it is
// safe to call off the test's goroutine.
func countAudit(db *storage.DB, actor string) int {
	page, err := db.Audit().FindAuditEntries(context.Background(), domain.AuditFilter{ActorID: actor}, domain.Page{First: 10_000})
	if err != nil {
		return -1
	}
	return len(page.Entries)
}

func TestAuditRepository_AppendAudit(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			actor := uuid.NewString()
			entries := []*domain.AuditEntry{
				newAuditEntry(actor, "READ", storagetest.T0),
				newAuditEntry(actor, "CHANGE", storagetest.T0.Add(time.Second)),
				{At: storagetest.T0.Add(2 * time.Second), ActorID: actor, Action: "LOGIN", Operation: "login"}, // optional fields empty
			}
			require.NoError(t, db.Audit().AppendAudit(ctx, entries...))
			got := auditOf(t, db, actor)
			require.Len(t, got, 3)
			for i, e := range got {
				want := *entries[2-i] // newest first
				require.Positive(t, e.ID)
				want.ID = e.ID
				require.Equal(t, &want, utc(e))
			}
			require.Greater(t, got[0].ID, got[1].ID)
			require.Greater(t, got[1].ID, got[2].ID)
		})

		t.Run("Nothing", func(t *testing.T) {
			require.NoError(t, db.Audit().AppendAudit(ctx))
		})

		t.Run("InTx", func(t *testing.T) {
			actor := uuid.NewString()
			err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				require.NoError(t, tx.Audit().AppendAudit(ctx, newAuditEntry(actor, "CHANGE", storagetest.T0)))
				return fmt.Errorf("the change failed")
			})
			require.Error(t, err)
			require.Empty(t, auditOf(t, db, actor), "rolled back with the change it records")
		})

		t.Run("AppendOnly", func(t *testing.T) {
			actor := uuid.NewString()
			require.NoError(t, db.Audit().AppendAudit(ctx, newAuditEntry(actor, "READ", storagetest.T0)))
			for _, q := range []string{
				"UPDATE audit_log SET detail = 'nothing to see' WHERE actor_id = ?",
				"UPDATE audit_log SET actor_id = 'someone else'",
				"DELETE FROM audit_log WHERE actor_id = ?",
				"DELETE FROM audit_log",
			} {
				var args []any
				if n := len(q); q[n-1] == '?' {
					args = append(args, actor)
				}
				_, err := db.SQL().ExecContext(ctx, db.Rebind(q), args...)
				require.ErrorContains(t, err, "append-only", q)
			}
			got := auditOf(t, db, actor)
			require.Len(t, got, 1)
			require.Equal(t, `{"fields":["idNumber"]}`, got[0].Detail)
		})
	})
}

func TestAuditRepository_FindAuditEntries(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := func(minutes int) time.Time { return storagetest.T0.Add(time.Duration(minutes) * time.Minute) }
		alice, bob := uuid.NewString(), uuid.NewString()
		e1 := newAuditEntry(alice, "READ", at(0))
		e2 := newAuditEntry(bob, "CHANGE", at(1))
		e3 := newAuditEntry(alice, "CHANGE", at(2))
		e3.SubjectType, e3.SubjectID = "Case", "case-1"
		e4 := newAuditEntry(alice, "DENIED", at(3))
		e4.SubjectType, e4.SubjectID = "Case", "case-1"
		e5 := newAuditEntry(bob, "LOGIN", at(4))
		e5.SubjectType, e5.SubjectID = "", ""
		require.NoError(t, db.Audit().AppendAudit(ctx, e1, e2))
		require.NoError(t, db.Audit().AppendAudit(ctx, e3))
		require.NoError(t, db.Audit().AppendAudit(ctx, e4, e5))
		// Entries get their IDs only in the database: compare by content.
		keys := func(es ...*domain.AuditEntry) []string {
			out := make([]string, len(es))
			for i, e := range es {
				out[i] = fmt.Sprintf("%s|%s|%s|%s", e.ActorID, e.Action, e.SubjectID, e.At.UTC().Format(time.RFC3339Nano))
			}
			return out
		}

		t.Run("NewestFirst", func(t *testing.T) {
			page, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Equal(t, keys(e5, e4, e3, e2, e1), keys(page.Entries...))
			require.False(t, page.HasNextPage)
		})

		t.Run("Paging", func(t *testing.T) {
			var got []*domain.AuditEntry
			p := domain.Page{First: 2}
			for pages := 1; ; pages++ {
				page, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{}, p)
				require.NoError(t, err)
				got = append(got, page.Entries...)
				require.NotEmpty(t, page.EndCursor)
				if !page.HasNextPage {
					require.Equal(t, 3, pages)
					break
				}
				p.After = page.EndCursor
			}
			require.Equal(t, keys(e5, e4, e3, e2, e1), keys(got...))
		})

		t.Run("Empty", func(t *testing.T) {
			page, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{ActorID: "nobody"}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Empty(t, page.Entries)
			require.False(t, page.HasNextPage)
			require.Empty(t, page.EndCursor)
		})

		for _, tt := range []struct {
			name string
			f    domain.AuditFilter
			want []*domain.AuditEntry
		}{
			{"ActorID", domain.AuditFilter{ActorID: bob}, []*domain.AuditEntry{e5, e2}},
			{"Action", domain.AuditFilter{Action: "CHANGE"}, []*domain.AuditEntry{e3, e2}},
			{"SubjectType", domain.AuditFilter{SubjectType: "Case"}, []*domain.AuditEntry{e4, e3}},
			{"SubjectID", domain.AuditFilter{SubjectID: e1.SubjectID}, []*domain.AuditEntry{e1}},
			{"SinceIsInclusive", domain.AuditFilter{Since: ptr(at(3))}, []*domain.AuditEntry{e5, e4}},
			{"UntilIsExclusive", domain.AuditFilter{Until: ptr(at(1))}, []*domain.AuditEntry{e1}},
			{"SinceUntil", domain.AuditFilter{Since: ptr(at(1)), Until: ptr(at(3))}, []*domain.AuditEntry{e3, e2}},
			{"LocalTimes", domain.AuditFilter{Since: ptr(at(1).In(time.FixedZone("CST", 8*3600))), Until: ptr(at(3).In(time.FixedZone("CST", 8*3600)))}, []*domain.AuditEntry{e3, e2}},
			{"Combined", domain.AuditFilter{ActorID: alice, SubjectType: "Case", SubjectID: "case-1", Action: "DENIED"}, []*domain.AuditEntry{e4}},
		} {
			t.Run("Filter"+tt.name, func(t *testing.T) {
				page, err := db.Audit().FindAuditEntries(ctx, tt.f, domain.Page{First: 10})
				require.NoError(t, err)
				require.Equal(t, keys(tt.want...), keys(page.Entries...))
			})
		}

		t.Run("ErrBadCursor", func(t *testing.T) {
			for _, after := range []string{"not base64!", domain.CursorFor("seven")} {
				_, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{}, domain.Page{First: 2, After: after})
				requireCode(t, domain.CodeInvalid, err)
			}
		})
	})
}

func TestAuditWriter(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("FlushesOnClose", func(t *testing.T) {
			actor := uuid.NewString()
			w := storage.NewAuditWriter(db, time.Hour)
			for i := range 3 {
				w.Record(ctx, newAuditEntry(actor, "READ", storagetest.T0.Add(time.Duration(i)*time.Second)))
			}
			require.Empty(t, auditOf(t, db, actor), "batched until a flush")
			w.Close()
			got := auditOf(t, db, actor)
			require.Len(t, got, 3)
			require.Equal(t, storagetest.T0.Add(2*time.Second), got[0].At.UTC())
			w.Close() // a second Close is harmless
		})

		t.Run("Flush", func(t *testing.T) {
			actor := uuid.NewString()
			w := storage.NewAuditWriter(db, time.Hour)
			defer w.Close()
			w.Record(ctx, newAuditEntry(actor, "READ", storagetest.T0))
			w.Record(ctx, newAuditEntry(actor, "READ", storagetest.T0))
			w.Flush(ctx)
			require.Len(t, auditOf(t, db, actor), 2)
		})

		t.Run("FullBatch", func(t *testing.T) {
			actor := uuid.NewString()
			w := storage.NewAuditWriter(db, time.Hour)
			for range 501 {
				w.Record(ctx, newAuditEntry(actor, "READ", storagetest.T0))
			}
			require.Eventually(t, func() bool { return countAudit(db, actor) == 500 }, 10*time.Second, 10*time.Millisecond,
				"500 entries make a batch")
			w.Close()
			require.Len(t, auditOf(t, db, actor), 501)
		})

		t.Run("Interval", func(t *testing.T) {
			actor := uuid.NewString()
			w := storage.NewAuditWriter(db, 20*time.Millisecond)
			defer w.Close()
			w.Record(ctx, newAuditEntry(actor, "READ", storagetest.T0))
			require.Eventually(t, func() bool { return countAudit(db, actor) == 1 }, 10*time.Second, 10*time.Millisecond)
		})
	})
}
