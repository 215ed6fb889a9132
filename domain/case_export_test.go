package domain_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// localeBlock returns the entries `KEY: 'label',` of the first block
// `name: {` at the given indentation of the SPA's locale.
func localeBlock(t *testing.T, src, indent, name string) map[string]string {
	t.Helper()
	start := strings.Index(src, "\n"+indent+name+": {\n")
	require.GreaterOrEqual(t, start, 0, "no block %s in zh-CN.ts", name)
	rest := src[start+len(indent)+len(name)+5:]
	end := strings.Index(rest, "\n"+indent+"}")
	require.GreaterOrEqual(t, end, 0)
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+([A-Za-z_]+): '([^']*)',`).FindAllStringSubmatch(rest[:end], -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestCaseExportLabels_MatchTheSPA keeps the case list export's headers and
// value labels the same as the case list shows them (the SPA's locale is
// where they are written first).
func TestCaseExportLabels_MatchTheSPA(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../frontend/src/locales/zh-CN.ts")
	require.NoError(t, err)
	src := string(raw)
	statuses := localeBlock(t, src, "  ", "statuses")
	require.Len(t, domain.CaseStatusLabels, len(statuses))
	for k, v := range statuses {
		require.Equal(t, v, domain.CaseStatusLabels[domain.CaseStatus(k)], k)
	}
	kinds := localeBlock(t, src, "  ", "kinds")
	require.Len(t, domain.CaseKindLabels, len(kinds))
	for k, v := range kinds {
		require.Equal(t, v, domain.CaseKindLabels[domain.CaseKind(k)], k)
	}
	sides := localeBlock(t, src, "  ", "sides")
	require.Len(t, domain.CaseSideLabels, len(sides))
	for k, v := range sides {
		require.Equal(t, v, domain.CaseSideLabels[domain.Side(k)], k)
	}
	list := localeBlock(t, src, "  ", "caseList")
	for _, c := range domain.CaseListColumns {
		require.Equal(t, list[string(c)], domain.CaseColumnHeaders[c], c)
	}
}
