package storage_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

func TestCaseRepository_CreateCase(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			c := storagetest.NewCase()
			c.Version = 7 // ignored: a new case starts at version 1
			require.NoError(t, db.Cases().CreateCase(ctx, c))
			require.Equal(t, 1, c.Version)

			got, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, c, utc(got))
			require.JSONEq(t, `{"name": "张三", "births": [1, 2]}`, string(got.Applicant))
		})

		t.Run("NullableFieldsEmpty", func(t *testing.T) {
			c := storagetest.CreateCase(t, db, func(c *domain.Case) {
				c.DeadlineAt, c.Applicant, c.Ministry, c.Result, c.CreatedBy = nil, nil, nil, nil, ""
			})
			got, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Nil(t, got.DeadlineAt)
			require.Equal(t, json.RawMessage(`{}`), got.Applicant)
			require.Equal(t, json.RawMessage(`{}`), got.Ministry)
			require.Equal(t, json.RawMessage(`{}`), got.Result)
			require.Empty(t, got.CreatedBy)
		})

		t.Run("LocalTimesKeepTheirInstant", func(t *testing.T) {
			beijing := time.FixedZone("CST", 8*3600)
			at := storagetest.T0.In(beijing)
			deadline := at.Add(time.Hour)
			c := storagetest.CreateCase(t, db, func(c *domain.Case) { c.CreatedAt, c.UpdatedAt, c.DeadlineAt = at, at, &deadline })
			got, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, utc(c), utc(got))
		})

		t.Run("ErrDuplicateCollabNoAndSide", func(t *testing.T) {
			a := storagetest.CreateCase(t, db)
			err := db.Cases().CreateCase(ctx, storagetest.NewCase(func(c *domain.Case) { c.CollabNo = a.CollabNo }))
			requireCode(t, domain.CodeConflict, err)

			// The other side's copy shares the collaboration number.
			r := storagetest.NewCase(func(c *domain.Case) { c.CollabNo, c.Side, c.Office = a.CollabNo, "REGISTRATION", a.RegistrationOffice })
			require.NoError(t, db.Cases().CreateCase(ctx, r))
		})

		t.Run("ErrDuplicateID", func(t *testing.T) {
			a := storagetest.CreateCase(t, db)
			err := db.Cases().CreateCase(ctx, storagetest.NewCase(func(c *domain.Case) { c.ID = a.ID }))
			requireCode(t, domain.CodeConflict, err)
		})
	})
}

func TestCaseRepository_FindCaseByID(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			got, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, c, utc(got))
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Cases().FindCaseByID(ctx, uuid.NewString())
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestCaseRepository_FindCaseByCollabNo(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := storagetest.CreateCase(t, db)
		r := storagetest.CreateCase(t, db, func(c *domain.Case) {
			c.CollabNo, c.Side, c.Office, c.Status = a.CollabNo, "REGISTRATION", a.RegistrationOffice, "EXTRACTED"
		})
		lone := storagetest.CreateCase(t, db)

		t.Run("OK", func(t *testing.T) {
			got, err := db.Cases().FindCaseByCollabNo(ctx, a.CollabNo, "ACCEPTANCE")
			require.NoError(t, err)
			require.Equal(t, a, utc(got))
			got, err = db.Cases().FindCaseByCollabNo(ctx, a.CollabNo, "REGISTRATION")
			require.NoError(t, err)
			require.Equal(t, r, utc(got))
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Cases().FindCaseByCollabNo(ctx, "XT-NONE", "ACCEPTANCE")
			requireCode(t, domain.CodeNotFound, err)
			_, err = db.Cases().FindCaseByCollabNo(ctx, lone.CollabNo, "REGISTRATION") // only side A has a copy
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestCaseRepository_UpdateCase(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			c.Status, c.RegistrationOffice, c.Office = "SUBMITTED", "110102000200", "211103000200"
			c.Applicant, c.Ministry, c.Result = json.RawMessage(`{"name":"张三丰"}`), json.RawMessage(`{"checked":false}`), json.RawMessage(`{"decision":"ACCEPT"}`)
			c.DeadlineAt, c.UpdatedAt = nil, storagetest.T0.Add(time.Minute)
			require.NoError(t, db.Cases().UpdateCase(ctx, c))
			require.Equal(t, 2, c.Version)
			got, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, c, utc(got))

			deadline := storagetest.T0.Add(48 * time.Hour)
			c.DeadlineAt, c.Status = &deadline, "EXTRACTED"
			require.NoError(t, db.Cases().UpdateCase(ctx, c))
			require.Equal(t, 3, c.Version)
			got, err = db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, c, utc(got))
		})

		t.Run("ErrStaleVersion", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			mine, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			theirs, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)

			theirs.Status = "SUBMITTED"
			require.NoError(t, db.Cases().UpdateCase(ctx, theirs))
			mine.Status = "CLOSED"
			err = db.Cases().UpdateCase(ctx, mine)
			requireCode(t, domain.CodeConflict, err)
			require.Equal(t, 1, mine.Version, "a refused update leaves the version alone")

			got, err := db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, domain.CaseStatus("SUBMITTED"), got.Status)
			require.Equal(t, 2, got.Version)
		})
	})
}

func TestCaseRepository_AppendCaseAction(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			other := storagetest.CreateCase(t, db)
			var want []*domain.CaseAction
			for i, action := range []domain.CaseAction{
				{Action: "create", From: "", To: "DRAFT"},
				{Action: "submit", From: "DRAFT", To: "SUBMITTED", Note: "材料齐全", Data: json.RawMessage(`{"copies": 2}`)},
				{Action: "extract", From: "SUBMITTED", To: "EXTRACTED", MessageID: "msg-1", ActorID: "", ActorName: ""},
			} {
				a := action
				a.ID, a.CaseID, a.Office, a.At = uuid.NewString(), c.ID, c.Office, storagetest.T0.Add(time.Duration(i)*time.Minute)
				if a.MessageID == "" {
					a.ActorID, a.ActorName = "u-1", "王五"
				}
				require.NoError(t, db.Cases().AppendCaseAction(ctx, &a))
				require.Equal(t, i+1, a.Seq)
				if a.Data == nil {
					a.Data = json.RawMessage(`{}`) // stored as an empty object
				}
				want = append(want, &a)
			}
			first := &domain.CaseAction{ID: uuid.NewString(), CaseID: other.ID, Action: "create", To: "DRAFT", At: storagetest.T0}
			require.NoError(t, db.Cases().AppendCaseAction(ctx, first))
			require.Equal(t, 1, first.Seq, "each case counts on its own")

			got, err := db.Cases().FindCaseActions(ctx, c.ID)
			require.NoError(t, err)
			require.Equal(t, want, utc(got))
		})

		t.Run("ErrDuplicateID", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			a := &domain.CaseAction{ID: uuid.NewString(), CaseID: c.ID, Action: "create", To: "DRAFT", At: storagetest.T0}
			require.NoError(t, db.Cases().AppendCaseAction(ctx, a))
			again := *a
			requireCode(t, domain.CodeConflict, db.Cases().AppendCaseAction(ctx, &again))
		})

		t.Run("AppendOnly", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			a := &domain.CaseAction{ID: uuid.NewString(), CaseID: c.ID, Action: "create", To: "DRAFT", At: storagetest.T0}
			require.NoError(t, db.Cases().AppendCaseAction(ctx, a))
			_, err := db.SQL().ExecContext(ctx, db.Rebind("UPDATE case_actions SET note = 'edited' WHERE id = ?"), a.ID)
			require.ErrorContains(t, err, "append-only")
			_, err = db.SQL().ExecContext(ctx, db.Rebind("DELETE FROM case_actions WHERE id = ?"), a.ID)
			require.ErrorContains(t, err, "append-only")
			got, err := db.Cases().FindCaseActions(ctx, c.ID)
			require.NoError(t, err)
			require.Len(t, got, 1)
			require.Empty(t, got[0].Note)
		})
	})
}

func TestCaseRepository_FindCaseActions(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("InSeqOrder", func(t *testing.T) {
			c := storagetest.CreateCase(t, db)
			// Clocks may disagree: the history keeps the order of appending.
			for i, at := range []time.Time{storagetest.T0.Add(time.Hour), storagetest.T0, storagetest.T0.Add(-time.Hour)} {
				a := &domain.CaseAction{ID: uuid.NewString(), CaseID: c.ID, Action: "note", From: "DRAFT", To: "DRAFT", Note: string(rune('a' + i)), At: at}
				require.NoError(t, db.Cases().AppendCaseAction(ctx, a))
			}
			got, err := db.Cases().FindCaseActions(ctx, c.ID)
			require.NoError(t, err)
			require.Len(t, got, 3)
			for i, a := range got {
				require.Equal(t, i+1, a.Seq)
				require.Equal(t, string(rune('a'+i)), a.Note)
			}
		})

		t.Run("Empty", func(t *testing.T) {
			got, err := db.Cases().FindCaseActions(ctx, uuid.NewString())
			require.NoError(t, err)
			require.Empty(t, got)
		})
	})
}

// caseIDs returns the IDs of a page's cases, in order.
func caseIDs(cases []*domain.Case) []string {
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return ids
}

func TestCaseRepository_FindCases(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := func(minutes int) time.Time { return storagetest.T0.Add(time.Duration(minutes) * time.Minute) }
		mk := func(kind domain.CaseKind, side domain.Side, status domain.CaseStatus, office string, updated time.Time, deadline *time.Time) *domain.Case {
			return storagetest.CreateCase(t, db, func(c *domain.Case) {
				c.Kind, c.Side, c.Status, c.Office, c.UpdatedAt, c.DeadlineAt = kind, side, status, office, updated, deadline
			})
		}
		birthA := mk("BIRTH", "ACCEPTANCE", "DRAFT", "211103000100", at(1), ptr(at(60)))
		migR := mk("MIGRATION", "REGISTRATION", "SUBMITTED", "110101000100", at(2), nil)
		birthR := mk("BIRTH", "REGISTRATION", "EXTRACTED", "110102000200", at(3), ptr(at(180)))
		birthA2 := mk("BIRTH", "ACCEPTANCE", "SUBMITTED", "211103000200", at(2), ptr(at(-60))) // same updated_at as migR
		sameCollab := storagetest.CreateCase(t, db, func(c *domain.Case) {
			c.CollabNo, c.Side, c.Office, c.Status, c.UpdatedAt, c.DeadlineAt = birthA.CollabNo, "REGISTRATION", "110101000100", "EXTRACTED", at(0), nil
		})

		// Most recently updated first; equal times by ID, descending.
		tied := []string{migR.ID, birthA2.ID}
		slices.Sort(tied)
		newestFirst := []string{birthR.ID, tied[1], tied[0], birthA.ID, sameCollab.ID}

		t.Run("NewestFirst", func(t *testing.T) {
			page, err := db.Cases().FindCases(ctx, domain.CaseFilter{}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Equal(t, newestFirst, caseIDs(page.Cases))
			require.False(t, page.HasNextPage)
			require.Equal(t, birthR, utc(page.Cases[0]), "every field comes back")
		})

		t.Run("Paging", func(t *testing.T) {
			var ids []string
			p := domain.Page{First: 2}
			for pages := 1; ; pages++ {
				page, err := db.Cases().FindCases(ctx, domain.CaseFilter{}, p)
				require.NoError(t, err)
				ids = append(ids, caseIDs(page.Cases)...)
				require.NotEmpty(t, page.EndCursor)
				require.Equal(t, page.Cases[len(page.Cases)-1].ID, newestFirst[len(ids)-1])
				if !page.HasNextPage {
					require.Equal(t, 3, pages)
					break
				}
				p.After = page.EndCursor
			}
			require.Equal(t, newestFirst, ids, "the tie between pages 1 and 2 is neither lost nor repeated")
		})

		t.Run("Empty", func(t *testing.T) {
			page, err := db.Cases().FindCases(ctx, domain.CaseFilter{CollabNo: "XT-NONE"}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Empty(t, page.Cases)
			require.False(t, page.HasNextPage)
			require.Empty(t, page.EndCursor)
		})

		for _, tt := range []struct {
			name string
			f    domain.CaseFilter
			want []string
		}{
			{"Kind", domain.CaseFilter{Kind: "MIGRATION"}, []string{migR.ID}},
			{"Side", domain.CaseFilter{Side: "ACCEPTANCE"}, []string{birthA2.ID, birthA.ID}},
			{"Statuses", domain.CaseFilter{Statuses: []domain.CaseStatus{"DRAFT", "EXTRACTED"}}, []string{birthR.ID, birthA.ID, sameCollab.ID}},
			{"CollabNo", domain.CaseFilter{CollabNo: birthA.CollabNo}, []string{birthA.ID, sameCollab.ID}},
			{"OverdueAt", domain.CaseFilter{OverdueAt: ptr(at(61))}, []string{birthA2.ID, birthA.ID}},
			{"OverdueAtLocalTime", domain.CaseFilter{OverdueAt: ptr(at(61).In(time.FixedZone("CST", 8*3600)))}, []string{birthA2.ID, birthA.ID}},
			{"OfficePrefix", domain.CaseFilter{OfficePrefix: "2111"}, []string{birthA2.ID, birthA.ID}},
			{"OfficePrefixStation", domain.CaseFilter{OfficePrefix: "110101000100"}, []string{migR.ID, sameCollab.ID}},
			{"OfficePrefixWildcardsEscaped", domain.CaseFilter{OfficePrefix: "2111_"}, nil},
			{"Combined", domain.CaseFilter{Kind: "BIRTH", Side: "REGISTRATION", OfficePrefix: "11", Statuses: []domain.CaseStatus{"EXTRACTED"}}, []string{birthR.ID, sameCollab.ID}},
		} {
			t.Run("Filter"+tt.name, func(t *testing.T) {
				page, err := db.Cases().FindCases(ctx, tt.f, domain.Page{First: 10})
				require.NoError(t, err)
				require.Equal(t, tt.want, nilIfEmpty(caseIDs(page.Cases)))
			})
		}

		// Every order (the case list's sortable columns, #19), paged two by two,
		// gives the cases sorted by its key, the ID breaking ties, none lost or
		// repeated; a cursor does not page another order.
		all := []*domain.Case{birthA, migR, birthR, birthA2, sameCollab}
		for _, o := range []domain.CaseOrder{domain.CaseOrderUpdatedDesc, domain.CaseOrderUpdatedAsc, domain.CaseOrderCreatedDesc,
			domain.CaseOrderCreatedAsc, domain.CaseOrderCollabNoAsc, domain.CaseOrderCollabNoDesc} {
			t.Run("Order"+string(o), func(t *testing.T) {
				full, err := db.Cases().FindCases(ctx, domain.CaseFilter{Order: o}, domain.Page{First: 10})
				require.NoError(t, err)
				want := slices.Clone(all)
				slices.SortFunc(want, func(a, b *domain.Case) int {
					var c int
					switch o {
					case domain.CaseOrderUpdatedDesc, domain.CaseOrderUpdatedAsc:
						c = a.UpdatedAt.Compare(b.UpdatedAt)
					case domain.CaseOrderCreatedDesc, domain.CaseOrderCreatedAsc:
						c = a.CreatedAt.Compare(b.CreatedAt)
					default:
						c = strings.Compare(a.CollabNo, b.CollabNo)
					}
					if c == 0 {
						c = strings.Compare(a.ID, b.ID)
					}
					if strings.HasSuffix(string(o), "DESC") {
						c = -c
					}
					return c
				})
				require.Equal(t, caseIDs(want), caseIDs(full.Cases))
				var ids []string
				p := domain.Page{First: 2}
				for {
					page, err := db.Cases().FindCases(ctx, domain.CaseFilter{Order: o}, p)
					require.NoError(t, err)
					ids = append(ids, caseIDs(page.Cases)...)
					if !page.HasNextPage {
						break
					}
					if o != domain.CaseOrderCollabNoAsc {
						_, err := db.Cases().FindCases(ctx, domain.CaseFilter{Order: domain.CaseOrderCollabNoAsc}, domain.Page{First: 2, After: page.EndCursor})
						requireCode(t, domain.CodeInvalid, err)
					}
					p.After = page.EndCursor
				}
				require.Equal(t, caseIDs(want), ids)
			})
		}
		t.Run("ErrUnknownOrder", func(t *testing.T) {
			_, err := db.Cases().FindCases(ctx, domain.CaseFilter{Order: "SIDEWAYS"}, domain.Page{First: 2})
			requireCode(t, domain.CodeInvalid, err)
		})

		t.Run("ErrBadCursor", func(t *testing.T) {
			for _, after := range []string{"not base64!", domain.CursorFor("no-separator"), domain.CursorFor("abc|id")} {
				_, err := db.Cases().FindCases(ctx, domain.CaseFilter{}, domain.Page{First: 2, After: after})
				requireCode(t, domain.CodeInvalid, err)
			}
		})
	})
}

// nilIfEmpty turns an empty slice into nil, for comparisons with nil wants.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestCaseRepository_CountQueues(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
		past, soon, later := now.Add(-time.Hour), now.Add(time.Hour), now.Add(48*time.Hour)
		for _, c := range []struct {
			kind     domain.CaseKind
			side     domain.Side
			status   domain.CaseStatus
			office   string
			deadline *time.Time
		}{
			{"BIRTH", "ACCEPTANCE", "DRAFT", "211103000100", &later},
			{"BIRTH", "ACCEPTANCE", "DRAFT", "211103000200", &past},
			{"BIRTH", "ACCEPTANCE", "SUBMITTED", "211103000100", nil},
			{"MIGRATION", "ACCEPTANCE", "DRAFT", "211103000100", &soon},
			{"BIRTH", "REGISTRATION", "EXTRACTED", "110101000100", nil},
			{"BIRTH", "REGISTRATION", "EXTRACTED", "110101000100", nil},
		} {
			storagetest.CreateCase(t, db, func(x *domain.Case) {
				x.Kind, x.Side, x.Status, x.Office, x.DeadlineAt = c.kind, c.side, c.status, c.office, c.deadline
			})
		}
		at := func(tm time.Time) *time.Time { return &tm }
		normalize := func(qs []domain.QueueCount) []domain.QueueCount {
			for i := range qs {
				if qs[i].NextDeadline != nil {
					qs[i].NextDeadline = at(qs[i].NextDeadline.UTC())
				}
			}
			return qs
		}

		t.Run("OK", func(t *testing.T) {
			got, err := db.Cases().CountQueues(ctx, "2111", now)
			require.NoError(t, err)
			require.Equal(t, []domain.QueueCount{
				{Kind: "BIRTH", Side: "ACCEPTANCE", Status: "DRAFT", Count: 2, Overdue: 1, NextDeadline: at(past)},
				{Kind: "BIRTH", Side: "ACCEPTANCE", Status: "SUBMITTED", Count: 1},
				{Kind: "MIGRATION", Side: "ACCEPTANCE", Status: "DRAFT", Count: 1, NextDeadline: at(soon)},
			}, normalize(got))
		})

		t.Run("OfficePrefix", func(t *testing.T) {
			got, err := db.Cases().CountQueues(ctx, "211103000200", now)
			require.NoError(t, err)
			require.Equal(t, []domain.QueueCount{{Kind: "BIRTH", Side: "ACCEPTANCE", Status: "DRAFT", Count: 1, Overdue: 1, NextDeadline: at(past)}}, normalize(got))

			got, err = db.Cases().CountQueues(ctx, "", now)
			require.NoError(t, err)
			require.Len(t, got, 4, "an empty prefix counts every office")
			require.Equal(t, domain.QueueCount{Kind: "BIRTH", Side: "REGISTRATION", Status: "EXTRACTED", Count: 2}, got[2])

			got, err = db.Cases().CountQueues(ctx, "21110_", now)
			require.NoError(t, err)
			require.Empty(t, got, "LIKE wildcards are escaped")
		})
	})
}

// The case list's search (#19): by a person's ID number exactly or the
// start of a name, through the persons saved with the case (replaced on
// each save, never left behind), and by when the case was opened.
func TestCaseRepository_FindCasesByPerson(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
		mother := storagetest.CreateCase(t, db, func(c *domain.Case) {
			c.CreatedAt = day(10)
			c.People = []domain.CasePerson{{Name: "王小明"}, {Name: "李红", IDNumber: "130102199003152341"}}
		})
		other := storagetest.CreateCase(t, db, func(c *domain.Case) {
			c.CreatedAt = day(20)
			c.People = []domain.CasePerson{{Name: "王大力", IDNumber: "21110219850101123X"}}
		})
		storagetest.CreateCase(t, db) // no persons
		find := func(f domain.CaseFilter) []string {
			t.Helper()
			page, err := db.Cases().FindCases(ctx, f, domain.Page{First: 10})
			require.NoError(t, err)
			var ids []string
			for _, c := range page.Cases {
				ids = append(ids, c.ID)
			}
			return ids
		}
		require.Equal(t, []string{mother.ID}, find(domain.CaseFilter{Person: "130102199003152341"}))
		require.Equal(t, []string{other.ID}, find(domain.CaseFilter{Person: "21110219850101123X"}))
		require.ElementsMatch(t, []string{mother.ID, other.ID}, find(domain.CaseFilter{Person: "王"}))
		require.Equal(t, []string{mother.ID}, find(domain.CaseFilter{Person: "李"}))
		require.Empty(t, find(domain.CaseFilter{Person: "%"}), "LIKE wildcards are escaped")
		require.Empty(t, find(domain.CaseFilter{Person: "红"}), "a name is matched from its start")
		from, before := day(15), day(25)
		require.Equal(t, []string{other.ID}, find(domain.CaseFilter{Person: "王", CreatedFrom: &from}))
		require.Equal(t, []string{mother.ID}, find(domain.CaseFilter{Person: "王", CreatedBefore: &from}))
		require.Equal(t, []string{other.ID}, find(domain.CaseFilter{CreatedFrom: &from, CreatedBefore: &before}))
		// The total on demand counts what the same filter finds (19 item 4).
		for _, f := range []domain.CaseFilter{{}, {Person: "王"}, {Person: "王", CreatedFrom: &from}, {Person: "%"}, {CreatedFrom: &from, CreatedBefore: &before}} {
			n, err := db.Cases().CountCases(ctx, f)
			require.NoError(t, err)
			require.Equal(t, len(find(f)), n, "count of %+v", f)
		}

		got, err := db.Cases().FindCaseByID(ctx, mother.ID)
		require.NoError(t, err)
		require.Equal(t, mother.People, got.People, "the persons come back in order")

		// A save with new persons replaces them; a save without (nil) keeps them.
		got.People = []domain.CasePerson{{Name: "赵六"}}
		require.NoError(t, db.Cases().UpdateCase(ctx, got))
		require.Empty(t, find(domain.CaseFilter{Person: "李"}))
		require.Equal(t, []string{mother.ID}, find(domain.CaseFilter{Person: "赵"}))
		got.People = nil
		require.NoError(t, db.Cases().UpdateCase(ctx, got))
		require.Equal(t, []string{mother.ID}, find(domain.CaseFilter{Person: "赵"}))
	})
}
