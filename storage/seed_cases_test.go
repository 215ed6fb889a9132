package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
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

		people, actions := generatedPeopleAndHistories(t, cfg)
		require.Equal(t, len(people), rep.CasePeople)
		require.Equal(t, len(actions), rep.CaseActions)
		require.Equal(t, people, seededPeople(t, db), "the persons are the generated ones")
		require.Equal(t, actions, seededActions(t, db), "the histories are the generated ones")

		_, err = db.SeedCases(ctx, cfg, nil)
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(err), "a second load of the same cases: %v", err)
		require.Equal(t, people, seededPeople(t, db), "the refused load added no persons")
		require.Equal(t, actions, seededActions(t, db), "the refused load added no history")
	})
}

// generatedPeopleAndHistories returns the case_people and case_actions
// rows of cfg's cases as "case|seq|…" lines in (case, seq) order.
func generatedPeopleAndHistories(t *testing.T, cfg population.CaseConfig) (people, actions []string) {
	t.Helper()
	require.NoError(t, population.GenerateCaseRecords(cfg, func(c *domain.Case, history []domain.CaseAction) error {
		for i, p := range c.People {
			people = append(people, fmt.Sprintf("%s|%d|%s|%s", c.ID, i+1, p.Name, p.IDNumber))
		}
		for _, a := range history {
			actions = append(actions, actionLine(a.ID, a.CaseID, a.Seq, string(a.Action), string(a.From), string(a.To), a.ActorID,
				a.ActorName, a.Office, a.MessageID, a.Note, string(a.Data), a.At))
		}
		return nil
	}))
	sort.Strings(people) // case IDs rise with creation, but seq 10 sorts before 2: compare sorted
	sort.Strings(actions)
	return people, actions
}

// actionLine is one history entry as a line; its time to the second (the
// databases keep microseconds, the generator nanoseconds).
func actionLine(id, caseID string, seq int, action, from, to, actorID, actorName, office, messageID, note, data string, at time.Time) string {
	return fmt.Sprintf("%s|%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", caseID, seq, id, action, from, to, actorID, actorName,
		strings.TrimSpace(office), messageID, note, data, at.UTC().Truncate(time.Second).Format(time.RFC3339))
}

func seededPeople(t *testing.T, db *storage.DB) []string {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT case_id, seq, name, id_number FROM case_people`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, name, number string
		var seq int
		require.NoError(t, rows.Scan(&id, &seq, &name, &number))
		out = append(out, fmt.Sprintf("%s|%d|%s|%s", id, seq, name, strings.TrimSpace(number)))
	}
	require.NoError(t, rows.Err())
	sort.Strings(out)
	return out
}

func seededActions(t *testing.T, db *storage.DB) []string {
	t.Helper()
	var rows []struct {
		ID, CaseID                                               string
		Seq                                                      int
		Action, FromStatus, ToStatus, ActorID, ActorName, Office string
		MessageID, Note, Data                                    string
		At                                                       time.Time
	}
	require.NoError(t, db.Bun().NewSelect().Table("case_actions").Column("id", "case_id", "seq", "action", "from_status", "to_status",
		"actor_id", "actor_name", "office", "message_id", "note", "data", "at").Scan(context.Background(), &rows))
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = actionLine(r.ID, r.CaseID, r.Seq, r.Action, r.FromStatus, r.ToStatus, r.ActorID, r.ActorName, r.Office,
			r.MessageID, r.Note, r.Data, r.At)
	}
	sort.Strings(out)
	return out
}

// TestSeedCases_CaseListFindsThem (1.5.x, issue 15): a seeded case is
// found like one the engine made. Through the use cases the case list's
// resolvers call (CaseService.FindCases, Find, Timeline), a user whose
// jurisdiction (the station's county bureau) covers the case finds it by a
// seeded person's name and by an ID number, of every kind, and a user of
// another county does not; its history runs in order from its creation to
// its status; the counts per kind, side and status are the generated ones.
func TestSeedCases_CaseListFindsThem(t *testing.T) {
	t.Parallel()
	cfg := population.CaseConfig{Seed: 11, Division: "211100", Cases: 900, Kinds: caseKinds()}
	type record struct {
		c       domain.Case
		history []domain.CaseAction
	}
	var recs []record
	counts := map[string]int{} // "kind side status"
	require.NoError(t, population.GenerateCaseRecords(cfg, func(c *domain.Case, history []domain.CaseAction) error {
		recs = append(recs, record{*c, slices.Clone(history)})
		counts[fmt.Sprint(c.Kind, " ", c.Side, " ", c.Status)]++
		return nil
	}))
	// Per kind, a case with a named person and one with a person's ID
	// number (every kind but migration names its persons in the fields the
	// seeder fills; see population.GenerateCaseRecords).
	byName, byNumber := map[domain.CaseKind]int{}, map[domain.CaseKind]int{}
	for i, r := range recs {
		for _, p := range r.c.People {
			if _, ok := byName[r.c.Kind]; !ok && p.Name != "" {
				byName[r.c.Kind] = i
			}
			if _, ok := byNumber[r.c.Kind]; !ok && p.IDNumber != "" {
				byNumber[r.c.Kind] = i
			}
		}
	}
	require.Len(t, byNumber, len(cfg.Kinds), "every kind has a case with an ID number")
	require.Len(t, byName, len(cfg.Kinds)-1, "every kind but migration has a case with a name")

	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, err := db.SeedCases(ctx, cfg, nil)
		require.NoError(t, err)
		audit := storage.NewAuditWriter(db)
		t.Cleanup(audit.Close)
		svc := domain.NewCaseService(db, audit, nil, time.Now, uuid.NewString)
		offices, err := population.Offices(population.Config{Seed: cfg.Seed, Division: cfg.Division})
		require.NoError(t, err)
		as := func(code string) context.Context {
			o, err := db.Offices().FindOfficeByCode(ctx, code)
			require.NoError(t, err)
			return domain.WithActor(ctx, &domain.Actor{UserID: "u1", Username: "clerk", OfficeCode: o.Code, Office: o, Roles: []domain.Role{domain.RoleClerk}})
		}
		// finds reports whether the case list, paged through, holds id.
		finds := func(ctx context.Context, person, id string) bool {
			p := domain.Page{First: domain.MaxPageSize}
			for {
				page, err := svc.FindCases(ctx, domain.CaseFilter{Person: person}, p)
				require.NoError(t, err)
				for _, c := range page.Cases {
					if c.ID == id {
						return true
					}
				}
				if !page.HasNextPage {
					return false
				}
				p.After = page.EndCursor
			}
		}
		check := func(t *testing.T, r record, person string) {
			station, err := db.Offices().FindOfficeByCode(ctx, r.c.Office)
			require.NoError(t, err)
			county := as(station.ParentCode)
			require.True(t, finds(county, person, r.c.ID), "%s %s by %q", r.c.Kind, r.c.CollabNo, person)
			for _, o := range offices {
				if o.Level == domain.OfficeCountyBureau && o.Code != station.ParentCode {
					require.False(t, finds(as(o.Code), person, r.c.ID), "outside the jurisdiction of %s", o.Code)
					break
				}
			}

			c, err := svc.Find(county, r.c.ID)
			require.NoError(t, err)
			require.Equal(t, r.c.People, c.People)
			history, err := svc.Timeline(county, c)
			require.NoError(t, err)
			require.Len(t, history, len(r.history), "%s: its history", r.c.CollabNo)
			for i, a := range history {
				want := r.history[i]
				require.Equal(t, i+1, a.Seq)
				require.Equal(t, want.Action, a.Action)
				require.Equal(t, want.From, a.From)
				require.Equal(t, want.To, a.To)
				require.Equal(t, want.ActorName, a.ActorName)
				require.Equal(t, want.MessageID, a.MessageID)
				require.WithinDuration(t, want.At, a.At, time.Microsecond)
				if i > 0 {
					require.False(t, a.At.Before(history[i-1].At), "in order")
				}
			}
			require.Empty(t, history[0].From, "the first entry created the case")
			require.Equal(t, c.Status, history[len(history)-1].To, "the last entry reached its status")
		}
		for kind, i := range byName {
			t.Run(string(kind)+"/name", func(t *testing.T) {
				r := recs[i]
				for _, p := range r.c.People {
					if p.Name != "" {
						check(t, r, p.Name)
						return
					}
				}
			})
		}
		for kind, i := range byNumber {
			t.Run(string(kind)+"/idNumber", func(t *testing.T) {
				r := recs[i]
				for _, p := range r.c.People {
					if p.IDNumber != "" {
						check(t, r, p.IDNumber)
						return
					}
				}
			})
		}

		// The counts per kind, side and status are those generated.
		queues, err := db.Cases().CountQueues(ctx, "", time.Now())
		require.NoError(t, err)
		got := map[string]int{}
		for _, q := range queues {
			got[fmt.Sprint(q.Kind, " ", q.Side, " ", q.Status)] = q.Count
		}
		require.Equal(t, counts, got)
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
