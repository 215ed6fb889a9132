package domain_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// keyed is a kind whose cases hold a unique key (their applicant data, a
// JSON string) until they are dropped.
var keyed = &domain.Workflow{
	Kind: "KEYED",
	States: []domain.StateSpec{
		{Status: "OPEN", Capture: true},
		{Status: "DROPPED", Terminal: true, ReleasesKey: true},
	},
	Steps: []domain.Step{
		{Action: "START_KEYED", To: "OPEN", Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
		{Action: "DROP_KEYED", From: []domain.CaseStatus{"OPEN"}, To: "DROPPED", Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
	},
	Unique: &domain.UniqueKey{Field: "number", Of: func(c *domain.Case) (string, error) {
		var key string
		return key, json.Unmarshal(c.Applicant, &key)
	}},
}

// TestCaseService_UniqueKey checks the engine's unique keys on both
// databases: a second live case with a key is refused (CONFLICT naming the
// declared field), a status that releases the key frees it.
func TestCaseService_UniqueKey(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		audit := storage.NewAuditWriter(db)
		t.Cleanup(audit.Close)
		cases := storagetest.Engine(db, audit, keyed)
		clerk := actorAt(archStation, domain.OfficePoliceStation, "clerk", domain.RoleClerk)
		create := func(key string) (*domain.Case, error) {
			c := &domain.Case{ID: uuid.NewString(), Kind: keyed.Kind, CollabNo: "XK" + uuid.NewString()[:18], AcceptanceOffice: archStation,
				RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: archStation,
				Applicant: json.RawMessage(`"` + key + `"`), Ministry: json.RawMessage("{}")}
			return c, cases.Create(clerk, c, "START_KEYED")
		}
		first, err := create("K1")
		require.NoError(t, err)
		_, err = create("K2")
		require.NoError(t, err, "another key is free")

		_, err = create("K1")
		de := requireCode(t, err, domain.CodeConflict, "number", "case.key_taken")
		require.Contains(t, de.Message, first.CollabNo, "the message names the holder")
		requireCode(t, cases.KeyFree(context.Background(), keyed.Kind, domain.SideAcceptance, "K1"), domain.CodeConflict, "number", "case.key_taken")
		require.NoError(t, cases.KeyFree(context.Background(), keyed.Kind, domain.SideRegistration, "K1"), "keys are per side")

		_, err = cases.Act(clerk, keyed.Kind, domain.StepRequest{Ref: domain.CaseRef{ID: first.ID, Version: first.Version}, Action: "DROP_KEYED"})
		require.NoError(t, err)
		require.NoError(t, cases.KeyFree(context.Background(), keyed.Kind, domain.SideAcceptance, "K1"), "a dropped case frees its key")
		_, err = create("K1")
		require.NoError(t, err)
	})
}

// multiKeyed is a kind whose cases hold several keys at once (UniqueKey.All):
// their applicant data, a JSON list.
var multiKeyed = &domain.Workflow{
	Kind: "MULTI",
	States: []domain.StateSpec{
		{Status: "OPEN", Capture: true},
		{Status: "DROPPED", Terminal: true, ReleasesKey: true},
	},
	Steps: []domain.Step{
		{Action: "START_MULTI", To: "OPEN", Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
		{Action: "DROP_MULTI", From: []domain.CaseStatus{"OPEN"}, To: "DROPPED", Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
	},
	Unique: &domain.UniqueKey{Field: "movers", All: func(c *domain.Case) ([]string, error) {
		var keys []string
		return keys, json.Unmarshal(c.Applicant, &keys)
	}},
}

// TestCaseService_UniqueKeys checks a kind whose case holds several keys
// (a migration: one live case per person) on both databases: a case
// sharing any key with a live one is refused and saves nothing, empty keys
// are skipped, and a status that releases the keys frees them all.
func TestCaseService_UniqueKeys(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		audit := storage.NewAuditWriter(db)
		t.Cleanup(audit.Close)
		cases := storagetest.Engine(db, audit, multiKeyed)
		clerk := actorAt(archStation, domain.OfficePoliceStation, "clerk", domain.RoleClerk)
		create := func(keys string) (*domain.Case, error) {
			c := &domain.Case{ID: uuid.NewString(), Kind: multiKeyed.Kind, CollabNo: "XM" + uuid.NewString()[:18], AcceptanceOffice: archStation,
				RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: archStation,
				Applicant: json.RawMessage(keys), Ministry: json.RawMessage("{}")}
			return c, cases.Create(clerk, c, "START_MULTI")
		}
		first, err := create(`["P1", "P2", ""]`)
		require.NoError(t, err)
		_, err = create(`["P3", "P2"]`)
		requireCode(t, err, domain.CodeConflict, "movers", "case.key_taken")
		require.NoError(t, cases.KeyFree(context.Background(), multiKeyed.Kind, domain.SideAcceptance, "P3"), "a refused case claims nothing")
		requireCode(t, cases.KeyFree(context.Background(), multiKeyed.Kind, domain.SideAcceptance, "P1"), domain.CodeConflict, "movers", "case.key_taken")
		_, err = create(`["P3"]`)
		require.NoError(t, err)

		_, err = cases.Act(clerk, multiKeyed.Kind, domain.StepRequest{Ref: domain.CaseRef{ID: first.ID, Version: first.Version}, Action: "DROP_MULTI"})
		require.NoError(t, err)
		for _, k := range []string{"P1", "P2"} {
			require.NoError(t, cases.KeyFree(context.Background(), multiKeyed.Kind, domain.SideAcceptance, k), "a dropped case frees every key")
		}
	})
}
