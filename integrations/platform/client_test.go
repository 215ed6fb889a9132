package platform_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/openapitest"
	"hukou/integrations/platform"
	"hukou/integrations/platform/platformsim"
)

const (
	panjin       = "211100000000"
	shijiazhuang = "130100000000"
)

type testBundle struct {
	dbPath string
	sim    *platformsim.Server
	srv    *httptest.Server
	client *platform.Client
	spec   *openapitest.Transport
	calls  *atomic.Int64 // requests that reached the simulator
	// resetAfterFirst, when set, clears the fault rules as the second
	// request arrives, so a rule applies to exactly one call.
	resetAfterFirst *atomic.Bool
	priv            ed25519.PrivateKey
	pub             ed25519.PublicKey
	sent            int
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{dbPath: filepath.Join(t.TempDir(), "platform.db"), calls: new(atomic.Int64), resetAfterFirst: new(atomic.Bool)}
	b.pub, b.priv = keyPair(1)
	b.start(t)
	b.spec = openapitest.New(t, platform.OpenAPISpec)
	b.client = newClient(b.srv.URL, b.spec)
	return b
}

// start opens the simulator on b.dbPath behind a new HTTP server.
func (b *testBundle) start(t *testing.T) {
	t.Helper()
	sim, err := platformsim.New(platformsim.Config{DBPath: b.dbPath, Faults: fault.New(1)})
	require.NoError(t, err)
	b.sim = sim
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.calls.Add(1) > 1 && b.resetAfterFirst.Load() {
			sim.Faults().Reset()
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { b.stop() })
}

// stop shuts the server and closes the store, as a crash or restart would.
func (b *testBundle) stop() {
	b.sim.StopWaiting()
	b.srv.Close()
	_ = b.sim.Close()
}

func newClient(url string, spec *openapitest.Transport) *platform.Client {
	return platform.New(httpclient.Config{
		BaseURL: url, HTTP: spec.Client(),
		Timeout: 2 * time.Second, MaxAttempts: 4, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		BreakerFailures: 1000,
	})
}

func keyPair(seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// envelope returns a signed envelope from → to with a fresh message ID.
func (b *testBundle) envelope(from, to string) domain.Envelope {
	b.sent++
	e := domain.Envelope{
		MessageID:      fmt.Sprintf("msg-%s-%04d", from[:6], b.sent),
		CollabNo:       "XT2111002025031400000001",
		CaseKind:       "BIRTH",
		MessageType:    "APPLICATION",
		SenderOffice:   from,
		ReceiverOffice: to,
		SenderUser:     "clerk01",
		CaseSeq:        int64(b.sent),
		SentAt:         time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.UTC),
		Body:           json.RawMessage(fmt.Sprintf(`{"seq": %d, "name": "张三", "note": "<a&b>"}`, b.sent)),
		Attachments: []domain.AttachmentRef{{
			Name: "birth-certificate.jpg", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Size: 12345, ContentType: "image/jpeg",
		}},
	}
	e.Sign(b.priv, "office-"+from+"-2025")
	return e
}

func (b *testBundle) pullAll(t *testing.T, office string) []domain.Envelope {
	t.Helper()
	msgs, _, err := b.client.Pull(context.Background(), office, "", platform.MaxPullLimit)
	require.NoError(t, err)
	return msgs
}

func ids(msgs []domain.Envelope) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.MessageID
	}
	return out
}

func TestClient_SendPullAck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("RoundTripBetweenTwoOffices", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		toS := b.envelope(panjin, shijiazhuang)
		require.NoError(t, b.client.Send(ctx, toS))

		got := b.pullAll(t, shijiazhuang)
		require.Len(t, got, 1)
		require.NoError(t, got[0].Verify(b.pub), "the signature survives the wire")
		require.Equal(t, toS.Hash(), got[0].Hash())
		require.Empty(t, b.pullAll(t, panjin), "routing is by receiver office")

		reply := b.envelope(shijiazhuang, panjin)
		reply.MessageType, reply.ReplyToHash = "DECISION", got[0].Hash()
		reply.Sign(b.priv, "office-"+shijiazhuang+"-2025")
		require.NoError(t, b.client.Send(ctx, reply))
		require.NoError(t, b.client.Ack(ctx, shijiazhuang, []string{got[0].MessageID}))
		require.Empty(t, b.pullAll(t, shijiazhuang), "acknowledged messages leave the inbox")

		back := b.pullAll(t, panjin)
		require.Len(t, back, 1)
		require.NoError(t, back[0].Verify(b.pub))
		require.Equal(t, toS.Hash(), back[0].ReplyToHash)
		require.Equal(t, reply.SentAt, back[0].SentAt)
		require.Equal(t, reply.Attachments, back[0].Attachments)

		raw, _, err := b.client.PullMessages(ctx, panjin, "", 0)
		require.NoError(t, err)
		require.Equal(t, reply.BodySHA256(), raw[0].BodySHA256, "the platform keeps the canonical body's SHA-256")

		require.NoError(t, b.client.Ack(ctx, panjin, []string{back[0].MessageID}))
		require.NoError(t, b.client.Ack(ctx, panjin, []string{back[0].MessageID, "unknown-id"}), "ack is idempotent")
		require.NoError(t, b.client.Ack(ctx, panjin, nil))
		require.Positive(t, b.spec.Validated())
	})

	t.Run("DedupeSameMessageTwice", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e := b.envelope(panjin, shijiazhuang)
		require.NoError(t, b.client.Send(ctx, e))
		require.NoError(t, b.client.Send(ctx, e.Clone()))
		n, err := b.sim.Count(ctx, e.MessageID)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Len(t, b.pullAll(t, shijiazhuang), 1)
	})

	t.Run("DedupeAfterLostResponse", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		putFaults(t, b.srv.URL, `{"send":{"loseResponseRate":1}}`)
		b.calls.Store(0)
		b.resetAfterFirst.Store(true)
		e := b.envelope(panjin, shijiazhuang)
		require.NoError(t, b.client.Send(ctx, e))
		require.Equal(t, int64(2), b.calls.Load(), "the first answer was lost after the platform stored the message; the retry got an answer")
		require.Equal(t, []string{e.MessageID}, ids(b.pullAll(t, shijiazhuang)), "exactly one copy")
	})

	t.Run("ErrConflictReusedMessageID", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e := b.envelope(panjin, shijiazhuang)
		require.NoError(t, b.client.Send(ctx, e))
		other := e.Clone()
		other.Body = json.RawMessage(`{"seq":999}`)
		other.Sign(b.priv, e.SignerKeyID)
		err := b.client.Send(ctx, other)
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(err))
		require.Len(t, b.pullAll(t, shijiazhuang), 1)
	})

	t.Run("CursorPaging", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var want []string
		for i := range 25 {
			e := b.envelope(panjin, shijiazhuang)
			if i%5 == 0 { // interleave another office's traffic
				require.NoError(t, b.client.Send(ctx, b.envelope(shijiazhuang, panjin)))
			}
			require.NoError(t, b.client.Send(ctx, e))
			want = append(want, e.MessageID)
		}
		var got []string
		cursor := ""
		for _, size := range []int{10, 10, 5, 0} {
			page, next, err := b.client.Pull(ctx, shijiazhuang, cursor, 10)
			require.NoError(t, err)
			require.Len(t, page, size)
			if size == 0 {
				require.Equal(t, cursor, next, "an empty page keeps the cursor")
			}
			got = append(got, ids(page)...)
			cursor = next
		}
		require.Equal(t, want, got, "in the order the platform accepted them")

		again, _, err := b.client.Pull(ctx, shijiazhuang, "", 10)
		require.NoError(t, err)
		require.Equal(t, want[:10], ids(again), "pulling from an old cursor is idempotent")

		require.NoError(t, b.client.Ack(ctx, shijiazhuang, want[:10]))
		first, _, err := b.client.Pull(ctx, shijiazhuang, "", 1)
		require.NoError(t, err)
		require.Equal(t, want[10:11], ids(first), "acknowledged messages are skipped")
		require.Len(t, b.pullAll(t, panjin), 5)
	})

	t.Run("RestartDurability", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var sent []domain.Envelope
		for range 5 {
			e := b.envelope(panjin, shijiazhuang)
			require.NoError(t, b.client.Send(ctx, e))
			sent = append(sent, e)
		}
		require.NoError(t, b.client.Ack(ctx, shijiazhuang, []string{sent[0].MessageID, sent[1].MessageID}))
		_, cursor, err := b.client.Pull(ctx, shijiazhuang, "", 2)
		require.NoError(t, err)

		b.stop()
		b.start(t) // same file
		b.client = newClient(b.srv.URL, b.spec)

		require.Equal(t, ids(sent[2:]), ids(b.pullAll(t, shijiazhuang)), "nothing lost, acknowledgements kept")
		require.NoError(t, b.client.Send(ctx, sent[4]), "a retry after the restart is still a duplicate")
		n, err := b.sim.Count(ctx, sent[4].MessageID)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		e := b.envelope(panjin, shijiazhuang)
		require.NoError(t, b.client.Send(ctx, e))
		page, _, err := b.client.Pull(ctx, shijiazhuang, cursor, 10)
		require.NoError(t, err)
		require.Equal(t, []string{sent[4].MessageID, e.MessageID}, ids(page), "cursors from before the restart stay valid")
	})

	t.Run("ErrInvalidEnvelope", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// Malformed requests on purpose: check only that the answers follow the spec.
		client := newClient(b.srv.URL, openapitest.New(t, platform.OpenAPISpec).WithoutRequestValidation())
		for field, mutate := range map[string]func(e *domain.Envelope){
			"messageId":             func(e *domain.Envelope) { e.MessageID = "has space" },
			"receiverOffice":        func(e *domain.Envelope) { e.ReceiverOffice = "2111" },
			"senderOffice":          func(e *domain.Envelope) { e.SenderOffice = "" },
			"sentAt":                func(e *domain.Envelope) { e.SentAt = time.Time{} },
			"body":                  func(e *domain.Envelope) { e.Body = json.RawMessage(`[1,2]`) },
			"replyToHash":           func(e *domain.Envelope) { e.ReplyToHash = "ABC" },
			"signature":             func(e *domain.Envelope) { e.Signature = nil },
			"attachments[0].sha256": func(e *domain.Envelope) { e.Attachments[0].SHA256 = "x" },
		} {
			e := b.envelope(panjin, shijiazhuang)
			mutate(&e)
			err := client.Send(ctx, e)
			requireField(t, err, field)
		}
		require.Empty(t, b.pullAll(t, shijiazhuang))

		res, err := http.Post(b.srv.URL+"/v1/messages", "application/json", bytes.NewBufferString(`{"messageId":"m1","sentAt":"yesterday"}`))
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
		require.Contains(t, string(body), `"field":"sentAt"`)

		_, _, err = client.Pull(ctx, "2111", "", 10)
		requireField(t, err, "office")
		_, _, err = client.Pull(ctx, panjin, "not-a-cursor", 10)
		requireField(t, err, "after")
	})

	t.Run("ErrUnavailable", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.sim.Faults().Set("*", fault.Rule{FailNext: 100})
		err := b.client.Send(ctx, b.envelope(panjin, shijiazhuang))
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
		require.Contains(t, domain.ErrorMessage(err), "collaboration platform")
		_, _, err = b.client.Pull(ctx, panjin, "", 10)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err))
	})
}

func TestSimulator_Endpoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res, err := http.Get(b.srv.URL + "/openapi.yaml")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, platform.OpenAPISpec, body)

	res, err = b.spec.Client().Get(b.srv.URL + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

func putFaults(t *testing.T, base, rules string) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPut, base+"/admin/faults", bytes.NewBufferString(rules))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	var de *domain.Error
	require.ErrorAs(t, err, &de, "field %s", field)
	require.Equal(t, domain.CodeInvalid, de.Code, "field %s", field)
	require.Equal(t, field, de.Field)
}
