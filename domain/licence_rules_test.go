package domain

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLicenceProblem: why a cited licence cannot stand as a material of a
// case (4.1.2), table-tested where the rule lives: revoked, expired, not yet
// valid, held by someone the case is not about; a case whose persons have no
// ID number yet accepts any holder.
func TestLicenceProblem(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	father := "130102198503120011"
	c := &Case{People: []CasePerson{{Name: "陈晓明"}, {Name: "陈建国", IDNumber: father}}}
	nobody := &Case{People: []CasePerson{{Name: "陈晓明"}}}
	valid := func(edit func(l *Licence)) *Licence {
		l := &Licence{ID: "HKB1", Type: LicenceHukouBook, HolderIDNumber: father, IssuedAt: now.AddDate(-1, 0, 0), ValidUntil: now.AddDate(9, 0, 0)}
		if edit != nil {
			edit(l)
		}
		return l
	}
	for name, tc := range map[string]struct {
		c      *Case
		l      *Licence
		reason string
	}{
		"Valid":             {c, valid(nil), ""},
		"HolderLowerX":      {&Case{People: []CasePerson{{IDNumber: "13010219850312001x"}}}, valid(func(l *Licence) { l.HolderIDNumber = "13010219850312001X" }), ""},
		"Revoked":           {c, valid(func(l *Licence) { l.RevokedAt = &before }), "licence.revoked"},
		"RevokedLater":      {c, valid(func(l *Licence) { l.RevokedAt = &after }), ""},
		"Expired":           {c, valid(func(l *Licence) { l.ValidUntil = now }), "licence.expired"},
		"NotYetValid":       {c, valid(func(l *Licence) { l.IssuedAt = after }), "licence.expired"},
		"OtherHolder":       {c, valid(func(l *Licence) { l.HolderIDNumber = "211102198010052301" }), "licence.holder"},
		"NoIDNumbersInCase": {nobody, valid(func(l *Licence) { l.HolderIDNumber = "211102198010052301" }), ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reason, problem := licenceProblem(tc.c, tc.l, now)
			require.Equal(t, tc.reason, reason)
			require.Equal(t, tc.reason == "", problem == "", problem)
		})
	}
}

// TestKeepCitations_HostilePeer: an application whose cited licences are
// malformed is refused (a dead letter) before anything is kept.
func TestKeepCitations_HostilePeer(t *testing.T) {
	t.Parallel()
	ok := &Licence{ID: "HKB1", Type: LicenceHukouBook}
	for name, cl := range map[string]CitedLicence{
		"NoLicence":   {LicenceID: "HKB1", MaterialCode: "HUKOU_BOOK"},
		"OtherID":     {LicenceID: "HKB2", MaterialCode: "HUKOU_BOOK", Licence: ok},
		"UnknownType": {LicenceID: "X1", MaterialCode: "HUKOU_BOOK", Licence: &Licence{ID: "X1", Type: "PASSPORT"}},
		"NoMaterial":  {LicenceID: "HKB1", Licence: ok},
		"IDTooLong":   {LicenceID: "HKB12345678901234567890123456789012345678", MaterialCode: "M", Licence: &Licence{ID: "HKB12345678901234567890123456789012345678", Type: LicenceHukouBook}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := keepCitations(context.Background(), nil, "c", []CitedLicence{cl}) // nil repos: refused before any write
			var de *Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, CodeInvalid, de.Code)
			require.Equal(t, "collab.licence", de.Reason)
		})
	}
}

// TestLicenceKey: the idempotency key of issuing a licence (4.1.1, #17) is
// deterministic, at most 64 characters, and differs when anything it is
// derived from differs, the issue count included (a licence issued again
// after a revocation is a new key).
func TestLicenceKey(t *testing.T) {
	t.Parallel()
	const subject, holder = "XQ21110220261129000001", "130102198503120011"
	k := LicenceKey(LicenceMigrationCert, "migration.submit", subject, holder, 1)
	require.LessOrEqual(t, len(k), 64)
	require.Regexp(t, `^migration_certificate-[0-9a-f]{32}$`, k)
	require.Equal(t, k, LicenceKey(LicenceMigrationCert, "migration.submit", subject, holder, 1), "deterministic")
	require.Equal(t, k, LicenceKey(LicenceMigrationCert, "migration.submit", subject, "130102198503120011", 1))
	for name, other := range map[string]string{
		"type":    LicenceKey(LicenceMoveInPermit, "migration.submit", subject, holder, 1),
		"purpose": LicenceKey(LicenceMigrationCert, "migration.other", subject, holder, 1),
		"subject": LicenceKey(LicenceMigrationCert, "migration.submit", "XQ21110220261129000002", holder, 1),
		"holder":  LicenceKey(LicenceMigrationCert, "migration.submit", subject, "130102198503120029", 1),
		"issue":   LicenceKey(LicenceMigrationCert, "migration.submit", subject, holder, 2),
		"joined":  LicenceKey(LicenceMigrationCert, "migration.submit"+subject, "", holder, 1),
	} {
		require.NotEqual(t, k, other, name)
	}
	c := &Case{ID: "0193", CollabNo: subject}
	require.Equal(t, LicenceKey(LicenceIDCard, "id_card.produced", subject, holder, 1), CaseLicenceKey(c, LicenceIDCard, "id_card.produced", holder, 1))
	require.NotEqual(t, CaseLicenceKey(&Case{ID: "a"}, LicenceIDCard, "p", holder, 1), CaseLicenceKey(&Case{ID: "b"}, LicenceIDCard, "p", holder, 1),
		"a case without a collaboration number is keyed by its ID")

	_, err := (&LicenceService{}).Issue(context.Background(), LicenceRequest{Type: LicenceIDCard, HolderIDNumber: holder, HolderName: "张建国"})
	require.Equal(t, CodeInternal, ErrorCode(err), "never issued without a key")
}
