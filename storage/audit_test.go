package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

func auditCount(t *testing.T, db *storage.DB, actor string) int {
	t.Helper()
	var n int
	require.NoError(t, db.Bun().NewRaw("SELECT count(*) FROM audit_log WHERE actor_name = ?", actor).Scan(context.Background(), &n))
	return n
}

// TestAuditWriter_Record checks the group-commit writer: every Record that
// returned nil is committed, concurrent Records share commits, a refused
// entry fails only its own Record (CodeUnavailable), and Close refuses more.
func TestAuditWriter_Record(t *testing.T) {
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
