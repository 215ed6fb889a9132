package resolvers_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestFoundIDCards covers found ID cards (3.1.5) on both databases: a
// station records a card and the Ministry matches its owner (or not), the
// station's jurisdiction finds it by number, and the claim is recorded once.
func TestFoundIDCards(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)
		clerk := b.token(t, b.clerk)
		const recordQ = `mutation($in: RecordFoundCardInput!) { recordFoundIdCard(input: $in) { id idNumber station ownerMatched ownerName status version } }`
		type card struct {
			ID, IDNumber, Station, OwnerName, Status string
			OwnerMatched                             bool
			Version                                  int
			ClaimantIDNumber                         string
		}
		record := func(number string) card {
			var out struct{ RecordFoundIdCard card }
			b.do2(t, srv.URL, clerk, recordQ, map[string]any{"in": map[string]any{"idNumber": number, "nameOnCard": "李秀英",
				"foundAt": time.Now().Add(-2 * time.Hour).Format(time.RFC3339), "foundPlace": "兴隆台区公交站", "finderName": "王师傅", "finderPhone": "13800001111"}}).ok(t, &out)
			return out.RecordFoundIdCard
		}
		matched := record(ministrysim.ScriptedSpouseIDNumber)
		require.True(t, matched.OwnerMatched, "the Ministry knows the card's owner")
		require.NotEmpty(t, matched.OwnerName)
		require.Equal(t, b.station, matched.Station)
		require.Equal(t, "HELD", matched.Status)
		unknown := record(ministrysim.NoResultIDNumber)
		require.False(t, unknown.OwnerMatched)
		requireError(t, b.do2(t, srv.URL, clerk, recordQ, map[string]any{"in": map[string]any{"idNumber": "12345",
			"foundAt": time.Now().Format(time.RFC3339), "foundPlace": "x", "finderName": "y"}}), "BAD_USER_INPUT", "idNumber", "")
		requireError(t, b.do2(t, srv.URL, b.token(t, b.officer), recordQ, map[string]any{"in": map[string]any{"idNumber": ministrysim.ScriptedSpouseIDNumber,
			"foundAt": time.Now().Format(time.RFC3339), "foundPlace": "x", "finderName": "y"}}), "FORBIDDEN", "", "")

		// The owner's card is flagged found in the ID card history the
		// intake shows (3.1.5, 7.1.3): the Ministry's history with this
		// deployment's record, at any station of the deployment.
		type historyRecord struct {
			Status       string
			IssuedOn     *string
			FoundAt      *time.Time
			FoundStation *string
			FoundClaimed bool
		}
		const lookupQ = `query($n: String!) { idCardLookup(idNumber: $n, applicationKind: RENEWAL, reason: "DATA_CHANGED") { history { status issuedOn foundAt foundStation foundClaimed } } }`
		flagged := func(tok string) historyRecord {
			var out struct {
				IdCardLookup struct{ History []historyRecord }
			}
			b.do2(t, srv.URL, tok, lookupQ, map[string]any{"n": ministrysim.ScriptedSpouseIDNumber}).ok(t, &out)
			var found []historyRecord
			for _, r := range out.IdCardLookup.History {
				if r.FoundAt != nil {
					found = append(found, r)
				}
			}
			require.Len(t, found, 1, "exactly the current card is flagged: %+v", out.IdCardLookup.History)
			return found[0]
		}
		f := flagged(clerk)
		require.Equal(t, b.station, *f.FoundStation)
		require.False(t, f.FoundClaimed)
		require.NotNil(t, f.IssuedOn)
		require.Equal(t, b.station, *flagged(b.token(t, b.otherClerk)).FoundStation, "another station's intake sees where it waits")

		const findQ = `query($n: String) { foundIdCards(idNumber: $n) { id status } }`
		find := func(tok, number string) int {
			var out struct{ FoundIdCards []card }
			b.do2(t, srv.URL, tok, findQ, map[string]any{"n": number}).ok(t, &out)
			return len(out.FoundIdCards)
		}
		require.Equal(t, 1, find(clerk, ministrysim.ScriptedSpouseIDNumber))
		require.Equal(t, 1, find(b.token(t, b.officer), ministrysim.ScriptedSpouseIDNumber), "the county sees its stations' cards")
		require.Zero(t, find(b.token(t, b.otherClerk), ministrysim.ScriptedSpouseIDNumber), "another county's station does not")
		requireError(t, b.do2(t, srv.URL, b.token(t, b.analyst), findQ, nil), "FORBIDDEN", "", "")

		const claimQ = `mutation($id: ID!, $v: Int!, $n: String!) { claimFoundIdCard(input: {id: $id, version: $v, claimantName: "李秀英", claimantIdNumber: $n}) { status claimantIdNumber version } }`
		vars := map[string]any{"id": matched.ID, "v": matched.Version, "n": ministrysim.ScriptedSpouseIDNumber}
		requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), claimQ, vars), "NOT_FOUND", "", "not_found")
		var claimed struct{ ClaimFoundIdCard card }
		b.do2(t, srv.URL, clerk, claimQ, vars).ok(t, &claimed)
		require.Equal(t, "CLAIMED", claimed.ClaimFoundIdCard.Status)
		require.Equal(t, ministrysim.ScriptedSpouseIDNumber, claimed.ClaimFoundIdCard.ClaimantIDNumber)
		requireError(t, b.do2(t, srv.URL, clerk, claimQ, vars), "CONFLICT", "", "found_card.claimed")
		require.True(t, flagged(clerk).FoundClaimed, "the history shows the card collected")
	})
}
