package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/certificate"
	"hukou/domain/idcard"
	"hukou/domain/migration"
	"hukou/domain/population"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// caseKinds are the kinds `hukou seed cases` generates: every Queryable one.
func caseKinds() []population.CaseKind {
	var cert *certificate.Service
	return population.CaseKindsOf((*birth.Service)(nil), (*migration.Service)(nil), cert, cert.Info(), (*idcard.Service)(nil))
}

// seededCase is what a case row holds, as generated or read back.
type seededCase struct {
	ID, Kind, Side, Status, CollabNo, Office, Applicant, Ministry, Result string
}

func generatedCases(t *testing.T, cfg population.CaseConfig) []seededCase {
	t.Helper()
	var out []seededCase
	require.NoError(t, population.GenerateCases(cfg, func(c *domain.Case) error {
		out = append(out, seededCase{c.ID, string(c.Kind), string(c.Side), string(c.Status), c.CollabNo, c.Office,
			string(c.Applicant), string(c.Ministry), string(c.Result)})
		return nil
	}))
	return out
}

// TestSeedCases (1.5.x, issue 15): `hukou seed cases` is deterministic (the
// same seed gives the same rows, on both databases), holds every kind on
// both sides with several statuses each, and a second load of the same
// population is a conflict.
func TestSeedCases(t *testing.T) {
	t.Parallel()
	cfg := population.CaseConfig{Seed: 7, Division: "211100", Cases: 1200, Kinds: caseKinds()}
	want := generatedCases(t, cfg)
	require.Len(t, want, 1200)
	require.Equal(t, want, generatedCases(t, cfg), "same seed, same cases")
	other := cfg
	other.Seed = 8
	require.NotEqual(t, want, generatedCases(t, other), "another seed, other cases")

	statuses := map[string]map[string]bool{}
	sides := map[string]map[string]bool{}
	for _, c := range want {
		if statuses[c.Kind] == nil {
			statuses[c.Kind], sides[c.Kind] = map[string]bool{}, map[string]bool{}
		}
		statuses[c.Kind][c.Status], sides[c.Kind][c.Side] = true, true
	}
	for _, k := range []string{"BIRTH", "MIGRATION", "MATTER_CERT", "ID_CARD"} {
		require.GreaterOrEqual(t, len(statuses[k]), 4, "%s statuses %v", k, statuses[k])
		require.Len(t, sides[k], 2, "%s sides", k)
	}
	// The information certificate is issued at the counter at once (side A only).
	require.Equal(t, map[string]bool{"COMPLETED": true, "REVOKED": true}, statuses["INFO_CERT"])
	require.Equal(t, map[string]bool{"ACCEPTANCE": true}, sides["INFO_CERT"])

	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var progress []int
		rep, err := db.SeedCases(ctx, cfg, func(n int) { progress = append(progress, n) })
		require.NoError(t, err)
		require.Equal(t, 1200, rep.Cases)
		require.Equal(t, 1200, progress[len(progress)-1])
		rows, err := db.SQL().QueryContext(ctx, `SELECT id, kind, side, status, collab_no, office, applicant, ministry, result FROM cases ORDER BY id`)
		require.NoError(t, err)
		defer rows.Close()
		var got []seededCase
		for rows.Next() {
			var c seededCase
			require.NoError(t, rows.Scan(&c.ID, &c.Kind, &c.Side, &c.Status, &c.CollabNo, &c.Office, &c.Applicant, &c.Ministry, &c.Result))
			got = append(got, c)
		}
		require.NoError(t, rows.Err())
		require.True(t, reflect.DeepEqual(want, got), "the rows are the generated cases, in ID (creation) order")

		_, err = db.SeedCases(ctx, cfg, nil)
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(err), "a second load of the same cases: %v", err)
	})
}

// TestQueryFields_EveryKindOnBothDatabases (1.5.1, issue 15 item 4): every
// field each kind declares in its module compiles on both dialects (a
// column, or a JSON expression: #>> on PostgreSQL, json_extract on SQLite)
// and finds the seeded cases that hold it: "is set" selects some, and
// "equals" the value one of them holds selects exactly cases holding it.
func TestQueryFields_EveryKindOnBothDatabases(t *testing.T) {
	t.Parallel()
	kinds := caseKinds()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, err := db.SeedCases(ctx, population.CaseConfig{Seed: 3, Division: "211100", Cases: 1500, Kinds: kinds}, nil)
		require.NoError(t, err)
		for _, k := range kinds {
			src := domain.CaseQuerySource(k.Workflow, string(k.Workflow.Kind), k.Fields)
			require.NoError(t, src.Validate())
			for _, f := range src.Fields {
				t.Run(fmt.Sprintf("%s.%s", src.Name, f.Name), func(t *testing.T) {
					plan := &domain.QueryPlan{Source: src, OfficePrefix: "2111", Where: leaf(src, f.Name, domain.OpNotNull),
						Columns: []*domain.QueryField{src.Field(f.Name)}, Sort: src.Field("updatedAt"), Descending: true, Limit: 20}
					rows, err := db.Queries().RunQuery(ctx, plan)
					require.NoError(t, err)
					require.NotEmpty(t, rows, "no seeded %s case holds %s", src.Name, f.Name)
					v := rows[0].Values[0]
					require.NotNil(t, v)
					if f.Type == domain.QueryDate || f.Type == domain.QueryDateTime {
						return // compared by range in TestQueryCompiler; set/unset is enough here
					}
					plan.Where = leaf(src, f.Name, domain.OpEq, *v)
					rows, err = db.Queries().RunQuery(ctx, plan)
					require.NoError(t, err)
					require.NotEmpty(t, rows)
					for _, r := range rows {
						require.Equal(t, *v, *r.Values[0])
					}
				})
			}
		}
	})
}

// TestQueryCompiler_IdentifierIndexes (issue 15 item 4): the compiled
// expressions of the kinds' selective identifiers match their expression
// indexes on PostgreSQL (migration 20261209000002), so = and prefix on
// them never scan the cases.
func TestQueryCompiler_IdentifierIndexes(t *testing.T) {
	t.Parallel()
	db := storagetest.OpenPostgres(t)
	ctx := context.Background()
	kinds := caseKinds()
	_, err := db.SeedCases(ctx, population.CaseConfig{Seed: 4, Division: "211100", Cases: 3000, Kinds: kinds}, nil)
	require.NoError(t, err)
	want := map[string]string{"MIGRATION.licenceId": "cases_migration_licence_idx", "ID_CARD.cardNumber": "cases_idcard_number_idx",
		"MATTER_CERT.certificateNumber": "cases_certificate_number_idx", "INFO_CERT.certificateNumber": "cases_certificate_number_idx"}
	for _, k := range kinds {
		src := domain.CaseQuerySource(k.Workflow, string(k.Workflow.Kind), k.Fields)
		for _, f := range src.Fields {
			index := want[src.Name+"."+f.Name]
			if index == "" {
				continue
			}
			delete(want, src.Name+"."+f.Name)
			for _, op := range []domain.QueryOperator{domain.OpEq, domain.OpPrefix} {
				plan := &domain.QueryPlan{Source: src, OfficePrefix: "2111", Where: leaf(src, f.Name, op, "X12"),
					Sort: src.Field("updatedAt"), Descending: true, Columns: []*domain.QueryField{src.Field("collabNo")}, Limit: 50}
				err := db.Bun().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
						return err
					}
					q, err := storage.CompileForTest(tx, db.Dialect(), plan)
					if err != nil {
						return err
					}
					var lines []string
					if err := tx.NewRaw("EXPLAIN "+q).Scan(ctx, &lines); err != nil {
						return err
					}
					require.Contains(t, strings.Join(lines, "\n"), index, "%s %s", f.Name, op)
					return nil
				})
				require.NoError(t, err)
			}
		}
	}
	require.Empty(t, want, "every indexed identifier is a declared field")
}
