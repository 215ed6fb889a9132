package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestHcybshGenerate_KillAndRerun kills `hukou hcybsh generate` mid-run
// (SIGKILL, no chance to clean up) and reruns it: every resident ends up
// numbered exactly once, by the rule (8.1.1).
func TestHcybshGenerate_KillAndRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, dsn string) {
		env := append(os.Environ(), "DATABASE_URL="+dsn)
		seed := exec.Command(binary, "seed", "--residents", "30000", "--division", "211100", "--without-hcybsh")
		seed.Env = env
		out, err := seed.CombinedOutput()
		require.NoError(t, err, "%s", out)

		ctx := context.Background()
		db, err := storage.Open(ctx, dsn)
		require.NoError(t, err)
		defer db.Close()
		numbered := func() (n, total int) {
			require.NoError(t, db.SQL().QueryRowContext(ctx, `SELECT count(hcybsh), count(*) FROM residents`).Scan(&n, &total))
			return n, total
		}
		n, total := numbered()
		require.Zero(t, n)

		gen := exec.Command(binary, "hcybsh", "generate", "--batch", "200")
		gen.Env = env
		require.NoError(t, gen.Start())
		require.Eventually(t, func() bool { n, _ := numbered(); return n > 0 }, 60*time.Second, 20*time.Millisecond)
		require.NoError(t, gen.Process.Signal(syscall.SIGKILL))
		_ = gen.Wait()
		n, _ = numbered()
		require.Less(t, n, total, "killed mid-run")

		rerun := exec.Command(binary, "hcybsh", "generate", "--batch", "200")
		rerun.Env = env
		out, err = rerun.CombinedOutput()
		require.NoError(t, err, "%s", out)
		n, _ = numbered()
		require.Equal(t, total, n, "everyone numbered")

		// Exactly once, by the rule: compare every household with the Go reference.
		rows, err := db.SQL().QueryContext(ctx, `SELECT h.number, r.id, r.relation, r.birth_date, r.id_number, r.hcybsh
			FROM residents r JOIN households h ON h.id = r.household_id ORDER BY h.number`)
		require.NoError(t, err)
		type member struct {
			r      domain.Resident
			hcybsh string
		}
		byHousehold := map[string][]member{}
		for rows.Next() {
			var m member
			var number string
			var birth time.Time
			require.NoError(t, rows.Scan(&number, &m.r.ID, &m.r.Relation, &birth, &m.r.IDNumber, &m.hcybsh))
			m.r.BirthDate = birth
			byHousehold[number] = append(byHousehold[number], m)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		seen := map[string]bool{}
		for number, ms := range byHousehold {
			residents := make([]domain.Resident, len(ms))
			for i := range ms {
				residents[i] = ms[i].r
			}
			want, _, err := domain.AssignHcybsh(number, residents, 1)
			require.NoError(t, err)
			for _, m := range ms {
				require.Equal(t, want[m.r.ID], m.hcybsh, "household %s", number)
				require.False(t, seen[m.hcybsh], "%s twice", m.hcybsh)
				seen[m.hcybsh] = true
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, filepath.Join(t.TempDir(), "hukou.db")) })
	t.Run("postgres", func(t *testing.T) { run(t, storagetest.PostgresSchemaURL(t)) })
}
