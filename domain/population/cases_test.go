package population_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/certificate"
	"hukou/domain/idcard"
	"hukou/domain/migration"
	"hukou/domain/population"
)

// caseKinds are the kinds `hukou seed cases` generates: every Queryable one.
func caseKinds() []population.CaseKind {
	var cert *certificate.Service
	return population.CaseKindsOf((*birth.Service)(nil), (*migration.Service)(nil), cert, cert.Info(), (*idcard.Service)(nil))
}

// caseRowsDigest hashes every column of the cases GenerateCases makes.
func caseRowsDigest(t *testing.T, cfg population.CaseConfig) string {
	t.Helper()
	h := sha256.New()
	require.NoError(t, population.GenerateCases(cfg, func(c *domain.Case) error {
		deadline := "-"
		if c.DeadlineAt != nil {
			deadline = c.DeadlineAt.UTC().String()
		}
		fmt.Fprintf(h, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d\n", c.ID, c.Kind, c.Side, c.CollabNo, c.Status,
			c.AcceptanceOffice, c.RegistrationOffice, c.RegistrationProvince, c.Office, c.Applicant, c.Ministry, c.Result,
			deadline, c.CreatedBy, c.CreatedAt.UTC(), c.UpdatedAt.UTC(), c.Version)
		return nil
	}))
	return hex.EncodeToString(h.Sum(nil))
}

// seededRecord is a generated case with its persons and history, copied
// out of GenerateCaseRecords' reused values.
type seededRecord struct {
	Case    domain.Case
	History []domain.CaseAction
}

func generatedRecords(t *testing.T, cfg population.CaseConfig) []seededRecord {
	t.Helper()
	var out []seededRecord
	require.NoError(t, population.GenerateCaseRecords(cfg, func(c *domain.Case, history []domain.CaseAction) error {
		out = append(out, seededRecord{Case: *c, History: slices.Clone(history)})
		return nil
	}))
	return out
}

// beforePersonsAndHistories is caseRowsDigest of seed 7, 3,000 cases, taken
// with the generator as it was before it made persons and histories: they
// are drawn after everything else, so the cases stay the same.
const beforePersonsAndHistories = "854326bc262b845272d98c4f6c54897b39e7f640b8eb7d8028f0db29921e329c"

// TestGenerateCaseRecords (1.5.x, issue 15): every generated case comes
// with the persons its kind declares (Workflow.PeopleOf of its documents,
// as the engine saves them) and a history of the steps of its side from
// its creation to its status, shaped as the engine writes it; the same
// seed gives the same records, and the cases themselves are those
// generated before persons and histories were.
func TestGenerateCaseRecords(t *testing.T) {
	t.Parallel()
	cfg := population.CaseConfig{Seed: 7, Division: "211100", Cases: 3000, Kinds: caseKinds()}
	require.Equal(t, beforePersonsAndHistories, caseRowsDigest(t, cfg), "the same cases as before")
	recs := generatedRecords(t, cfg)
	require.Len(t, recs, 3000)
	require.Equal(t, recs, generatedRecords(t, cfg), "same seed, same records")
	other := cfg
	other.Seed = 8
	require.NotEqual(t, recs, generatedRecords(t, other), "another seed, other records")

	workflows := map[domain.CaseKind]*domain.Workflow{}
	for _, k := range cfg.Kinds {
		workflows[k.Workflow.Kind] = k.Workflow
	}
	named, numbered := map[domain.CaseKind]int{}, map[domain.CaseKind]int{}
	ids := map[string]bool{}
	for _, r := range recs {
		c := r.Case
		w := workflows[c.Kind]
		people, err := w.PeopleOf(&c)
		require.NoError(t, err)
		require.Equal(t, people, c.People, "%s: the persons its kind declares", c.CollabNo)
		for _, p := range c.People {
			if p.Name != "" {
				named[c.Kind]++
			}
			if p.IDNumber != "" {
				numbered[c.Kind]++
			}
		}

		h := r.History
		require.NotEmpty(t, h, "%s has a history", c.CollabNo)
		var prev domain.CaseStatus
		for i, a := range h {
			st, ok := w.Step(a.Action)
			require.True(t, ok, "%s: %s is a step of %s", c.CollabNo, a.Action, c.Kind)
			require.Equal(t, c.Side, st.Side, "%s: %s is a step of its side", c.CollabNo, a.Action)
			require.Equal(t, i == 0, st.Creates(), "%s: only the first step creates the case", c.CollabNo)
			if i > 0 {
				require.Contains(t, st.From, prev, "%s: %s follows %s", c.CollabNo, a.Action, prev)
				require.False(t, a.At.Before(h[i-1].At), "%s: in order", c.CollabNo)
			}
			require.Equal(t, prev, a.From)
			require.Equal(t, st.To, a.To)
			require.Equal(t, i+1, a.Seq)
			require.Equal(t, c.ID, a.CaseID)
			require.Equal(t, "{}", string(a.Data))
			require.False(t, ids[a.ID], "action IDs are unique")
			ids[a.ID] = true
			switch {
			case st.OnMessage != "":
				require.Equal(t, "collaboration", a.ActorName)
				require.NotEmpty(t, a.MessageID, "a message step names its message")
				require.Empty(t, a.Office)
			case st.System:
				require.Equal(t, "collaboration", a.ActorName)
				require.Empty(t, a.MessageID)
			case len(st.Levels) > 0:
				// A bureau's step (the ID card review, 2.1.4): at the station's county bureau.
				require.Equal(t, "seed", a.ActorName)
				require.Equal(t, c.Office[:6]+"000000", a.Office)
			default:
				require.Equal(t, "seed", a.ActorName)
				require.Equal(t, c.Office, a.Office)
				require.Empty(t, a.MessageID)
			}
			prev = a.To
		}
		require.Equal(t, c.Status, prev, "%s: the history reaches its status", c.CollabNo)
		require.Equal(t, c.CreatedAt, h[0].At)
		if len(h) > 1 {
			require.Equal(t, c.UpdatedAt, h[len(h)-1].At)
		}
	}
	for _, k := range []domain.CaseKind{birth.Kind, migration.Kind, idcard.Kind, certificate.InfoKind, certificate.MatterKind} {
		require.Positive(t, numbered[k], "%s: persons with ID numbers", k)
		if k != migration.Kind { // a migration names its movers from the Ministry household, which no query field holds
			require.Positive(t, named[k], "%s: persons with names", k)
		}
	}
}

// TestGenerateCaseRecords_NewKind (issue 15): a kind the seeder has never
// heard of gets its persons and histories from its own declaration alone,
// on both sides, through every status; a status no step of its side
// reaches from the case's creation is a bad config.
func TestGenerateCaseRecords_NewKind(t *testing.T) {
	t.Parallel()
	clerk := []domain.Role{domain.RoleClerk}
	w := &domain.Workflow{
		Kind:   "PET",
		States: []domain.StateSpec{{Status: "OPEN"}, {Status: "SENT"}, {Status: "HELD"}, {Status: "DONE", Terminal: true}},
		Steps: []domain.Step{
			{Action: "OPEN_PET", To: "OPEN", Side: domain.SideAcceptance, Roles: clerk},
			{Action: "EDIT_PET", From: []domain.CaseStatus{"OPEN"}, Side: domain.SideAcceptance, Roles: clerk, Stays: true},
			{Action: "SEND_PET", From: []domain.CaseStatus{"OPEN"}, To: "SENT", Side: domain.SideAcceptance, Roles: clerk},
			{Action: "PET_DONE", From: []domain.CaseStatus{"SENT"}, To: "DONE", Side: domain.SideAcceptance, OnMessage: "DONE"},
			{Action: "PET_RECEIVED", To: "HELD", Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
			{Action: "FINISH_PET", From: []domain.CaseStatus{"HELD"}, To: "DONE", Side: domain.SideRegistration, Roles: clerk},
		},
		People: func(c *domain.Case) ([]domain.CasePerson, error) {
			var d struct{ Owner, OwnerID string }
			if err := json.Unmarshal(c.Applicant, &d); err != nil {
				return nil, err
			}
			return []domain.CasePerson{{Name: d.Owner, IDNumber: d.OwnerID}, {}}, nil
		},
	}
	require.NoError(t, w.Validate())
	fields := []domain.QueryField{
		{Name: "owner", Type: domain.QueryString, PII: domain.PIIName, Store: domain.QueryStore{Doc: "applicant", Path: []string{"Owner"}}},
		{Name: "ownerId", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: domain.QueryStore{Doc: "applicant", Path: []string{"OwnerID"}}},
	}
	cfg := population.CaseConfig{Seed: 1, Division: "211100", Cases: 400, Kinds: []population.CaseKind{{Workflow: w, Fields: fields}}}
	statuses := map[string]bool{}
	for _, r := range generatedRecords(t, cfg) {
		statuses[string(r.Case.Side)+" "+string(r.Case.Status)] = true
		require.Len(t, r.Case.People, 1, "the empty person is dropped, as the engine drops it")
		require.NotEmpty(t, r.Case.People[0].Name)
		require.NotEmpty(t, r.Case.People[0].IDNumber)
		var actions []domain.Action
		for _, a := range r.History {
			actions = append(actions, a.Action)
		}
		want := map[string][]domain.Action{
			"ACCEPTANCE OPEN": {"OPEN_PET"}, "ACCEPTANCE SENT": {"OPEN_PET", "SEND_PET"},
			"ACCEPTANCE DONE":   {"OPEN_PET", "SEND_PET", "PET_DONE"},
			"REGISTRATION HELD": {"PET_RECEIVED"}, "REGISTRATION DONE": {"PET_RECEIVED", "FINISH_PET"},
		}[string(r.Case.Side)+" "+string(r.Case.Status)]
		require.Equal(t, want, actions, "%s %s", r.Case.Side, r.Case.Status)
	}
	require.Len(t, statuses, 5, "every status of both sides: %v", statuses)

	// A status that only the other side's steps reach.
	broken := *w
	broken.Steps = slices.Clone(w.Steps)
	broken.Steps = append(broken.Steps, domain.Step{Action: "LOST_PET", From: []domain.CaseStatus{"LOST"}, To: "DONE", Side: domain.SideRegistration, Roles: clerk})
	broken.States = append(slices.Clone(w.States), domain.StateSpec{Status: "LOST"})
	cfg.Kinds = []population.CaseKind{{Workflow: &broken, Fields: fields}}
	err := population.GenerateCases(cfg, func(*domain.Case) error { return nil })
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "%v", err)
	require.ErrorContains(t, err, "LOST")
}
