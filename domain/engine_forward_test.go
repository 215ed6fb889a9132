package domain_test

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/platform"
	"hukou/integrations/platform/platformsim"
	"hukou/storage"
	"hukou/storage/queue"
	"hukou/storage/storagetest"
)

// ticker is a kind declared here that uses the engine's registration
// points for external answers and scheduled forwarding: a System step its
// own schedule fires (domain.Scheduled), and a message its user step
// forwards on the forwarding schedule (CaseService.Forward).
type ticker struct{ cases *domain.CaseService }

const (
	tickKind    domain.CaseKind    = "TICK"
	tickOpen    domain.CaseStatus  = "OPEN"
	tickSaved   domain.CaseStatus  = "SAVED"
	tickTicked  domain.CaseStatus  = "TICKED"
	tickHeld    domain.CaseStatus  = "HELD"
	tickNoted   domain.CaseStatus  = "NOTED"
	tickNote    domain.MessageType = "NOTE"
	tickActTick domain.Action      = "TICK_ANSWERED"
)

var tickWorkflow = &domain.Workflow{
	Kind:   tickKind,
	States: []domain.StateSpec{{Status: tickOpen}, {Status: tickSaved}, {Status: tickTicked}, {Status: tickHeld}, {Status: tickNoted}},
	Steps: []domain.Step{
		{Action: "START_TICK", To: tickOpen, Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
		{Action: "SAVE_TICK", From: []domain.CaseStatus{tickOpen}, To: tickSaved, Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
		{Action: tickActTick, From: []domain.CaseStatus{tickSaved}, To: tickTicked, Side: domain.SideAcceptance, System: true},
		{Action: "TICK_RECEIVED", To: tickHeld, Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
		{Action: "TICK_NOTED", From: []domain.CaseStatus{tickHeld}, To: tickNoted, Side: domain.SideRegistration, OnMessage: tickNote},
	},
}

func (ticker) Workflow() *domain.Workflow                           { return tickWorkflow }
func (ticker) Receivers() map[domain.MessageType]domain.ReceiveFunc { return nil }
func (ticker) Details(c *domain.Case) (domain.CaseDetails, error)   { return c.Result, nil }

// Schedules fires the System step of every saved case, as an external
// service's answer would.
func (k ticker) Schedules() []domain.Schedule {
	return []domain.Schedule{{Name: "answers", Every: 100 * time.Millisecond, Run: func(ctx context.Context) error {
		page, err := k.cases.DB.Cases().FindCases(ctx, domain.CaseFilter{Kind: tickKind, Statuses: []domain.CaseStatus{tickSaved}}, domain.Page{First: 10})
		if err != nil {
			return err
		}
		for _, c := range page.Cases {
			if _, err := k.cases.Act(ctx, tickKind, domain.StepRequest{Ref: domain.CaseRef{ID: c.ID, Version: c.Version}, Action: tickActTick}); err != nil {
				return err
			}
		}
		return nil
	}}}
}

func startTicker(t *testing.T, db *storage.DB, office, platformURL string, peers []domain.PeerKey) *deployment {
	t.Helper()
	keyID, priv := domain.DevKey(office)
	dir, err := domain.NewPeerDirectory(peers, nil)
	require.NoError(t, err)
	keys := &domain.KeyRing{KeyID: keyID, Private: priv, Directory: dir}
	collab := domain.NewCollabService(db, platform.New(httpclient.Config{BaseURL: platformURL}), keys, office, time.Now, uuid.NewString)
	audit := storage.NewAuditWriter(db)
	t.Cleanup(audit.Close)
	cases := domain.NewCaseService(db, audit, collab, time.Now, uuid.NewString)
	// The forwarding schedule runs rarely here: the test sends the forwards
	// itself, twice at once.
	q, err := queue.New(db, queue.Config{Collab: collab, Cases: cases, InboxPollInterval: 50 * time.Millisecond, PollInterval: 20 * time.Millisecond,
		ForwardInterval: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	cases.Register(ticker{cases}) // before Start: the queue schedules the kinds' schedules when it starts
	require.NoError(t, q.Start(context.Background()))
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	return &deployment{db: db, collab: collab, cases: cases}
}

// TestEngine_SystemStepsSchedulesAndForwards: a kind's schedule fires its
// System step (which no user may take), and a forward saved with a step is
// listed as scheduled, sent exactly once when two runs of the forwarding
// schedule race, and applied once at the other side, where it then shows as
// delivered.
func TestEngine_SystemStepsSchedulesAndForwards(t *testing.T) {
	t.Parallel()
	for _, dbKind := range []string{"sqlite", "postgres"} {
		t.Run(dbKind, func(t *testing.T) {
			t.Parallel()
			open := storagetest.OpenSQLite
			if dbKind == "postgres" {
				open = storagetest.OpenPostgres
			}
			sim, err := platformsim.New(platformsim.Config{DBPath: filepath.Join(t.TempDir(), "platform.db")})
			require.NoError(t, err)
			t.Cleanup(func() { _ = sim.Close() })
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			const panjin, shijiazhuang = "211100000000", "130100000000"
			var peers []domain.PeerKey
			for _, o := range []string{panjin, shijiazhuang} {
				id, priv := domain.DevKey(o)
				peers = append(peers, domain.PeerKey{KeyID: id, PublicKey: priv.Public().(ed25519.PublicKey), Offices: []string{o[:2]}})
			}
			pj := startTicker(t, open(t), panjin, srv.URL, peers)
			sjz := startTicker(t, open(t), shijiazhuang, srv.URL, peers)
			require.Equal(t, []domain.KindSchedule{{Kind: tickKind, Name: "answers", Every: 100 * time.Millisecond}}, pj.cases.Schedules())

			clerk := actor("211103000100", domain.OfficePoliceStation, domain.RoleClerk)
			c := &domain.Case{ID: uuid.NewString(), Kind: tickKind, CollabNo: "TICK" + uuid.NewString()[:12], AcceptanceOffice: "211103000100",
				RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: "211103000100", Applicant: []byte(`{}`), Ministry: []byte(`{}`)}
			require.NoError(t, pj.cases.Create(clerk, c, "START_TICK", func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
				return pj.cases.SendApplication(ctx, tx, c, nil)
			}))
			var rc *domain.Case
			require.Eventually(t, func() bool {
				rc, err = sjz.db.Cases().FindCaseByCollabNo(context.Background(), c.CollabNo, domain.SideRegistration)
				return err == nil
			}, 20*time.Second, 50*time.Millisecond, "the application never reached Shijiazhuang")

			// A user may not take the System step.
			_, err = pj.cases.Act(clerk, tickKind, domain.StepRequest{Ref: domain.CaseRef{ID: c.ID}, Action: tickActTick})
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, "case.by_system", de.Reason)

			c, err = pj.cases.Act(clerk, tickKind, domain.StepRequest{Ref: domain.CaseRef{ID: c.ID, Version: c.Version}, Action: "SAVE_TICK",
				Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
					_, err := pj.cases.Forward(ctx, tx, c, domain.Message{Type: tickNote, Body: map[string]string{"note": "saved"}}, time.Millisecond)
					return err
				}})
			require.NoError(t, err)
			fw, err := pj.cases.Forwards(clerk, c)
			require.NoError(t, err)
			require.Len(t, fw, 1)
			require.Equal(t, domain.ForwardScheduled, fw[0].State)
			require.Equal(t, "CLERK", fw[0].SavedBy, "the saving user")
			time.Sleep(5 * time.Millisecond)
			fw, err = pj.cases.Forwards(clerk, c)
			require.NoError(t, err)
			require.True(t, fw[0].Overdue, "a forward past its due time and not delivered is overdue")

			// The kind's schedule fires its System step.
			require.Eventually(t, func() bool {
				c, err = pj.db.Cases().FindCaseByID(context.Background(), c.ID)
				require.NoError(t, err)
				return c.Status == tickTicked
			}, 20*time.Second, 50*time.Millisecond, "the schedule never fired the system step")

			// Two runs of the forwarding schedule race: one sends.
			var wg sync.WaitGroup
			sent := make([]int, 2)
			for i := range sent {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sent[i], _ = pj.cases.SendForwards(context.Background(), 10)
				}()
			}
			wg.Wait()
			require.Equal(t, 1, sent[0]+sent[1], "sent exactly once")
			n, err := pj.cases.SendForwards(context.Background(), 10)
			require.NoError(t, err)
			require.Zero(t, n, "nothing is left to send")

			require.Eventually(t, func() bool {
				rc, err = sjz.db.Cases().FindCaseByID(context.Background(), rc.ID)
				require.NoError(t, err)
				return rc.Status == tickNoted
			}, 20*time.Second, 50*time.Millisecond, "the forward never reached Shijiazhuang")
			require.Eventually(t, func() bool {
				fw, err = pj.cases.Forwards(clerk, c)
				require.NoError(t, err)
				return fw[0].State == domain.ForwardDelivered
			}, 20*time.Second, 50*time.Millisecond)
			require.False(t, fw[0].Overdue, "a delivered forward is not overdue")
			require.NotEmpty(t, fw[0].MessageID)
			page, err := pj.db.Collab().FindMessages(context.Background(), domain.CollabMessageFilter{CollabNo: c.CollabNo}, domain.Page{First: 50})
			require.NoError(t, err)
			notes := 0
			for _, m := range page.Messages {
				if m.Envelope.MessageType == string(tickNote) && m.Direction == domain.DirectionOut {
					notes++
				}
			}
			require.Equal(t, 1, notes, "one NOTE message in the log")
		})
	}
}

// TestWorkflow_ValidateSystemSteps: a step names roles, a message or the
// system, exactly one; a system step never creates a case.
func TestWorkflow_ValidateSystemSteps(t *testing.T) {
	t.Parallel()
	states := []domain.StateSpec{{Status: "A"}, {Status: "B"}}
	for name, st := range map[string]domain.Step{
		"SystemAndRoles":   {Action: "X", From: []domain.CaseStatus{"A"}, To: "B", Side: domain.SideAcceptance, System: true, Roles: []domain.Role{domain.RoleClerk}},
		"SystemAndMessage": {Action: "X", From: []domain.CaseStatus{"A"}, To: "B", Side: domain.SideAcceptance, System: true, OnMessage: "M"},
		"Nothing":          {Action: "X", From: []domain.CaseStatus{"A"}, To: "B", Side: domain.SideAcceptance},
		"SystemCreates":    {Action: "X", To: "B", Side: domain.SideAcceptance, System: true},
	} {
		w := &domain.Workflow{Kind: "V", States: states, Steps: []domain.Step{st}}
		require.Error(t, w.Validate(), name)
	}
	ok := &domain.Workflow{Kind: "V", States: states, Steps: []domain.Step{{Action: "X", From: []domain.CaseStatus{"A"}, To: "B", Side: domain.SideAcceptance, System: true}}}
	require.NoError(t, ok.Validate())
}
