package resolvers_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

const (
	startHcybshMutation = `mutation { startHcybshGeneration { id state householdsDone householdsTotal residentsNumbered error startedAt finishedAt } }`
	hcybshRunQuery      = `query($id: ID) { hcybshRun(id: $id) { id state householdsDone householdsTotal residentsNumbered error startedAt updatedAt finishedAt } }`
)

type hcybshRunJSON struct {
	ID                string     `json:"id"`
	State             string     `json:"state"`
	HouseholdsDone    int        `json:"householdsDone"`
	HouseholdsTotal   int        `json:"householdsTotal"`
	ResidentsNumbered int        `json:"residentsNumbered"`
	Error             string     `json:"error"`
	FinishedAt        *time.Time `json:"finishedAt"`
}

// TestHcybshGeneration_StartedThroughGraphQLRunsAsAJob starts a full
// generation as an ADMIN through GraphQL, works it with the real job queue
// and follows its progress to DONE with every resident numbered.
func TestHcybshGeneration_StartedThroughGraphQLRunsAsAJob(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := setup(t, db)
		// The register as it stands before the first generation: nobody numbered.
		for _, q := range []string{"UPDATE residents SET hcybsh = NULL", "DELETE FROM hcybsh_counters"} {
			_, err := db.SQL().ExecContext(ctx, q)
			require.NoError(t, err)
		}
		var total, households int
		require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT count(*), count(DISTINCT household_id) FROM residents").Scan(&total, &households))
		b.res.Hcybsh = &domain.HcybshService{DB: db, Now: time.Now, BatchHouseholds: 97}
		q, err := queue.New(db, queue.Config{PollInterval: 50 * time.Millisecond})
		require.NoError(t, err)
		t.Cleanup(func() { _ = q.Stop(context.Background()) })

		// Not for officers.
		requireError(t, b.do(t, b.token(t, b.officer), startHcybshMutation, nil), "FORBIDDEN", "", "auth.role")
		requireError(t, b.do(t, b.token(t, b.officer), hcybshRunQuery, nil), "FORBIDDEN", "", "auth.role")
		var none struct{ HcybshRun *hcybshRunJSON }
		b.do(t, b.token(t, b.admin), hcybshRunQuery, nil).ok(t, &none)
		require.Nil(t, none.HcybshRun, "no run yet")

		// Started: RUNNING, nothing done yet (the queue is not working jobs).
		var started struct{ StartHcybshGeneration hcybshRunJSON }
		b.do(t, b.token(t, b.admin), startHcybshMutation, nil).ok(t, &started)
		run := started.StartHcybshGeneration
		require.Equal(t, "RUNNING", run.State)
		require.Equal(t, households, run.HouseholdsTotal)
		require.Zero(t, run.HouseholdsDone)
		require.Nil(t, run.FinishedAt)
		// A second start while it runs is refused.
		requireError(t, b.do(t, b.token(t, b.admin), startHcybshMutation, nil), "CONFLICT", "", "")

		// Work it and follow the progress.
		require.NoError(t, q.Start(ctx))
		var got hcybshRunJSON
		require.Eventually(t, func() bool {
			var out struct{ HcybshRun *hcybshRunJSON }
			r := b.do(t, b.token(t, b.admin), hcybshRunQuery, map[string]any{"id": run.ID})
			r.ok(t, &out)
			require.NotNil(t, out.HcybshRun)
			require.NotEqual(t, "FAILED", out.HcybshRun.State, "error: %s", out.HcybshRun.Error)
			got = *out.HcybshRun
			return got.State == "DONE"
		}, 60*time.Second, 100*time.Millisecond)
		require.Equal(t, hcybshRunJSON{ID: run.ID, State: "DONE", HouseholdsDone: households, HouseholdsTotal: households,
			ResidentsNumbered: total, FinishedAt: got.FinishedAt}, got)
		require.NotNil(t, got.FinishedAt)
		var unnumbered, distinct int
		require.NoError(t, db.SQL().QueryRowContext(ctx, "SELECT count(*) - count(hcybsh), count(DISTINCT hcybsh) FROM residents").Scan(&unnumbered, &distinct))
		require.Zero(t, unnumbered)
		require.Equal(t, total, distinct)

		// The newest run is the default; a new run may start once it is done.
		var latest struct{ HcybshRun *hcybshRunJSON }
		b.do(t, b.token(t, b.admin), hcybshRunQuery, nil).ok(t, &latest)
		require.Equal(t, run.ID, latest.HcybshRun.ID)
		var again struct{ StartHcybshGeneration hcybshRunJSON }
		b.do(t, b.token(t, b.admin), startHcybshMutation, nil).ok(t, &again)
		require.NotEqual(t, run.ID, again.StartHcybshGeneration.ID)
		require.Eventually(t, func() bool {
			var out struct{ HcybshRun json.RawMessage }
			b.do(t, b.token(t, b.admin), hcybshRunQuery, map[string]any{"id": again.StartHcybshGeneration.ID}).ok(t, &out)
			var r hcybshRunJSON
			require.NoError(t, json.Unmarshal(out.HcybshRun, &r))
			return r.State == "DONE" && r.ResidentsNumbered == 0
		}, 60*time.Second, 100*time.Millisecond, "a second run numbers nobody")
	})
}
