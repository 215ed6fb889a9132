package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"hukou/domain"
)

// loadSchema parses graph/schema/*.graphqls as the server serves it.
func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("../../graph/schema/*.graphqls")
	require.NoError(t, err)
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sources = append(sources, &ast.Source{Name: filepath.Base(f), Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(sources...)
	require.NoError(t, err)
	return s
}

// mutationName is the mutation that takes a user step: the action in
// lower camel case (SUBMIT_BIRTH_REGISTRATION → submitBirthRegistration).
func mutationName(a domain.Action) string {
	var b strings.Builder
	for i, part := range strings.Split(strings.ToLower(string(a)), "_") {
		if i > 0 && part != "" {
			part = string(unicode.ToUpper(rune(part[0]))) + part[1:]
		}
		b.WriteString(part)
	}
	return b.String()
}

func enumValues(s *ast.Schema, name string) []string {
	var out []string
	for _, v := range s.Types[name].EnumValues {
		out = append(out, v.Name)
	}
	return out
}

// TestKinds_SchemaAgreesWithDeclarations holds every registered kind's
// declaration against the schema, so a rule is declared once: the kinds,
// statuses and actions of the enums are exactly the declared ones; every
// user step has the mutation named after it, whose coarse @auth gate names
// exactly the step's declared roles.
func TestKinds_SchemaAgreesWithDeclarations(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	// The modules' declarations need no dependencies: a zero kinds value
	// lists them (its Workflow methods read package-level declarations).
	var kindNames, statuses, actions []string
	for _, m := range (kinds{}).modules() {
		w := m.Workflow()
		require.NoError(t, w.Validate())
		kindNames = append(kindNames, string(w.Kind))
		for _, st := range w.States {
			if !slices.Contains(statuses, string(st.Status)) {
				statuses = append(statuses, string(st.Status))
			}
		}
		for _, st := range w.Steps {
			actions = append(actions, string(st.Action))
			if len(st.Roles) == 0 {
				continue
			}
			f := s.Mutation.Fields.ForName(mutationName(st.Action))
			require.NotNil(t, f, "%s: step %s has no mutation %s", w.Kind, st.Action, mutationName(st.Action))
			auth := f.Directives.ForName("auth")
			require.NotNil(t, auth, "mutation %s has no @auth gate", f.Name)
			var gate []string
			for _, r := range auth.Arguments.ForName("roles").Value.Children {
				gate = append(gate, r.Value.Raw)
			}
			var declared []string
			for _, r := range st.Roles {
				declared = append(declared, string(r))
			}
			require.ElementsMatch(t, declared, gate, "mutation %s: @auth and the declaration of %s disagree", f.Name, st.Action)
		}
	}
	require.ElementsMatch(t, kindNames, enumValues(s, "CaseKind"), "enum CaseKind is the registered kinds")
	for _, a := range domain.ArchiveActions { // the archive changes every kind's history records
		actions = append(actions, string(a))
	}
	require.ElementsMatch(t, actions, enumValues(s, "CaseActionName"), "enum CaseActionName is the declared steps and the archive changes")
	require.Subset(t, enumValues(s, "CaseStatus"), statuses, "every declared status is in enum CaseStatus")
	require.Subset(t, statuses, enumValues(s, "CaseStatus"), "enum CaseStatus has no status no kind declares")
	require.Len(t, s.Types["CaseDetails"].Types, len(kindNames), "union CaseDetails has one type per kind")
}

var (
	featureRow = regexp.MustCompile(`(?m)^\| (\d+(?:\.\d+)*) \|`)
	featureHdr = regexp.MustCompile(`(?m)^#+ (\d+(?:\.\d+)*) `)
	// featureRef is a cited ID like 1.1.1 or 2.2; not a part of a longer
	// number such as GB/T 2261.1.
	featureRef = regexp.MustCompile(`(?:^|[^\d./])([1-9]\.\d{1,2}(?:\.\d{1,2})?)\b`)
)

// TestFeatureIndex checks the feature IDs the schema claims: each cited ID
// exists in the feature catalogue (docs/features.md, a copy of the shared
// spec kept with the code), and every business step cites at least one.
func TestFeatureIndex(t *testing.T) {
	t.Parallel()
	catalogue, err := os.ReadFile("../../docs/features.md")
	require.NoError(t, err)
	if shared, err := os.ReadFile("../../../shared/spec/features.md"); err == nil {
		require.Equal(t, string(shared), string(catalogue), "docs/features.md is a stale copy of the shared spec")
	}
	ids := map[string]bool{}
	for _, re := range []*regexp.Regexp{featureRow, featureHdr} {
		for _, m := range re.FindAllStringSubmatch(string(catalogue), -1) {
			ids[m[1]] = true
		}
	}
	require.Contains(t, ids, "1.1.1")
	s := loadSchema(t)
	cite := func(where, desc string) {
		for _, m := range featureRef.FindAllStringSubmatch(desc, -1) {
			id := m[1]
			require.True(t, ids[id], "%s cites feature %s, which docs/features.md does not have", where, id)
		}
	}
	for _, def := range s.Types {
		cite(def.Name, def.Description)
		for _, f := range def.Fields {
			cite(def.Name+"."+f.Name, f.Description)
		}
		for _, v := range def.EnumValues {
			cite(def.Name+"."+v.Name, v.Description)
		}
	}
	steps := enumValues(s, "CaseActionName")
	for _, f := range s.Mutation.Fields {
		if !slices.ContainsFunc(steps, func(a string) bool { return mutationName(domain.Action(a)) == f.Name }) {
			continue
		}
		require.NotEmpty(t, featureRef.FindAllString(f.Description, -1), "business step %s cites no feature ID", f.Name)
	}
}
