package domain_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
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

// toy is a business kind declared entirely here: the engine runs it with no
// line of its own naming it. The acceptance office opens a case and sends
// it; the registration office answers; the acceptance office's copy closes
// when the answer arrives.
type toy struct{ cases *domain.CaseService }

const (
	toyKind     domain.CaseKind    = "TOY"
	toyOpen     domain.CaseStatus  = "OPEN"
	toySent     domain.CaseStatus  = "SENT"
	toyAnswered domain.CaseStatus  = "ANSWERED"
	toyHeld     domain.CaseStatus  = "HELD"
	toyDone     domain.CaseStatus  = "DONE"
	toyAnswer   domain.MessageType = "ANSWER"
)

var toyWorkflow = &domain.Workflow{
	Kind: toyKind,
	States: []domain.StateSpec{
		{Status: toyOpen}, {Status: toySent, AwaitsOtherSide: true}, {Status: toyAnswered, Terminal: true},
		{Status: toyHeld, Deadline: time.Hour}, {Status: toyDone, Terminal: true},
	},
	Steps: []domain.Step{
		{Action: "START_TOY", To: toyOpen, Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
		{Action: "SEND_TOY", From: []domain.CaseStatus{toyOpen}, To: toySent, Side: domain.SideAcceptance, Roles: []domain.Role{domain.RoleClerk}},
		{Action: "TOY_ANSWERED", From: []domain.CaseStatus{toySent}, To: toyAnswered, Side: domain.SideAcceptance, OnMessage: toyAnswer},
		{Action: "TOY_RECEIVED", To: toyHeld, Side: domain.SideRegistration, OnMessage: domain.MsgApplication},
		{Action: "ANSWER_TOY", From: []domain.CaseStatus{toyHeld}, To: toyDone, Side: domain.SideRegistration, Roles: []domain.Role{domain.RoleOfficer}},
	},
	People: func(c *domain.Case) ([]domain.CasePerson, error) {
		var a struct{ N int }
		if err := json.Unmarshal(c.Applicant, &a); err != nil {
			return nil, err
		}
		return []domain.CasePerson{{Name: fmt.Sprintf("玩具%d号", a.N), IDNumber: fmt.Sprintf("21110219900101%04d", a.N)}}, nil
	},
}

func (toy) Workflow() *domain.Workflow { return toyWorkflow }

func (toy) Receivers() map[domain.MessageType]domain.ReceiveFunc {
	return map[domain.MessageType]domain.ReceiveFunc{
		toyAnswer: func(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
			c.Result = env.Body
			return nil, nil
		},
	}
}

func (toy) Details(c *domain.Case) (domain.CaseDetails, error) { return c.Result, nil }

// deployment is one running instance of the engine: its database, its
// collaboration service and job workers, its engine with toy registered.
type deployment struct {
	db     *storage.DB
	collab *domain.CollabService
	cases  *domain.CaseService
}

func startDeployment(t *testing.T, db *storage.DB, office, platformURL string, peers []domain.PeerKey) *deployment {
	t.Helper()
	keyID, priv := domain.DevKey(office)
	dir, err := domain.NewPeerDirectory(peers, nil)
	require.NoError(t, err)
	keys := &domain.KeyRing{KeyID: keyID, Private: priv, Directory: dir}
	collab := domain.NewCollabService(db, platform.New(httpclient.Config{BaseURL: platformURL}), keys, office, time.Now, uuid.NewString)
	q, err := queue.New(db, queue.Config{Collab: collab, InboxPollInterval: 50 * time.Millisecond, PollInterval: 20 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, q.Start(context.Background()))
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	audit := storage.NewAuditWriter(db)
	t.Cleanup(audit.Close)
	cases := domain.NewCaseService(db, audit, collab, time.Now, uuid.NewString)
	cases.Register(toy{cases})
	return &deployment{db: db, collab: collab, cases: cases}
}

func actor(office string, level domain.OfficeLevel, role domain.Role) context.Context {
	return domain.WithActor(context.Background(), &domain.Actor{UserID: uuid.NewString(), Username: string(role), OfficeCode: office,
		Office: &domain.Office{Code: office, Level: level}, Roles: []domain.Role{role}})
}

// TestEngine_ToyKindAcrossDeployments registers a kind the engine has never
// heard of in two deployments (Panjin and Shijiazhuang) and fires it across
// them through the platform simulator: intake, the application creating
// the registration office's copy, the answer closing the acceptance
// office's copy. A message about the case forged by a third province with a
// key Panjin trusts is refused as a dead letter (the sender is not the
// case's other side), and the case does not move.
func TestEngine_ToyKindAcrossDeployments(t *testing.T) {
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

			const panjin, shijiazhuang, nanjing = "211100000000", "130100000000", "320100000000"
			var peers []domain.PeerKey
			for _, o := range []string{panjin, shijiazhuang, nanjing} {
				id, priv := domain.DevKey(o)
				peers = append(peers, domain.PeerKey{KeyID: id, PublicKey: priv.Public().(ed25519.PublicKey), Offices: []string{o[:2]}})
			}
			pj := startDeployment(t, open(t), panjin, srv.URL, peers)
			sjz := startDeployment(t, open(t), shijiazhuang, srv.URL, peers)
			nj := startDeployment(t, open(t), nanjing, srv.URL, peers)

			clerk := actor("211103000100", domain.OfficePoliceStation, domain.RoleClerk)
			_, err = pj.cases.Open(clerk, toyKind, "START_TOY")
			require.NoError(t, err)
			c := &domain.Case{ID: uuid.NewString(), Kind: toyKind, CollabNo: "TOY" + uuid.NewString()[:12], AcceptanceOffice: "211103000100",
				RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: "211103000100", Applicant: []byte(`{"n":1}`), Ministry: []byte(`{}`)}
			require.NoError(t, pj.cases.Create(clerk, c, "START_TOY"))
			require.Equal(t, toyOpen, c.Status)
			// Create's effects run in its transaction: one failing leaves nothing saved.
			failed := &domain.Case{ID: uuid.NewString(), Kind: toyKind, CollabNo: "TOY" + uuid.NewString()[:12], AcceptanceOffice: "211103000100",
				RegistrationOffice: "130102000100", RegistrationProvince: "13", Office: "211103000100", Applicant: []byte(`{"n":2}`), Ministry: []byte(`{}`)}
			ran := false
			err = pj.cases.Create(clerk, failed, "START_TOY", func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
				_, err := tx.Cases().FindCaseByID(ctx, c.ID)
				ran = err == nil
				return domain.Errorf(domain.CodeUnavailable, "the effect failed")
			})
			require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
			require.True(t, ran, "the effect saw the new case in the transaction")
			_, err = pj.db.Cases().FindCaseByID(context.Background(), failed.ID)
			require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "nothing half-saved")
			// The case list finds the case by its person (Workflow.People), by ID
			// number or the start of a name; analysts, who see personal data
			// masked, may not search by person.
			for _, person := range []string{"211102199001010001", "玩具1"} {
				page, err := pj.cases.FindCases(clerk, domain.CaseFilter{Person: person}, domain.Page{First: 10})
				require.NoError(t, err)
				require.Len(t, page.Cases, 1, person)
				require.Equal(t, []domain.CasePerson{{Name: "玩具1号", IDNumber: "211102199001010001"}}, page.Cases[0].People)
			}
			page, err := pj.cases.FindCases(clerk, domain.CaseFilter{Person: "玩具2"}, domain.Page{First: 10})
			require.NoError(t, err)
			require.Empty(t, page.Cases, "the failed case saved no person either")
			_, err = pj.cases.FindCases(actor("211103000100", domain.OfficePoliceStation, domain.RoleAnalyst), domain.CaseFilter{Person: "玩具"}, domain.Page{First: 10})
			require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "names are masked for analysts (pii.search)")
			_, err = pj.cases.Open(actor("211103000100", domain.OfficePoliceStation, domain.RoleOfficer), toyKind, "START_TOY")
			require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err), "the declaration's roles gate the intake")

			c, err = pj.cases.Act(clerk, toyKind, domain.StepRequest{Ref: domain.CaseRef{ID: c.ID, Version: c.Version}, Action: "SEND_TOY",
				Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
					return pj.cases.SendApplication(ctx, tx, c, nil)
				}})
			require.NoError(t, err)
			require.Equal(t, toySent, c.Status)
			require.True(t, pj.cases.AwaitingOtherSide(c))

			// Nanjing, trusted by Panjin, forges Shijiazhuang's answer.
			require.NoError(t, nj.db.InTx(context.Background(), func(ctx context.Context, tx domain.Repos) error {
				_, err := nj.collab.Send(ctx, tx, domain.Outgoing{CollabNo: c.CollabNo, CaseKind: string(toyKind), MessageType: string(toyAnswer),
					SenderOffice: "320102000100", ReceiverOffice: panjin, SenderUser: "forger", Body: map[string]string{"answer": "forged"}})
				return err
			}))
			var dead []*domain.CollabMessage
			require.Eventually(t, func() bool {
				page, err := pj.db.Collab().FindMessages(context.Background(), domain.CollabMessageFilter{Statuses: []domain.MessageStatus{domain.MessageFailed}}, domain.Page{First: 10})
				require.NoError(t, err)
				dead = page.Messages
				return len(dead) == 1
			}, 20*time.Second, 50*time.Millisecond, "the forged answer never became a dead letter")
			require.Contains(t, dead[0].LastError, "the case's other side")

			// Shijiazhuang received the application and answers.
			var rc *domain.Case
			require.Eventually(t, func() bool {
				rc, err = sjz.db.Cases().FindCaseByCollabNo(context.Background(), c.CollabNo, domain.SideRegistration)
				return err == nil
			}, 20*time.Second, 50*time.Millisecond, "the application never reached Shijiazhuang")
			require.Equal(t, toyHeld, rc.Status)
			require.JSONEq(t, `{"n":1}`, string(rc.Applicant))
			officer := actor("130100000000", domain.OfficeCityBureau, domain.RoleOfficer)
			// The work queues say who can act (2.1.x): the officer may answer
			// the held case, which has a deadline; a clerk there has nothing to do.
			qs, err := sjz.cases.Queues(officer)
			require.NoError(t, err)
			require.Len(t, qs, 1)
			require.Equal(t, []domain.Action{"ANSWER_TOY"}, qs[0].Actions)
			require.Equal(t, 1, qs[0].Count)
			require.Zero(t, qs[0].Overdue)
			require.NotNil(t, qs[0].NextDeadline)
			require.WithinDuration(t, time.Now().Add(time.Hour), *qs[0].NextDeadline, time.Minute)
			qs, err = sjz.cases.Queues(actor("130100000000", domain.OfficeCityBureau, domain.RoleClerk))
			require.NoError(t, err)
			require.Empty(t, qs[0].Actions, "a clerk cannot answer")
			// Panjin's copy waits for the other office.
			qs, err = pj.cases.Queues(clerk)
			require.NoError(t, err)
			require.Len(t, qs, 1)
			require.Equal(t, toySent, qs[0].Status)
			require.True(t, qs[0].AwaitsOtherSide)
			require.Empty(t, qs[0].Actions)
			_, err = sjz.cases.Act(clerk, toyKind, domain.StepRequest{Ref: domain.CaseRef{ID: rc.ID}, Action: "ANSWER_TOY"})
			require.Equal(t, domain.CodeForbidden, domain.ErrorCode(err), "a clerk may not answer")
			rc, err = sjz.cases.Act(officer, toyKind, domain.StepRequest{Ref: domain.CaseRef{ID: rc.ID, Version: rc.Version}, Action: "ANSWER_TOY",
				Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
					_, err := sjz.cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: toyAnswer, Body: map[string]string{"answer": "yes"}})
					return err
				}})
			require.NoError(t, err)
			require.Equal(t, toyDone, rc.Status)

			require.Eventually(t, func() bool {
				c, err = pj.db.Cases().FindCaseByID(context.Background(), c.ID)
				require.NoError(t, err)
				return c.Status == toyAnswered
			}, 20*time.Second, 50*time.Millisecond, "the answer never closed Panjin's copy")
			require.JSONEq(t, `{"answer":"yes"}`, string(c.Result), "the genuine answer, not the forged one")
			history, err := pj.db.Cases().FindCaseActions(context.Background(), c.ID)
			require.NoError(t, err)
			var steps []domain.Action
			for _, a := range history {
				steps = append(steps, a.Action)
			}
			require.Equal(t, []domain.Action{"START_TOY", "SEND_TOY", "TOY_ANSWERED"}, steps)
		})
	}
}
