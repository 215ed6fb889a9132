package domain_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/idnumber"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/storagetest"
)

// queryableBirth is birth's declaration with its query fields (where its
// cases keep persons' names and ID numbers), without the rest of the kind.
type queryableBirth struct{}

func (queryableBirth) Workflow() *domain.Workflow                           { return birth.Workflow }
func (queryableBirth) Receivers() map[domain.MessageType]domain.ReceiveFunc { return nil }
func (queryableBirth) Details(*domain.Case) (domain.CaseDetails, error)     { return struct{}{}, nil }
func (queryableBirth) QueryLabel() string                                   { return "出生登记" }
func (queryableBirth) QueryFields() []domain.QueryField                     { return (*birth.Service)(nil).QueryFields() }

// TestArchiveSearch searches archives by each condition of 1.4.8 on both
// databases: business kind, collaboration number, person name and ID
// number (through the kind's declared fields), material type, office,
// capture dates, status (valid or deleted) and restriction; always within
// the caller's jurisdiction, keyset-paged and audited.
func TestArchiveSearch(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		audit := storage.NewAuditWriter(db)
		t.Cleanup(audit.Close)
		cases := domain.NewCaseService(db, audit, storagetest.Collab(db), time.Now, uuid.NewString)
		cases.Register(queryableBirth{})
		var now time.Time
		cases.Now = func() time.Time { return now }
		svc := domain.NewArchiveService(cases, mustLocal(t), ministryClient(t), 0)
		for _, o := range []*domain.Office{
			{Code: archCity, Name: "盘锦市公安局", Level: domain.OfficeCityBureau, Division: "211100"},
			{Code: "211103000000", Name: "兴隆台分局", Level: domain.OfficeCountyBureau, ParentCode: archCity, Division: "211103"},
			{Code: archStation, Name: "兴隆台派出所", Level: domain.OfficePoliceStation, ParentCode: "211103000000", Division: "211103"},
			{Code: archOtherStation, Name: "双台子派出所", Level: domain.OfficePoliceStation, ParentCode: archCity, Division: "211104"},
		} {
			require.NoError(t, db.Offices().UpsertOffice(ctx, o))
		}
		clerk := actorAt(archStation, domain.OfficePoliceStation, "clerk", domain.RoleClerk)
		otherClerk := actorAt(archOtherStation, domain.OfficePoliceStation, "other", domain.RoleClerk)
		archivist := actorAt(archCity, domain.OfficeCityBureau, "archivist", domain.RoleArchivist)
		mother := idnumber.Generate("130102", time.Date(1990, 5, 6, 0, 0, 0, 0, time.UTC), 12)
		child := idnumber.Generate("211103", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 7)

		newCase := func(office, newborn, motherName, motherID, childID string) *domain.Case {
			c := &domain.Case{ID: uuid.NewString(), Kind: birth.Kind, Side: domain.SideAcceptance, CollabNo: "XT" + uuid.NewString()[:18],
				Status: domain.StatusDraft, AcceptanceOffice: office, RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: office,
				Applicant: mustJSON(t, map[string]any{"newbornName": newborn, "declarantName": "申报人" + newborn}),
				Ministry:  mustJSON(t, map[string]any{"certificate": map[string]any{"MotherName": motherName, "MotherIDNumber": motherID}}),
				Result:    mustJSON(t, map[string]any{"idNumber": childID}), CreatedBy: "clerk", CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
			require.NoError(t, db.Cases().CreateCase(ctx, c))
			return c
		}
		a := newCase(archStation, "张小明", "李梅", mother, child)
		b := newCase(archStation, "王芳", "赵丽", "", "")
		other := newCase(archOtherStation, "张小明", "李梅", mother, "")

		day1 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) // 18:00 in China
		day2 := time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC) // 01:00 on the 22nd in China
		upload := func(who context.Context, c *domain.Case, material string, at time.Time, w int) *domain.CaseFile {
			now = at
			f, err := svc.Upload(who, c.ID, material, material+".png", "image/png", bytes.NewReader(pngImage(t, w, 10)))
			require.NoError(t, err)
			return f
		}
		a1 := upload(clerk, a, "BIRTH_CERT", day1, 10)
		a2 := upload(clerk, a, "PARENT_ID", day1.Add(time.Minute), 11)
		b1 := upload(clerk, b, "BIRTH_CERT", day2, 12)
		o1 := upload(otherClerk, other, "BIRTH_CERT", day2.Add(time.Minute), 13)
		now = time.Now()
		_, err := svc.Delete(clerk, a2.ID, a2.Version, "重复")
		require.NoError(t, err)
		_, err = svc.SetRestriction(archivist, b1.ID, b1.Version, domain.RestrictionNoModify)
		require.NoError(t, err)

		ids := func(who context.Context, f domain.ArchiveSearch) []string {
			t.Helper()
			page, err := svc.Search(who, f, domain.Page{First: 50})
			require.NoError(t, err)
			var out []string
			for _, h := range page.Hits {
				require.NotNil(t, h.Case)
				require.Equal(t, h.File.CaseID, h.Case.ID)
				out = append(out, h.File.ID)
			}
			return out
		}
		d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

		for name, tc := range map[string]struct {
			who  context.Context
			f    domain.ArchiveSearch
			want []string
		}{
			"Everything/ClerkSeesItsStation":    {clerk, domain.ArchiveSearch{}, []string{b1.ID, a2.ID, a1.ID}},
			"Everything/CityArchivistSeesAll":   {archivist, domain.ArchiveSearch{}, []string{o1.ID, b1.ID, a2.ID, a1.ID}},
			"Kind":                              {archivist, domain.ArchiveSearch{Kind: birth.Kind}, []string{o1.ID, b1.ID, a2.ID, a1.ID}},
			"Kind/Other":                        {archivist, domain.ArchiveSearch{Kind: "MIGRATION"}, nil},
			"CollabNo":                          {archivist, domain.ArchiveSearch{CollabNo: a.CollabNo}, []string{a2.ID, a1.ID}},
			"PersonName/Newborn":                {archivist, domain.ArchiveSearch{PersonName: "张小明"}, []string{o1.ID, a2.ID, a1.ID}},
			"PersonName/Mother":                 {archivist, domain.ArchiveSearch{PersonName: "赵丽"}, []string{b1.ID}},
			"PersonName/Declarant":              {archivist, domain.ArchiveSearch{PersonName: "申报人王芳"}, []string{b1.ID}},
			"PersonName/Nobody":                 {archivist, domain.ArchiveSearch{PersonName: "张"}, nil},
			"PersonName/WithinJurisdiction":     {clerk, domain.ArchiveSearch{PersonName: "张小明"}, []string{a2.ID, a1.ID}},
			"PersonIDNumber/Mother":             {archivist, domain.ArchiveSearch{PersonIDNumber: mother}, []string{o1.ID, a2.ID, a1.ID}},
			"PersonIDNumber/Child":              {archivist, domain.ArchiveSearch{PersonIDNumber: child}, []string{a2.ID, a1.ID}},
			"PersonNameAndIDNumber":             {archivist, domain.ArchiveSearch{PersonName: "王芳", PersonIDNumber: mother}, nil},
			"MaterialCode":                      {archivist, domain.ArchiveSearch{MaterialCode: "PARENT_ID"}, []string{a2.ID}},
			"Office/Station":                    {archivist, domain.ArchiveSearch{OfficeCode: archOtherStation}, []string{o1.ID}},
			"Office/County":                     {archivist, domain.ArchiveSearch{OfficeCode: "211103000000"}, []string{b1.ID, a2.ID, a1.ID}},
			"Office/OutsideJurisdiction":        {clerk, domain.ArchiveSearch{OfficeCode: archOtherStation}, nil},
			"Dates/From":                        {archivist, domain.ArchiveSearch{From: d(2026, 11, 22)}, []string{o1.ID, b1.ID}},
			"Dates/To":                          {archivist, domain.ArchiveSearch{To: d(2026, 11, 21)}, []string{a2.ID, a1.ID}},
			"Dates/OneDayInChinaTime":           {archivist, domain.ArchiveSearch{From: d(2026, 11, 20), To: d(2026, 11, 20)}, []string{a2.ID, a1.ID}},
			"Dates/NoneThatDay":                 {archivist, domain.ArchiveSearch{From: d(2026, 11, 21), To: d(2026, 11, 21)}, nil},
			"Status/Valid":                      {archivist, domain.ArchiveSearch{Status: domain.ArchiveValid}, []string{o1.ID, b1.ID, a1.ID}},
			"Status/Deleted":                    {archivist, domain.ArchiveSearch{Status: domain.ArchiveDeleted}, []string{a2.ID}},
			"Restriction/NoModify":              {archivist, domain.ArchiveSearch{Restriction: domain.RestrictionNoModify}, []string{b1.ID}},
			"Restriction/None":                  {archivist, domain.ArchiveSearch{Restriction: domain.RestrictionNone}, []string{o1.ID, a2.ID, a1.ID}},
			"Combined":                          {archivist, domain.ArchiveSearch{Kind: birth.Kind, PersonName: "张小明", Status: domain.ArchiveValid, OfficeCode: archStation}, []string{a1.ID}},
			"Combined/OtherStationClerkSeesOwn": {otherClerk, domain.ArchiveSearch{PersonIDNumber: mother}, []string{o1.ID}},
		} {
			require.Equal(t, tc.want, ids(tc.who, tc.f), name)
		}

		t.Run("MaterialTypes", func(t *testing.T) {
			types, err := svc.MaterialTypes(archivist)
			require.NoError(t, err)
			require.Len(t, types, 2)
			names := map[string]string{}
			for _, m := range types {
				names[m.Code] = m.Name
			}
			require.Equal(t, map[string]string{"BIRTH_CERT": "出生医学证明", "PARENT_ID": names["PARENT_ID"]}, names)
			require.NotEqual(t, "PARENT_ID", names["PARENT_ID"], "named from the Ministry's list")
			types, err = svc.MaterialTypes(otherClerk)
			require.NoError(t, err)
			require.Len(t, types, 1, "the other station's archives only")
		})
		t.Run("Paging", func(t *testing.T) {
			var got []string
			p := domain.Page{First: 1}
			for {
				page, err := svc.Search(archivist, domain.ArchiveSearch{}, p)
				require.NoError(t, err)
				for _, h := range page.Hits {
					got = append(got, h.File.ID)
				}
				if !page.HasNextPage {
					break
				}
				p.After = page.EndCursor
			}
			require.Equal(t, []string{o1.ID, b1.ID, a2.ID, a1.ID}, got)
			_, err := svc.Search(archivist, domain.ArchiveSearch{}, domain.Page{First: 1, After: "bm90IGEgY3Vyc29y"})
			requireCode(t, err, domain.CodeInvalid, "after", "page.cursor")
		})
		t.Run("Refusals", func(t *testing.T) {
			for _, role := range []domain.Role{domain.RoleAnalyst, domain.RoleIntegrator} {
				_, err := svc.Search(actorAt(archCity, domain.OfficeCityBureau, "x", role), domain.ArchiveSearch{}, domain.Page{})
				requireCode(t, err, domain.CodeForbidden, "", "")
			}
			_, err := svc.Search(archivist, domain.ArchiveSearch{PersonIDNumber: "123"}, domain.Page{})
			requireCode(t, err, domain.CodeInvalid, "personIdNumber", "")
			_, err = svc.Search(archivist, domain.ArchiveSearch{From: d(2026, 11, 22), To: d(2026, 11, 21)}, domain.Page{})
			requireCode(t, err, domain.CodeInvalid, "to", "archive.search_range")
			_, err = svc.Search(archivist, domain.ArchiveSearch{OfficeCode: "999999999999"}, domain.Page{})
			requireCode(t, err, domain.CodeInvalid, "officeCode", "archive.search_office")
			_, err = svc.Search(archivist, domain.ArchiveSearch{Status: "GONE"}, domain.Page{})
			requireCode(t, err, domain.CodeInvalid, "status", "")
		})
		t.Run("Audited", func(t *testing.T) {
			_ = ids(archivist, domain.ArchiveSearch{PersonName: "赵丽"})
			entries, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{Operation: "archive.search", ActorName: "archivist"}, domain.Page{First: 100})
			require.NoError(t, err)
			found := false
			for _, e := range entries.Entries {
				if e.Action == domain.AuditRead && bytes.Contains([]byte(e.Detail), []byte("赵丽")) && bytes.Contains([]byte(e.Detail), []byte(b1.ID)) {
					found = true
				}
			}
			require.True(t, found, "the search, its conditions and the files found are in the audit log")
		})
	})
}

func mustLocal(t *testing.T) *blob.Local {
	t.Helper()
	l, err := blob.NewLocal(t.TempDir())
	require.NoError(t, err)
	return l
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
