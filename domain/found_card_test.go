package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// TestFlagFoundCards: a found card matched to its owner flags the current
// card (the one issued last) of the ID card history (3.1.5, 7.1.3), with
// the newest matched card's time, station and claim; nothing else.
func TestFlagFoundCards(t *testing.T) {
	t.Parallel()
	day := func(y int) time.Time { return time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC) }
	history := func() []domain.IDCardRecord {
		return []domain.IDCardRecord{{Status: "EXPIRED", IssuedOn: day(2006)}, {Status: "ISSUED", IssuedOn: day(2016)}, {Status: "IN_PRODUCTION", AppliedOn: day(2026)}}
	}
	found := func(at int, station string, matched bool, status domain.FoundCardStatus) *domain.FoundCard {
		return &domain.FoundCard{FoundAt: day(at), Station: station, OwnerMatched: matched, Status: status}
	}
	for name, tc := range map[string]struct {
		history []domain.IDCardRecord
		found   []*domain.FoundCard
		flagged int // index, or -1
		station string
		claimed bool
	}{
		"None":         {history(), nil, -1, "", false},
		"Unmatched":    {history(), []*domain.FoundCard{found(2025, "211102001000", false, domain.CardHeld)}, -1, "", false},
		"CurrentCard":  {history(), []*domain.FoundCard{found(2025, "211102001000", true, domain.CardHeld)}, 1, "211102001000", false},
		"NewestWins":   {history(), []*domain.FoundCard{found(2020, "211102001000", true, domain.CardClaimed), found(2025, "211103001000", true, domain.CardHeld)}, 1, "211103001000", false},
		"Claimed":      {history(), []*domain.FoundCard{found(2025, "211102001000", true, domain.CardClaimed)}, 1, "211102001000", true},
		"NeverIssued":  {[]domain.IDCardRecord{{Status: "IN_PRODUCTION", AppliedOn: day(2026)}}, []*domain.FoundCard{found(2025, "211102001000", true, domain.CardHeld)}, -1, "", false},
		"EmptyHistory": {nil, []*domain.FoundCard{found(2025, "211102001000", true, domain.CardHeld)}, -1, "", false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			domain.FlagFoundCards(tc.history, tc.found)
			for i, r := range tc.history {
				if i != tc.flagged {
					require.Nil(t, r.FoundAt, "record %d", i)
					continue
				}
				require.NotNil(t, r.FoundAt)
				require.Equal(t, tc.station, r.FoundStation)
				require.Equal(t, tc.claimed, r.FoundClaimed)
			}
		})
	}
}
