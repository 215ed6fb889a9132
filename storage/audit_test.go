package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

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

func auditCount(t *testing.T, db *storage.DB, actor string) int {
	t.Helper()
	var n int
	require.NoError(t, db.Bun().NewRaw("SELECT count(*) FROM audit_log WHERE actor_name = ?", actor).Scan(context.Background(), &n))
	return n
}

// TestAuditWriter_Record checks the group-commit writer: every Record that
// returned nil is committed, concurrent Records share commits, a refused
// entry fails only its own Record (CodeUnavailable), and Close refuses more.
func TestAuditWriter(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := storage.NewAuditWriter(db)
		t.Cleanup(w.Close)

		t.Run("CommittedOnReturn", func(t *testing.T) {
			require.NoError(t, w.Record(ctx, &domain.AuditEntry{At: time.Now(), ActorName: "one", Action: domain.AuditRead, Operation: "resident"}))
			require.Equal(t, 1, auditCount(t, db, "one"), "Record returned before its entry was committed")
		})

		t.Run("GroupCommit", func(t *testing.T) {
			b0, e0 := w.Stats()
			const clients, each = 16, 25
			var wg sync.WaitGroup
			errs := make(chan error, clients*each)
			for c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						errs <- w.Record(ctx, &domain.AuditEntry{At: time.Now(), ActorName: "group", Action: domain.AuditRead,
							Operation: "resident", SubjectID: fmt.Sprintf("%d-%d", c, i)})
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Equal(t, clients*each, auditCount(t, db, "group"))
			b1, e1 := w.Stats()
			require.Equal(t, int64(clients*each), e1-e0)
			require.Less(t, b1-b0, int64(clients*each), "concurrent entries must share commits")
			t.Logf("%d entries in %d commits", e1-e0, b1-b0)
		})

		t.Run("ErrRefusedEntry", func(t *testing.T) {
			// A trigger refuses entries of one actor: that Record fails with
			// CodeUnavailable, the entries committed beside it do not.
			if db.Dialect() == storage.Postgres {
				_, err := db.Bun().ExecContext(ctx, `CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.actor_name = 'poison' THEN RAISE EXCEPTION 'poison'; END IF; RETURN NEW; END $$`)
				require.NoError(t, err)
				_, err = db.Bun().ExecContext(ctx, `CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_poison()`)
				require.NoError(t, err)
			} else {
				_, err := db.Bun().ExecContext(ctx, `CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_log WHEN NEW.actor_name = 'poison'
BEGIN SELECT RAISE(ABORT, 'poison'); END`)
				require.NoError(t, err)
			}
			var wg sync.WaitGroup
			results := make([]error, 20)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					name := "healthy"
					if i%5 == 0 {
						name = "poison"
					}
					results[i] = w.Record(ctx, &domain.AuditEntry{At: time.Now(), ActorName: name, Action: domain.AuditRead, Operation: "resident"})
				}()
			}
			wg.Wait()
			for i, err := range results {
				if i%5 == 0 {
					require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
				} else {
					require.NoError(t, err)
				}
			}
			require.Equal(t, 16, auditCount(t, db, "healthy"))
			require.Zero(t, auditCount(t, db, "poison"))
		})

		t.Run("Bounded", func(t *testing.T) {
			// A hostile value is cut (and cleaned) before it is written.
			huge := strings.Repeat("户", 400_000) // 1.2 MB
			require.NoError(t, w.Record(ctx, &domain.AuditEntry{At: time.Now(), ActorName: huge, Action: domain.AuditLogin,
				Operation: huge, SubjectType: huge, SubjectID: "a\x00b\xff", Detail: huge, RemoteAddr: huge}))
			page, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{Action: domain.AuditLogin}, domain.Page{First: 1})
			require.NoError(t, err)
			require.Len(t, page.Entries, 1)
			e := page.Entries[0]
			for _, f := range []struct {
				v   string
				max int
			}{{e.ActorName, 64}, {e.Operation, 100}, {e.SubjectType, 30}, {e.SubjectID, 64}, {e.Detail, 16 << 10}, {e.RemoteAddr, 64}} {
				require.LessOrEqual(t, len(f.v), f.max)
				require.True(t, utf8.ValidString(f.v))
			}
			require.True(t, strings.HasSuffix(e.ActorName, "…"))
			require.Equal(t, "a\uFFFDb\uFFFD", e.SubjectID)
		})

		t.Run("ErrClosed", func(t *testing.T) {
			w2 := storage.NewAuditWriter(db)
			require.NoError(t, w2.Record(ctx, &domain.AuditEntry{At: time.Now(), ActorName: "before-close", Action: domain.AuditRead, Operation: "x"}))
			w2.Close()
			err := w2.Record(ctx, &domain.AuditEntry{At: time.Now(), ActorName: "after-close", Action: domain.AuditRead, Operation: "x"})
			require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
			require.Equal(t, 1, auditCount(t, db, "before-close"))
		})
	})
}
