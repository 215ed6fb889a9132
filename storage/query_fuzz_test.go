package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"hukou/documents"
	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// treeFrom builds a condition tree from fuzz bytes: groups, fields and
// operators chosen from the source's and from hostile names (unknown
// fields, the engine's internal operators, SQL in names and values).
func treeFrom(src *domain.QuerySource, data []byte) *domain.QueryCondition {
	pos := 0
	next := func() int {
		if pos >= len(data) {
			return 0
		}
		pos++
		return int(data[pos-1])
	}
	names := []string{"", "nope", `status"; DROP TABLE cases; --`, "applicant", "id"}
	for _, f := range src.Fields {
		names = append(names, f.Name)
	}
	ops := []domain.QueryOperator{domain.OpEq, domain.OpNe, domain.OpIn, domain.OpBetween, domain.OpPrefix, domain.OpContains,
		domain.OpIsNull, domain.OpNotNull, domain.OpLastDays, domain.OpWithin, domain.OpRangeIncl, domain.OpAtLeast, "", "LIKE"}
	values := []string{"", "DRAFT", "2026-11-01", "2026-11-30", "30", "0", "-1", "211100000000", "211103000100", "110101000100",
		"211103", "王", "%", "_", `\`, "'", `' OR 1=1 --`, "O11", "01", "1", "99999999999999999999", "2026-02-30", "\x00", "\xff"}
	var build func(depth int) *domain.QueryCondition
	build = func(depth int) *domain.QueryCondition {
		b := next()
		if b%4 == 0 && depth < 8 {
			g := &domain.QueryCondition{Group: []domain.QueryGroupOp{domain.GroupAnd, domain.GroupOr, "XOR"}[next()%3]}
			for range next() % 5 {
				g.Children = append(g.Children, build(depth+1))
			}
			if next()%7 == 0 {
				g.Field = "status"
			}
			return g
		}
		c := &domain.QueryCondition{Field: names[next()%len(names)], Op: ops[next()%len(ops)]}
		for range next() % 4 {
			c.Values = append(c.Values, values[next()%len(values)])
		}
		if b%11 == 0 {
			c.Values = append(c.Values, string(data[min(pos, len(data)):]))
		}
		return c
	}
	return build(0)
}

// FuzzQueryCompile checks random condition trees end to end (1.5.1): the
// check never panics; a tree it accepts compiles to SQL that SQLite runs
// (never invalid SQL) and names only the source's declared fields (never
// outside the whitelist); a masked caller's accepted tree has no
// condition on personal data except emptiness.
func FuzzQueryCompile(f *testing.F) {
	db := storagetest.OpenSQLite(f)
	ctx := context.Background()
	storagetest.CreateCase(f, db)
	office := &domain.Office{Code: "211100000000", Name: "市局", Level: domain.OfficeCityBureau, Division: "211100"}
	if err := db.Offices().UpsertOffice(ctx, office); err != nil {
		f.Fatal(err)
	}
	sources := []*domain.QuerySource{birthSource(f), domain.ResidentQuerySource()}
	audit := storage.NewAuditWriter(db)
	f.Cleanup(audit.Close)
	qs := domain.NewQueryService(db, audit, documents.Tables{}, time.Now, uuid.NewString, sources...)
	for _, seed := range [][]byte{{0, 1, 3, 5, 2, 9, 4}, {4, 4, 4, 4, 4}, {1, 7, 2, 3, 11, 12}, []byte("AND OR status DRAFT 2026")} {
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, analyst bool) {
		src := sources[len(data)%2]
		actor := &domain.Actor{UserID: "u", OfficeCode: office.Code, Office: office, Roles: []domain.Role{domain.RoleAdmin}}
		if analyst {
			actor.Roles = []domain.Role{domain.RoleAnalyst}
		}
		tree := treeFrom(src, data)
		node, err := qs.CheckCondition(ctx, actor, src, tree)
		if err != nil {
			if c := domain.ErrorCode(err); c != domain.CodeInvalid && c != domain.CodeForbidden {
				t.Fatalf("refused with %s, not invalid or forbidden: %v", c, err)
			}
			return
		}
		checkWhitelisted(t, src, node, analyst)
		plan := &domain.QueryPlan{Source: src, OfficePrefix: "2111", Where: node, Sort: src.Field("updatedAt"), Descending: true,
			Columns: []*domain.QueryField{src.Field("createdAt")}, Limit: 5}
		if _, err := db.Queries().RunQuery(ctx, plan); err != nil {
			t.Fatalf("an accepted tree gave SQL the database refused: %v\ntree: %+v", err, tree)
		}
		if _, err := db.Queries().CountQuery(ctx, plan); err != nil {
			t.Fatalf("count: %v", err)
		}
	})
}

func checkWhitelisted(t *testing.T, src *domain.QuerySource, n *domain.QueryNode, masked bool) {
	t.Helper()
	if n == nil {
		return
	}
	if n.Group != "" {
		for _, c := range n.Children {
			checkWhitelisted(t, src, c, masked)
		}
		return
	}
	if n.Field == nil || src.Field(n.Field.Name) != n.Field {
		t.Fatalf("a condition on a field outside the whitelist: %+v", n.Field)
	}
	if masked && n.Field.PII != "" && n.Op != domain.OpIsNull && n.Op != domain.OpNotNull {
		t.Fatalf("a masked caller's condition on personal data %s %s", n.Field.Name, n.Op)
	}
	internal := []domain.QueryOperator{domain.OpEq, domain.OpNe, domain.OpIn, domain.OpPrefix, domain.OpContains, domain.OpIsNull,
		domain.OpNotNull, domain.OpRangeIncl, domain.OpRangeExcl, domain.OpAtLeast}
	if !slices.Contains(internal, n.Op) {
		t.Fatalf("operator %s reached storage", n.Op)
	}
}
