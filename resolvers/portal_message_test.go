package resolvers_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestPortalMessages covers message instructions (3.1.7): a portal's
// question goes to an office within its scopes, is read there (not by other
// stations, nor by other portals), listed as overdue past its deadline and
// answered once, and the portal reads the answer.
func TestPortalMessages(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		srv := b.caseServer(t, db, sim.URL)
		admin := b.token(t, b.admin)
		login := func(id string) string {
			var out struct{ CreateIntegratorClient credentials }
			b.do2(t, srv.URL, admin, createClientMutation, map[string]any{"in": map[string]any{
				"clientId": id, "name": id, "officeCode": b.city, "kinds": []string{"BIRTH"}, "offices": []string{b.station}}}).ok(t, &out)
			var l struct{ ClientLogin struct{ AccessToken string } }
			b.do2(t, srv.URL, "", clientLoginMutation, map[string]any{"id": id, "secret": out.CreateIntegratorClient.ClientSecret}).ok(t, &l)
			return l.ClientLogin.AccessToken
		}
		portal, other := login("msg-portal"), login("msg-other")
		const sendQ = `mutation($in: SendPortalMessageInput!) { sendPortalMessage(input: $in) { id kind status office version deadlineAt overdue } }`
		const listQ = `query($o: Boolean) { portalMessages(overdue: $o) { edges { node { id status subject answer answeredBy overdue } } } }`
		type message struct {
			ID, Kind, Status, Office, Subject string
			Answer, AnsweredBy                *string
			Version                           int
			DeadlineAt                        time.Time
			Overdue                           bool
		}
		list := func(srvTok string, overdue bool) []message {
			var out struct {
				PortalMessages struct{ Edges []struct{ Node message } }
			}
			b.do2(t, srv.URL, srvTok, listQ, map[string]any{"o": overdue}).ok(t, &out)
			var ms []message
			for _, e := range out.PortalMessages.Edges {
				ms = append(ms, e.Node)
			}
			return ms
		}

		var sent struct{ SendPortalMessage message }
		b.do2(t, srv.URL, portal, sendQ, map[string]any{"in": map[string]any{"kind": "QUESTION", "office": b.station,
			"subject": "出生登记需要哪些材料", "body": "申请人询问：新生儿出生登记需要携带哪些材料？"}}).ok(t, &sent)
		m := sent.SendPortalMessage
		require.Equal(t, "OPEN", m.Status)
		require.WithinDuration(t, time.Now().Add(domain.DefaultQuestionDeadline), m.DeadlineAt, time.Minute)
		requireError(t, b.do2(t, srv.URL, portal, sendQ, map[string]any{"in": map[string]any{"kind": "QUESTION", "office": b.otherStation,
			"subject": "x", "body": "y"}}), "FORBIDDEN", "", "integrator.scope")
		requireError(t, b.do2(t, srv.URL, portal, sendQ, map[string]any{"in": map[string]any{"kind": "INSTRUCTION", "office": b.station,
			"subject": " ", "body": "y"}}), "BAD_USER_INPUT", "subject", "message.subject")

		// Routed to the station: its clerk reads it, another station's does not, nor another portal.
		require.Len(t, list(b.token(t, b.clerk), false), 1)
		require.Empty(t, list(b.token(t, b.otherClerk), false))
		require.Empty(t, list(other, false))
		require.Len(t, list(portal, false), 1)

		// An instruction left unanswered past its deadline is overdue.
		now := time.Now().UTC()
		late := &domain.PortalMessage{ID: newID(), ClientUserID: b.portal.ID, ClientID: "portal", Kind: domain.MessageInstruction,
			Office: b.station, Subject: "督办", Body: "请于今日内办结", Status: domain.MessageOpen, DeadlineAt: now.Add(-time.Hour), CreatedAt: now.Add(-25 * time.Hour), UpdatedAt: now}
		require.NoError(t, db.PortalMessages().CreatePortalMessage(context.Background(), late))
		overdue := list(b.token(t, b.clerk), true)
		require.Len(t, overdue, 1)
		require.Equal(t, late.ID, overdue[0].ID)
		require.True(t, overdue[0].Overdue)

		// Answered once, by the station.
		const answerQ = `mutation($id: ID!, $v: Int!, $a: String!) { answerPortalMessage(input: {id: $id, version: $v, answer: $a}) { status answer answeredBy } }`
		requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), answerQ, map[string]any{"id": m.ID, "v": m.Version, "a": "x"}), "NOT_FOUND", "", "not_found")
		var answered struct{ AnswerPortalMessage message }
		b.do2(t, srv.URL, b.token(t, b.clerk), answerQ, map[string]any{"id": m.ID, "v": m.Version, "a": "请携带出生医学证明和户口簿。"}).ok(t, &answered)
		require.Equal(t, "ANSWERED", answered.AnswerPortalMessage.Status)
		requireError(t, b.do2(t, srv.URL, b.token(t, b.clerk), answerQ, map[string]any{"id": m.ID, "v": m.Version + 1, "a": "x"}), "CONFLICT", "", "message.answered")
		mine := list(portal, false)
		require.Len(t, mine, 1)
		require.Equal(t, "请携带出生医学证明和户口簿。", *mine[0].Answer)
		require.Equal(t, "clerk", *mine[0].AnsweredBy)
		require.Empty(t, list(b.token(t, b.clerk), true)[1:], "only the late instruction is overdue")
	})
}
