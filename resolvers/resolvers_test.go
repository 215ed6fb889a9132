package resolvers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/idnumber"
	"hukou/graph/scalar"
	"hukou/storage"
	"hukou/storage/storagetest"
)

const residentQuery = `query($n: String!) {
  resident(idNumber: $n) { id name idNumber birthDate station { code level parent { code } } household { number station { code } } }
}`

type residentJSON struct {
	ID        string
	Name      string
	IDNumber  string
	BirthDate string
	Station   struct {
		Code   string
		Level  string
		Parent struct{ Code string }
	}
	Household struct {
		Number  string
		Station struct{ Code string }
	}
}

func (b *testBundle) readResident(t *testing.T, u *domain.User, number string) residentJSON {
	t.Helper()
	var out struct{ Resident *residentJSON }
	b.do(t, b.token(t, u), residentQuery, map[string]any{"n": number}).ok(t, &out)
	require.NotNil(t, out.Resident)
	return *out.Resident
}

func TestQuery_Resident(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		division := b.resident.IDNumber[:6]
		birth := time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			r := b.readResident(t, b.clerk, b.resident.IDNumber)
			require.Equal(t, scalar.GlobalID("Resident", b.resident.ID), r.ID)
			require.Equal(t, b.resident.Name, r.Name)
			require.Equal(t, b.resident.IDNumber, r.IDNumber)
			require.Equal(t, b.resident.BirthDate.Format(time.DateOnly), r.BirthDate)
			require.Equal(t, b.station, r.Station.Code)
			require.Equal(t, "POLICE_STATION", r.Station.Level)
			require.Equal(t, b.county, r.Station.Parent.Code)
			require.Equal(t, b.station, r.Household.Station.Code)
			require.NotEmpty(t, r.Household.Number)
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			t.Parallel()
			valid := idnumber.Generate(division, birth, 123)
			badDate := "21110219901345001" // month 13
			wrongCheck := valid[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", valid[17])+1)%11])
			for _, tc := range []struct{ name, number, reason string }{
				{"Length", "12345", idnumber.ReasonLength},
				{"LengthLong", valid + "1", idnumber.ReasonLength},
				{"Empty", "", idnumber.ReasonLength},
				{"Characters", valid[:5] + "A" + valid[6:], idnumber.ReasonCharacters},
				{"CharactersLast", valid[:17] + "Y", idnumber.ReasonCharacters},
				{"Characters15", "21110280051712A", idnumber.ReasonCharacters},
				{"Division", idnumber.Generate("999999", birth, 123), idnumber.ReasonDivision},
				{"BirthDate", badDate + string(idnumber.CheckDigit(badDate)), idnumber.ReasonBirthDate},
				{"BirthDateBefore1900", idnumber.Generate(division, time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), 123), idnumber.ReasonBirthDate},
				{"FutureBirthDate", idnumber.Generate(division, time.Now().AddDate(1, 0, 0), 123), idnumber.ReasonFutureBirthDate},
				{"CheckDigit", wrongCheck, idnumber.ReasonCheckDigit},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := b.do(t, b.token(t, b.clerk), residentQuery, map[string]any{"n": tc.number})
					requireError(t, r, "BAD_USER_INPUT", "idNumber", tc.reason)
					require.Equal(t, []any{"resident"}, r.Errors[0].Path)
				})
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			number := idnumber.Generate(division, time.Date(1931, 2, 3, 0, 0, 0, 0, time.UTC), 997)
			_, err := b.db.Register().FindResidentByIDNumber(context.Background(), number)
			require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "the test number must be nobody's")
			requireError(t, b.do(t, b.token(t, b.clerk), residentQuery, map[string]any{"n": number}), "NOT_FOUND", "", "")
		})
		t.Run("ErrOutsideJurisdiction", func(t *testing.T) {
			t.Parallel()
			// Answered as for a number nobody has, so the answer tells nothing; audited as DENIED.
			r := b.do(t, b.token(t, b.clerk), residentQuery, map[string]any{"n": b.otherResident.IDNumber})
			e := requireError(t, r, "NOT_FOUND", "", "not_found")
			nobody := idnumber.Generate(division, time.Date(1931, 2, 3, 0, 0, 0, 0, time.UTC), 997)
			none := requireError(t, b.do(t, b.token(t, b.clerk), residentQuery, map[string]any{"n": nobody}), "NOT_FOUND", "", "not_found")
			require.Equal(t, strings.ReplaceAll(none.Message, nobody, b.otherResident.IDNumber), e.Message)
			require.Equal(t, none.Extensions, e.Extensions)
			require.NotContains(t, e.Message, b.otherResident.Name)
			require.NotContains(t, string(r.Data), b.otherResident.Name)
			denied := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: b.otherResident.ID, ActorID: b.clerk.ID})
			require.Len(t, denied, 1)
			require.Equal(t, "clerk", denied[0].ActorName)
			require.Equal(t, b.clerk.ID, denied[0].ActorID)
			require.Equal(t, b.station, denied[0].OfficeCode)
			require.Equal(t, "127.0.0.1", denied[0].RemoteAddr)
			// The clerk of the other station reads the same resident.
			require.Equal(t, b.otherResident.Name, b.readResident(t, b.otherClerk, b.otherResident.IDNumber).Name)
		})
		t.Run("OfficerSeesItsCounty", func(t *testing.T) {
			t.Parallel()
			require.Equal(t, b.resident.Name, b.readResident(t, b.officer, b.resident.IDNumber).Name)
			r := b.do(t, b.token(t, b.officer), residentQuery, map[string]any{"n": b.otherResident.IDNumber})
			requireError(t, r, "NOT_FOUND", "", "not_found")
		})
		t.Run("AdminSeesTheCity", func(t *testing.T) {
			t.Parallel()
			require.Equal(t, b.resident.IDNumber, b.readResident(t, b.admin, b.resident.IDNumber).IDNumber)
			require.Equal(t, b.otherResident.IDNumber, b.readResident(t, b.admin, b.otherResident.IDNumber).IDNumber)
		})
		t.Run("AnalystSeesMaskedIDNumber", func(t *testing.T) {
			t.Parallel()
			// Field by field on every schema type: pii_test.go.
			r := b.readResident(t, b.analyst, b.otherResident.IDNumber)
			require.Equal(t, domain.MaskName(b.otherResident.Name), r.Name)
			require.Equal(t, domain.MaskIDNumber(b.otherResident.IDNumber), r.IDNumber)
			require.NotEqual(t, b.otherResident.IDNumber, r.IDNumber)
			require.Equal(t, domain.GeneraliseDate(b.otherResident.BirthDate).Format(time.DateOnly), r.BirthDate)
			// Also in lists and nested members.
			var out struct {
				Residents struct {
					Edges []struct {
						Node struct {
							IDNumber  string
							Household struct{ Members []struct{ IDNumber string } }
						}
					}
				}
			}
			b.do(t, b.token(t, b.analyst), `{ residents(first: 5) { edges { node { idNumber household { members { idNumber } } } } } }`, nil).ok(t, &out)
			require.NotEmpty(t, out.Residents.Edges)
			for _, e := range out.Residents.Edges {
				require.Contains(t, e.Node.IDNumber, "********")
				for _, m := range e.Node.Household.Members {
					require.Contains(t, m.IDNumber, "********")
				}
			}
		})
		t.Run("Upgrades15Digits", func(t *testing.T) {
			t.Parallel()
			old := residentBornIn1900s(t, b)
			number15 := old.IDNumber[:6] + old.IDNumber[8:17]
			require.Len(t, number15, 15)
			r := b.readResident(t, b.clerk, number15)
			require.Equal(t, old.IDNumber, r.IDNumber)
			require.Equal(t, old.Name, r.Name)
		})
		t.Run("LowerCaseX", func(t *testing.T) {
			t.Parallel()
			x := residentWithX(t, b)
			if x == nil {
				t.Skip("no resident of the station has an X check digit")
			}
			require.Equal(t, x.IDNumber, b.readResident(t, b.clerk, strings.ToLower(x.IDNumber)).IDNumber)
		})
	})
}

// residentBornIn1900s returns a resident of b.station born before 2000.
func residentBornIn1900s(t *testing.T, b *testBundle) *domain.Resident {
	t.Helper()
	return findResident(t, b, func(r *domain.Resident) bool { return r.IDNumber[6:8] == "19" })
}

func residentWithX(t *testing.T, b *testBundle) *domain.Resident {
	t.Helper()
	var found *domain.Resident
	p, err := b.db.Register().FindResidents(context.Background(), domain.ResidentFilter{StationCode: b.station}, domain.Page{First: 200})
	require.NoError(t, err)
	for _, r := range p.Residents {
		if r.IDNumber[17] == 'X' {
			found = r
		}
	}
	return found
}

func findResident(t *testing.T, b *testBundle, keep func(*domain.Resident) bool) *domain.Resident {
	t.Helper()
	p, err := b.db.Register().FindResidents(context.Background(), domain.ResidentFilter{StationCode: b.station}, domain.Page{First: 200})
	require.NoError(t, err)
	for _, r := range p.Residents {
		if keep(r) {
			return r
		}
	}
	t.Fatal("no resident of the station matches")
	return nil
}

func TestQuery_AuditLog(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const auditQuery = `query($f: AuditFilter) { auditLog(filter: $f) { edges { cursor node { id at actorId actorName officeCode action operation subjectType subjectId remoteAddr } } pageInfo { hasNextPage } } }`

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			b.readResident(t, b.clerk, b.resident.IDNumber) // answered only once audited: no flush
			var out struct {
				AuditLog struct {
					Edges []struct {
						Node struct {
							ActorID, ActorName, OfficeCode, Action, Operation, SubjectType, SubjectID, RemoteAddr string
							At                                                                                    time.Time
						}
					}
				}
			}
			b.do(t, b.token(t, b.admin), auditQuery, map[string]any{"f": map[string]any{"subjectId": b.resident.ID}}).ok(t, &out)
			var reads int
			for _, e := range out.AuditLog.Edges {
				n := e.Node
				require.Equal(t, b.resident.ID, n.SubjectID)
				if n.Action == "READ" && n.ActorName == "clerk" {
					reads++
					require.Equal(t, b.clerk.ID, n.ActorID)
					require.Equal(t, b.station, n.OfficeCode)
					require.Equal(t, "Resident", n.SubjectType)
					require.Equal(t, "resident", n.Operation)
					require.Equal(t, "127.0.0.1", n.RemoteAddr)
					require.WithinDuration(t, time.Now(), n.At, time.Minute)
				}
			}
			require.Equal(t, 1, reads, "entries: %+v", out.AuditLog.Edges)
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			t.Parallel()
			for _, u := range []*domain.User{b.clerk, b.officer, b.analyst} {
				r := b.do(t, b.token(t, u), auditQuery, nil)
				requireError(t, r, "FORBIDDEN", "", "auth.role")
			}
			requireError(t, b.do(t, "", auditQuery, nil), "UNAUTHENTICATED", "", "auth.required")
		})
		t.Run("ErrFirst", func(t *testing.T) {
			t.Parallel()
			for _, first := range []int{0, 201} {
				r := b.do(t, b.token(t, b.admin), `query($first: Int) { auditLog(first: $first) { edges { cursor } } }`, map[string]any{"first": first})
				requireError(t, r, "BAD_USER_INPUT", "first", "page.size")
			}
		})
		t.Run("AppendOnly", func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// setup's createUser entries are there already
			var before int
			require.NoError(t, b.db.Bun().NewRaw("SELECT COUNT(*) FROM audit_log").Scan(ctx, &before))
			require.Positive(t, before)
			_, err := b.db.Bun().ExecContext(ctx, "UPDATE audit_log SET actor_name = 'someone else'")
			require.ErrorContains(t, err, "append-only")
			_, err = b.db.Bun().ExecContext(ctx, "DELETE FROM audit_log")
			require.ErrorContains(t, err, "append-only")
			var after int
			require.NoError(t, b.db.Bun().NewRaw("SELECT COUNT(*) FROM audit_log").Scan(ctx, &after))
			require.GreaterOrEqual(t, after, before)
			var renamed int
			require.NoError(t, b.db.Bun().NewRaw("SELECT COUNT(*) FROM audit_log WHERE actor_name = 'someone else'").Scan(ctx, &renamed))
			require.Zero(t, renamed)
		})
	})
}

type residentPage struct {
	Residents struct {
		Edges []struct {
			Cursor string
			Node   struct {
				ID      string
				Station struct{ Code string }
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
		TotalCount int
	}
}

const residentsQuery = `query($f: ResidentFilter, $first: Int, $after: String) {
  residents(filter: $f, first: $first, after: $after) { edges { cursor node { id station { code } } } pageInfo { hasNextPage endCursor } totalCount }
}`

func TestQuery_Residents(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		ctx := context.Background()
		count := func(prefix string) int {
			n, err := b.db.Register().CountResidents(ctx, domain.ResidentFilter{JurisdictionPrefix: prefix})
			require.NoError(t, err)
			return n
		}

		// The households a query asks for are fetched with the residents
		// (primeHouseholds), through fragments too, and are each resident's own.
		t.Run("HouseholdsWithThePage", func(t *testing.T) {
			t.Parallel()
			tok := b.token(t, b.clerk)
			var out struct {
				Residents struct {
					Edges []struct {
						Node struct {
							IDNumber  string
							Household struct{ Number string }
						}
					}
				}
			}
			b.do(t, tok, `{ residents(first: 20) { ...C } }
fragment C on ResidentConnection { edges { ... on ResidentEdge { node { ...R } } } }
fragment R on Resident { idNumber household { number } }`, nil).ok(t, &out)
			require.Len(t, out.Residents.Edges, 20)
			for _, e := range out.Residents.Edges {
				r, err := b.db.Register().FindResidentByIDNumber(ctx, e.Node.IDNumber)
				require.NoError(t, err)
				h, err := b.db.Register().FindHouseholdsByIDs(ctx, []string{r.HouseholdID})
				require.NoError(t, err)
				require.Equal(t, h[0].Number, e.Node.Household.Number)
			}
		})

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			tok := b.token(t, b.clerk)
			seen := map[string]bool{}
			var last string
			var after any
			for page := 0; page < 3; page++ {
				var out residentPage
				b.do(t, tok, residentsQuery, map[string]any{"first": 7, "after": after}).ok(t, &out)
				require.Len(t, out.Residents.Edges, 7)
				require.True(t, out.Residents.PageInfo.HasNextPage)
				for _, e := range out.Residents.Edges {
					id := residentID(t, e.Node.ID)
					require.False(t, seen[id], "resident %s on two pages", id)
					seen[id] = true
					if last != "" {
						require.Less(t, id, last, "residents come newest first")
					}
					last = id
					require.Equal(t, b.station, e.Node.Station.Code)
				}
				require.Equal(t, out.Residents.Edges[6].Cursor, *out.Residents.PageInfo.EndCursor)
				after = *out.Residents.PageInfo.EndCursor
				require.Equal(t, count(b.station), out.Residents.TotalCount)
			}
			require.Len(t, seen, 21)
		})
		t.Run("LastPage", func(t *testing.T) {
			t.Parallel()
			total := count(b.station)
			var out residentPage
			b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"first": 200}).ok(t, &out)
			require.Less(t, total, 200, "the station must fit one page for this test")
			require.Len(t, out.Residents.Edges, total)
			require.False(t, out.Residents.PageInfo.HasNextPage)
			// After the last one: an empty page.
			b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"first": 10, "after": *out.Residents.PageInfo.EndCursor}).ok(t, &out)
			require.Empty(t, out.Residents.Edges)
			require.False(t, out.Residents.PageInfo.HasNextPage)
			require.Nil(t, out.Residents.PageInfo.EndCursor)
		})
		t.Run("TotalCountByJurisdiction", func(t *testing.T) {
			t.Parallel()
			station, county, city := count(b.station), count(b.county[:6]), count(b.city[:4])
			require.Equal(t, testPopulation.Residents, city)
			require.Less(t, station, county)
			require.Less(t, county, city)
			for _, tc := range []struct {
				u    *domain.User
				want int
			}{{b.clerk, station}, {b.officer, county}, {b.admin, city}, {b.analyst, city}} {
				var out residentPage
				b.do(t, b.token(t, tc.u), `{ residents(first: 1) { totalCount } }`, nil).ok(t, &out)
				require.Equal(t, tc.want, out.Residents.TotalCount, tc.u.Username)
			}
			// Filtering on a station the caller may see.
			var out residentPage
			b.do(t, b.token(t, b.officer), residentsQuery, map[string]any{"first": 1, "f": map[string]any{"stationCode": b.station}}).ok(t, &out)
			require.Equal(t, station, out.Residents.TotalCount)
		})
		t.Run("FilterByHousehold", func(t *testing.T) {
			t.Parallel()
			var out residentPage
			b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"f": map[string]any{"householdId": scalar.GlobalID("Household", b.resident.HouseholdID)}}).ok(t, &out)
			require.NotEmpty(t, out.Residents.Edges)
			members, err := b.db.Register().FindResidentsByHouseholdIDs(ctx, []string{b.resident.HouseholdID})
			require.NoError(t, err)
			require.Equal(t, len(members), out.Residents.TotalCount)
			r := b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"f": map[string]any{"householdId": scalar.GlobalID("Resident", b.resident.ID)}})
			requireError(t, r, "BAD_USER_INPUT", "householdId", "node.id")
		})
		t.Run("ErrFirst", func(t *testing.T) {
			t.Parallel()
			for _, first := range []int{0, -1, 201} {
				r := b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"first": first})
				requireError(t, r, "BAD_USER_INPUT", "first", "page.size")
			}
		})
		t.Run("ErrAfter", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"first": 5, "after": "not a cursor!"})
			requireError(t, r, "BAD_USER_INPUT", "after", "page.cursor")
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			t.Parallel()
			for _, u := range []*domain.User{b.clerk, b.officer} {
				r := b.do(t, b.token(t, u), residentsQuery, map[string]any{"f": map[string]any{"stationCode": b.otherStation}})
				requireError(t, r, "FORBIDDEN", "", "auth.jurisdiction")
			}
			r := b.do(t, b.token(t, b.portal), residentsQuery, nil)
			requireError(t, r, "FORBIDDEN", "", "auth.role")
		})
	})
}

func TestQuery_Household(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const householdQuery = `query($n: String!) { household(number: $n) { id number type station { code } address { detail division { code } }
  members { id name relation { code name } household { number } } } }`
		type householdJSON struct {
			Household *struct {
				ID, Number, Type string
				Station          struct{ Code string }
				Address          struct{ Detail string }
				Members          []struct {
					ID, Name  string
					Relation  struct{ Code, Name string }
					Household struct{ Number string }
				}
			}
		}
		ctx := context.Background()
		// A family household of the clerk's station with several members.
		var hh *domain.Household
		p, err := b.db.Register().FindResidents(ctx, domain.ResidentFilter{StationCode: b.station}, domain.Page{First: 200})
		require.NoError(t, err)
		for _, r := range p.Residents {
			if r.Relation != "02" {
				continue
			}
			ms, err := b.db.Register().FindResidentsByHouseholdIDs(ctx, []string{r.HouseholdID})
			require.NoError(t, err)
			if len(ms) >= 3 {
				hs, err := b.db.Register().FindHouseholdsByIDs(ctx, []string{r.HouseholdID})
				require.NoError(t, err)
				hh = hs[0]
				break
			}
		}
		require.NotNil(t, hh, "no family household with 3 members at the station")

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			var out householdJSON
			b.do(t, b.token(t, b.clerk), householdQuery, map[string]any{"n": hh.Number}).ok(t, &out)
			h := out.Household
			require.NotNil(t, h)
			require.Equal(t, scalar.GlobalID("Household", hh.ID), h.ID)
			require.Equal(t, hh.Number, h.Number)
			require.Equal(t, "FAMILY", h.Type)
			require.Equal(t, b.station, h.Station.Code)
			require.NotEmpty(t, h.Address.Detail)
			require.GreaterOrEqual(t, len(h.Members), 3)
			require.Equal(t, "02", h.Members[0].Relation.Code, "the head comes first")
			for _, m := range h.Members[1:] {
				require.NotEqual(t, "02", m.Relation.Code, "one head only")
			}
			for _, m := range h.Members {
				require.Equal(t, hh.Number, m.Household.Number)
				require.NotEmpty(t, m.Relation.Name)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			requireError(t, b.do(t, b.token(t, b.clerk), householdQuery, map[string]any{"n": "000000000"}), "NOT_FOUND", "", "")
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			t.Parallel()
			for _, n := range []string{"", strings.Repeat("1", 21)} {
				requireError(t, b.do(t, b.token(t, b.clerk), householdQuery, map[string]any{"n": n}), "BAD_USER_INPUT", "number", "household.number")
			}
		})
		t.Run("ErrOutsideJurisdiction", func(t *testing.T) {
			t.Parallel()
			hs, err := b.db.Register().FindHouseholdsByIDs(ctx, []string{b.otherResident.HouseholdID})
			require.NoError(t, err)
			r := b.do(t, b.token(t, b.clerk), householdQuery, map[string]any{"n": hs[0].Number})
			e := requireError(t, r, "NOT_FOUND", "", "not_found")
			none := requireError(t, b.do(t, b.token(t, b.clerk), householdQuery, map[string]any{"n": "000000000"}), "NOT_FOUND", "", "not_found")
			require.Equal(t, strings.ReplaceAll(none.Message, "000000000", hs[0].Number), e.Message, "the answer of a number nobody has")
			require.Len(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: hs[0].ID, ActorID: b.clerk.ID}), 1)
		})
	})
}

func TestQuery_Node(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const nodeQuery = `query($id: ID!) { node(id: $id) { id __typename ... on Resident { idNumber } ... on Household { number } ... on User { username } } }`
		type nodeJSON struct {
			Node *struct {
				ID, Typename, IDNumber, Number, Username string
			}
		}
		decode := func(t *testing.T, r gqlResponse) nodeJSON {
			t.Helper()
			var out nodeJSON
			r.ok(t, &out)
			require.NotNil(t, out.Node)
			return out
		}

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			// The ID a list returns reads the same resident back.
			var page residentPage
			b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"first": 1}).ok(t, &page)
			gid := page.Residents.Edges[0].Node.ID
			out := decode(t, b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": gid}))
			require.Equal(t, gid, out.Node.ID)
			want, err := b.db.Register().FindResidentByID(context.Background(), residentID(t, gid))
			require.NoError(t, err)
			require.Equal(t, want.IDNumber, out.Node.IDNumber)
		})
		t.Run("Household", func(t *testing.T) {
			t.Parallel()
			gid := scalar.GlobalID("Household", b.resident.HouseholdID)
			out := decode(t, b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": gid}))
			require.Equal(t, gid, out.Node.ID)
			require.NotEmpty(t, out.Node.Number)
		})
		t.Run("User", func(t *testing.T) {
			t.Parallel()
			gid := scalar.GlobalID("User", b.clerk.ID)
			require.Equal(t, "clerk", decode(t, b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": gid})).Node.Username)
			require.Equal(t, "clerk", decode(t, b.do(t, b.token(t, b.admin), nodeQuery, map[string]any{"id": gid})).Node.Username)
			requireError(t, b.do(t, b.token(t, b.officer), nodeQuery, map[string]any{"id": gid}), "FORBIDDEN", "", "auth.role")
		})
		t.Run("ErrOutsideJurisdiction", func(t *testing.T) {
			t.Parallel()
			// The answers of IDs nobody has, so they tell nothing.
			ghost := "00000000-0000-7000-8000-000000000000"
			for _, typ := range []string{"Resident", "Household"} {
				id := b.otherResident.ID
				if typ == "Household" {
					id = b.otherResident.HouseholdID
				}
				e := requireError(t, b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": scalar.GlobalID(typ, id)}), "NOT_FOUND", "", "not_found")
				none := requireError(t, b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": scalar.GlobalID(typ, ghost)}), "NOT_FOUND", "", "not_found")
				require.Equal(t, none.Message, e.Message, typ)
				require.Len(t, b.auditEntries(t, domain.AuditFilter{Action: domain.AuditDenied, SubjectID: id, ActorID: b.clerk.ID}), 1, typ)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": scalar.GlobalID("Resident", "00000000-0000-7000-8000-000000000000")})
			requireError(t, r, "NOT_FOUND", "", "")
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			t.Parallel()
			for _, id := range []string{"garbage!", scalar.GlobalID("Application", "x"), scalar.GlobalID("Resident", "")} {
				r := b.do(t, b.token(t, b.clerk), nodeQuery, map[string]any{"id": id})
				requireError(t, r, "BAD_USER_INPUT", "id", "node.id")
			}
		})
	})
}

// nested returns a resident query nested levels deep through household and members.
func nested(levels int) string {
	var sb strings.Builder
	sb.WriteString(`query($n: String!) { resident(idNumber: $n) { `)
	closes := 1
	for i := 0; i < levels; i++ {
		if i%2 == 0 {
			sb.WriteString("household { ")
		} else {
			sb.WriteString("members { ")
		}
		closes++
	}
	sb.WriteString("id")
	sb.WriteString(strings.Repeat(" }", closes+1))
	return sb.String()
}

// officeChain returns a resident query that climbs parents levels of offices
// from the resident's station: depth parents+3, complexity about the same.
func officeChain(parents int) string {
	return `query($n: String!) { resident(idNumber: $n) { station { ` + strings.Repeat("parent { ", parents) + "code" + strings.Repeat(" }", parents+3)
}

func TestHandler_Limits(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			// Depth 10 exactly, cheap: resident, station, 7 parents, code.
			var out map[string]any
			b.do(t, b.token(t, b.clerk), officeChain(7), map[string]any{"n": b.resident.IDNumber}).ok(t, &out)
			// Depth 6 through members, under the complexity limit.
			b.do(t, b.token(t, b.clerk), nested(4), map[string]any{"n": b.resident.IDNumber}).ok(t, &out)
		})
		t.Run("ErrDepth", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), nested(9), map[string]any{"n": b.resident.IDNumber})
			requireError(t, r, "BAD_USER_INPUT", "", "query.depth")
			require.Equal(t, http.StatusOK, r.Status) // gqlgen: a refusal of kind "user" keeps 200
			require.Equal(t, "null", nullIfEmpty(r.Data))
			r = b.do(t, b.token(t, b.clerk), officeChain(8), map[string]any{"n": b.resident.IDNumber})
			requireError(t, r, "BAD_USER_INPUT", "", "query.depth")
			// Through fragments too.
			q := `query($n: String!) { resident(idNumber: $n) { ...R } }
fragment R on Resident { household { members { household { members { household { members { household { members { household { members { id } } } } } } } } } } }`
			r = b.do(t, b.token(t, b.clerk), q, map[string]any{"n": b.resident.IDNumber})
			requireError(t, r, "BAD_USER_INPUT", "", "query.depth")
		})
		t.Run("ErrComplexity", func(t *testing.T) {
			t.Parallel()
			q := `{ residents(first: 200) { edges { node { household { members { name household { members { name } } } } } } } }`
			r := b.do(t, b.token(t, b.admin), q, nil)
			requireError(t, r, "COMPLEXITY_LIMIT_EXCEEDED", "", "")
			require.Equal(t, http.StatusOK, r.Status)
			require.Equal(t, "null", nullIfEmpty(r.Data))
		})
		t.Run("ErrComplexityNegativeFirst", func(t *testing.T) {
			t.Parallel()
			// A negative page size must not pay for another field's cost.
			q := `{ big: residents(first: 200) { edges { node { household { members { name household { members { name } } } } } } }
  neg: residents(first: -100000) { edges { node { household { members { name household { members { name } } } } } } } }`
			r := b.do(t, b.token(t, b.admin), q, nil)
			requireError(t, r, "COMPLEXITY_LIMIT_EXCEEDED", "", "")
			require.Equal(t, "null", nullIfEmpty(r.Data))
		})
		t.Run("ErrParse", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), `{ residents(first: 1 { totalCount }`, nil)
			requireError(t, r, "GRAPHQL_PARSE_FAILED", "", "")
			require.Equal(t, http.StatusUnprocessableEntity, r.Status)
		})
		t.Run("ErrUnknownField", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), `{ residents(first: 1) { totalCount passwordHash } }`, nil)
			requireError(t, r, "GRAPHQL_VALIDATION_FAILED", "", "")
			require.Equal(t, http.StatusUnprocessableEntity, r.Status)
		})
		t.Run("ErrBadVariable", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"first": "many"})
			require.NotEmpty(t, r.Errors)
			require.Contains(t, []any{"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}, r.Errors[0].Extensions["code"], "errors: %+v", r.Errors)
		})
		t.Run("ErrBadEnum", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.clerk), residentsQuery, map[string]any{"f": map[string]any{"status": "ALIVE"}})
			require.NotEmpty(t, r.Errors)
			require.Contains(t, []any{"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}, r.Errors[0].Extensions["code"], "errors: %+v", r.Errors)
		})
	})
}

func nullIfEmpty(raw []byte) string {
	if len(raw) == 0 {
		return "null"
	}
	return string(raw)
}

const createUserMutation = `mutation($in: CreateUserInput!) { createUser(input: $in) { id username displayName office { code } roles } }`

func TestMutation_CreateUser(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		input := func(username string, mod func(map[string]any)) map[string]any {
			in := map[string]any{"username": username, "displayName": "新用户", "password": "long enough pw",
				"officeCode": b.otherStation, "roles": []string{"CLERK", "OFFICER"}}
			if mod != nil {
				mod(in)
			}
			return map[string]any{"in": in}
		}

		t.Run("OK", func(t *testing.T) {
			t.Parallel()
			var out struct {
				CreateUser struct {
					ID, Username, DisplayName string
					Office                    struct{ Code string }
					Roles                     []string
				}
			}
			b.do(t, b.token(t, b.admin), createUserMutation, input("new.clerk", nil)).ok(t, &out)
			u := out.CreateUser
			require.Equal(t, "new.clerk", u.Username)
			require.Equal(t, "新用户", u.DisplayName)
			require.Equal(t, b.otherStation, u.Office.Code)
			require.Equal(t, []string{"CLERK", "OFFICER"}, u.Roles)
			require.NotEmpty(t, u.ID)
			// The new user can sign in, and the creation is audited.
			var login struct{ Login session }
			b.do(t, "", loginMutation, map[string]any{"u": "new.clerk", "p": "long enough pw"}).ok(t, &login)
			require.Equal(t, b.otherStation, login.Login.User.Office.Code)
			changes := b.auditEntries(t, domain.AuditFilter{Action: domain.AuditChange, ActorID: b.admin.ID})
			require.NotEmpty(t, changes)
			require.Equal(t, "createUser", changes[0].Operation)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.admin), createUserMutation, input("clerk", nil))
			requireError(t, r, "CONFLICT", "", "")
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name, field, reason string
				mod                 func(map[string]any)
			}{
				{"Username", "username", "user.username", func(in map[string]any) { in["username"] = "Bad Name" }},
				{"UsernameShort", "username", "user.username", func(in map[string]any) { in["username"] = "ab" }},
				{"Password", "password", "user.password", func(in map[string]any) { in["password"] = "short" }},
				{"NoRoles", "roles", "user.roles", func(in map[string]any) { in["roles"] = []string{} }},
				{"DisplayName", "displayName", "user.display_name", func(in map[string]any) { in["displayName"] = "" }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := b.do(t, b.token(t, b.admin), createUserMutation, input("valid.name", tc.mod))
					requireError(t, r, "BAD_USER_INPUT", tc.field, tc.reason)
				})
			}
		})
		t.Run("ErrUnknownOffice", func(t *testing.T) {
			t.Parallel()
			// Within the city's code range, so jurisdiction passes and the office is looked up.
			r := b.do(t, b.token(t, b.admin), createUserMutation, input("ghost", func(in map[string]any) { in["officeCode"] = b.city[:4] + "99999999" }))
			requireError(t, r, "NOT_FOUND", "officeCode", "office.unknown")
		})
		t.Run("ErrOutsideJurisdiction", func(t *testing.T) {
			t.Parallel()
			r := b.do(t, b.token(t, b.admin), createUserMutation, input("beijing", func(in map[string]any) { in["officeCode"] = "110101000000" }))
			requireError(t, r, "FORBIDDEN", "", "auth.jurisdiction")
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			t.Parallel()
			for _, u := range []*domain.User{b.clerk, b.officer, b.analyst, b.portal} {
				r := b.do(t, b.token(t, u), createUserMutation, input(fmt.Sprintf("by.%s", u.Username), nil))
				requireError(t, r, "FORBIDDEN", "", "auth.role")
			}
			requireError(t, b.do(t, "", createUserMutation, input("anon", nil)), "UNAUTHENTICATED", "", "auth.required")
		})
	})
}
