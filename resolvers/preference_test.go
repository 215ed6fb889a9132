package resolvers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestPreferences keeps per-user preferences (#19 item 4) on both
// databases: each user reads and writes only their own, the last write
// wins, and an unknown key, an oversized or invalid value is refused with
// its reason.
func TestPreferences(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		const get = `query { myPreference(key: CASE_LIST_COLUMNS) }`
		const set = `mutation($v: String!) { setMyPreference(key: CASE_LIST_COLUMNS, value: $v) }`
		read := func(t *testing.T, token string) *string {
			t.Helper()
			var out struct{ MyPreference *string }
			b.do(t, token, get, nil).ok(t, &out)
			return out.MyPreference
		}
		write := func(t *testing.T, token, v string) string {
			t.Helper()
			var out struct{ SetMyPreference string }
			b.do(t, token, set, map[string]any{"v": v}).ok(t, &out)
			return out.SetMyPreference
		}
		clerk, other := b.token(t, b.clerk), b.token(t, b.otherClerk)

		t.Run("OwnOnly", func(t *testing.T) {
			require.Nil(t, read(t, clerk), "nothing kept yet: the page's defaults")
			got := write(t, clerk, `{"order":["status","collabNo","kind","people","side","otherOffice","created","deadline","updatedAt"],"hidden":["people"]}`)
			require.JSONEq(t, `{"order":["status","collabNo","kind","people","side","otherOffice","created","deadline","updatedAt"],"hidden":["people"]}`, got)
			require.JSONEq(t, got, *read(t, clerk))
			require.Nil(t, read(t, other), "another user never reads the clerk's settings")
			// Every role keeps its own, the analyst and the portal client too.
			for _, u := range []string{b.token(t, b.analyst), b.token(t, b.portal), b.token(t, b.admin)} {
				require.Nil(t, read(t, u))
			}
			write(t, other, `{"order":["collabNo"],"hidden":[]}`)
			require.JSONEq(t, got, *read(t, clerk), "another user's write leaves the clerk's alone")
		})

		t.Run("LastWriteWins", func(t *testing.T) {
			write(t, clerk, `{"order":["kind","collabNo"]}`)
			got := write(t, clerk, `{"order":["collabNo","kind"],"hidden":["kind"]}`)
			require.JSONEq(t, `{"order":["collabNo","kind"],"hidden":["kind"]}`, got)
			require.JSONEq(t, got, *read(t, clerk))
			require.JSONEq(t, `{"order":["deadline"],"hidden":[]}`, write(t, clerk, `{"order":["deadline"]}`), "hidden normalised to []")
			entries := b.auditEntries(t, domain.AuditFilter{ActorID: b.clerk.ID, Operation: "setMyPreference"})
			require.NotEmpty(t, entries, "each change is audited")
			require.Equal(t, domain.AuditChange, entries[0].Action)
			require.JSONEq(t, `{"order":["deadline"],"hidden":[]}`, entries[0].Detail)
		})

		t.Run("Refused", func(t *testing.T) {
			before := *read(t, clerk)
			for v, reason := range map[string]string{
				`{"order":["nope"]}`:                     "preference.invalid",
				`{"order":["kind","kind"]}`:              "preference.invalid",
				`{"order":["kind"],"hidden":["kind"]}`:   "preference.invalid",
				`{"order":["kind"],"hidden":["status"]}`: "preference.invalid",
				`{"order":[]}`:                           "preference.invalid",
				`{"order":["kind"],"extra":1}`:           "preference.invalid",
				`[1,2]`:                                  "preference.invalid",
				`not json`:                               "preference.invalid",
				`{"order":["kind"]} {}`:                  "preference.invalid",
				`{"order":["kind"],"hidden":[],"pad":"` + strings.Repeat("x", 5000) + `"}`: "preference.too_large",
			} {
				requireError(t, b.do(t, clerk, set, map[string]any{"v": v}), "BAD_USER_INPUT", "value", reason)
			}
			require.Equal(t, before, *read(t, clerk), "a refused value changes nothing")
			r := b.do(t, clerk, `mutation { setMyPreference(key: SOMETHING_ELSE, value: "{}") }`, nil)
			require.NotEmpty(t, r.Errors, "an unknown key is refused by the schema")
			requireError(t, b.do(t, "", get, nil), "UNAUTHENTICATED", "", "")
		})
	})
}
