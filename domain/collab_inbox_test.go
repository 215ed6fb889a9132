package domain_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// scriptedPlatform is the collaboration platform as a hostile or broken one
// would behave: its inbox hands out whatever envelopes a test put there,
// unvalidated (the platform simulator refuses most of them at send, a real
// platform need not). It stands in for an external service only.
type scriptedPlatform struct {
	mu    sync.Mutex
	inbox []domain.Envelope
	acked map[string]bool
}

func (p *scriptedPlatform) put(envs ...domain.Envelope) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inbox = append(p.inbox, envs...)
}

func (p *scriptedPlatform) Send(context.Context, domain.Envelope) error { return nil }

func (p *scriptedPlatform) Pull(_ context.Context, _ string, cursor string, limit int) ([]domain.Envelope, string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	after := 0
	if cursor != "" {
		after, _ = strconv.Atoi(cursor)
	}
	var out []domain.Envelope
	next := after
	for i := after; i < len(p.inbox) && len(out) < limit; i++ {
		if !p.acked[p.inbox[i].MessageID] {
			out = append(out, p.inbox[i].Clone())
		}
		next = i + 1
	}
	return out, strconv.Itoa(next), nil
}

func (p *scriptedPlatform) Ack(_ context.Context, _ string, ids []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.acked == nil {
		p.acked = map[string]bool{}
	}
	for _, id := range ids {
		p.acked[id] = true
	}
	return nil
}

const (
	inboxPanjin = "211100000000"
	inboxHebei  = "130100000000"
)

// inboxFixture is Panjin's collaboration service over a real database and a
// scripted platform, trusting Shijiazhuang's development key for Hebei.
type inboxFixture struct {
	db       *storage.DB
	platform *scriptedPlatform
	collab   *domain.CollabService
	hebeiKey ed25519.PrivateKey
	hebeiID  string
	now      time.Time
	mu       sync.Mutex
	// races is how often the RACE handler meets a concurrent change of its
	// case, per message, before it applies.
	races int
	raced map[string]int
}

func newInboxFixture(t *testing.T, db *storage.DB) *inboxFixture {
	t.Helper()
	f := &inboxFixture{db: db, platform: &scriptedPlatform{}, now: time.Now().UTC().Truncate(time.Microsecond), raced: map[string]int{}}
	f.hebeiID, f.hebeiKey = domain.DevKey(inboxHebei)
	keyID, priv := domain.DevKey(inboxPanjin)
	dir, err := domain.NewPeerDirectory([]domain.PeerKey{{KeyID: f.hebeiID, PublicKey: f.hebeiKey.Public().(ed25519.PublicKey), Offices: []string{"13"}}}, nil)
	require.NoError(t, err)
	keys := &domain.KeyRing{KeyID: keyID, Private: priv, Directory: dir}
	f.collab = domain.NewCollabService(db, f.platform, keys, inboxPanjin, f.clock, uuid.NewString)
	f.collab.Handle("TEST", "BOOM", func(context.Context, domain.Repos, *domain.Envelope) (string, error) {
		return "", errBoom
	})
	f.collab.Handle("TEST", "RACE", func(_ context.Context, _ domain.Repos, env *domain.Envelope) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.raced[env.MessageID] < f.races {
			f.raced[env.MessageID]++
			return "", domain.Errorf(domain.CodeConflict, "the case was changed by someone else meanwhile").WithReason("case.stale")
		}
		return "", nil
	})
	return f
}

var errBoom = errorString("the handler broke")

type errorString string

func (e errorString) Error() string { return string(e) }

func (f *inboxFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *inboxFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// ping is a valid PING from Shijiazhuang, signed with its key.
func (f *inboxFixture) ping(collabNo string, seq int64, text string) domain.Envelope {
	env := domain.Envelope{MessageID: uuid.NewString(), CollabNo: collabNo, CaseKind: domain.PingKind, MessageType: domain.PingType,
		SenderOffice: inboxHebei, ReceiverOffice: inboxPanjin, SenderUser: "admin", SentAt: f.clock(),
		Body: json.RawMessage(`{"text":` + strconv.Quote(text) + `}`), CaseSeq: seq}
	env.Sign(f.hebeiKey, f.hebeiID)
	return env
}

// signed re-signs env after a test changed it, so only the change is wrong.
func (f *inboxFixture) signed(env domain.Envelope) domain.Envelope {
	env.Sign(f.hebeiKey, f.hebeiID)
	return env
}

// drain pulls and applies until the inbox is empty, as the periodic job does.
func (f *inboxFixture) drain(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for range 20 {
		n, err := f.collab.PullInbox(ctx, 3)
		require.NoError(t, err, "a hostile message must never fail the pull")
		_, err = f.collab.ApplyReceived(ctx)
		require.NoError(t, err, "a hostile message must never fail the apply run")
		if n == 0 {
			return
		}
	}
}

func (f *inboxFixture) message(t *testing.T, id string) *domain.CollabMessage {
	t.Helper()
	m, err := f.db.Collab().FindMessage(context.Background(), id)
	require.NoError(t, err, "message %s was never logged", id)
	return m
}

// TestCollabService_HostileInbox feeds Panjin's inbox messages that cannot
// be stored or applied as they are, each followed by a valid one: the bad
// message becomes a dead letter (FAILED) with its reason, the valid one is
// applied, and the inbox never blocks (issue 10: one NUL byte blocked it
// forever on PostgreSQL).
func TestCollabService_HostileInbox(t *testing.T) {
	t.Parallel()
	huge := `{"text":"` + strings.Repeat("x", 17<<20) + `"}`
	tests := []struct {
		name   string
		bad    func(f *inboxFixture) domain.Envelope
		reason string // in the dead letter's last error
	}{
		{"NULInBodyString", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTNUL1", 1, "")
			e.Body = json.RawMessage(`{"text":"a\u0000b"}`)
			return f.signed(e)
		}, "NUL"},
		{"NULInSenderUser", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTNUL2", 1, "x")
			e.SenderUser = "ad\x00min"
			return f.signed(e)
		}, "NUL"},
		{"NULInCollabNo", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTNUL3\x00", 1, "x")
			return f.signed(e)
		}, "NUL"},
		{"InvalidUTF8InBody", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTUTF8", 1, "")
			e.Body = json.RawMessage("{\"text\":\"\xff\xfe\"}")
			return f.signed(e)
		}, "UTF-8"},
		{"InvalidUTF8InAttachmentName", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTUTF8A", 1, "x")
			e.Attachments = []domain.AttachmentRef{domain.AttachmentFor("a\xffb.png", "image/png", []byte("x"))}
			return f.signed(e)
		}, "UTF-8"},
		{"BodyNotAnObject", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTARR", 1, "")
			e.Body = json.RawMessage(`["a"]`)
			return f.signed(e)
		}, "JSON object"},
		{"BodyNotJSON", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTJUNK", 1, "")
			e.Body = json.RawMessage(`{"text": nope`)
			return f.signed(e)
		}, "JSON object"},
		{"HugeBody", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTHUGE", 1, "")
			e.Body = json.RawMessage(huge)
			return f.signed(e)
		}, "too large"},
		{"OverlongFields", func(f *inboxFixture) domain.Envelope {
			e := f.ping(strings.Repeat("9", 300), 1, "x")
			e.SenderUser = strings.Repeat("u", 300)
			e.SenderOffice = "13010000000000000"
			return f.signed(e)
		}, "collaboration number"},
		{"SentAtOutOfRange", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTTIME", 1, "x")
			e.SentAt = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)
			return f.signed(e)
		}, "send time"},
		{"SentAtNanoseconds", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTNANO", 1, "x")
			e.SentAt = e.SentAt.Add(7)
			return f.signed(e)
		}, "send time"},
		{"BadMessageID", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTID", 1, "x")
			e.MessageID = "id with spaces and \x00 " + strings.Repeat("z", 200)
			return f.signed(e)
		}, "messageId"},
		{"Unsigned", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTSIG", 1, "x")
			e.Signature = nil
			return e
		}, "signed"},
		{"ReceiverElsewhere", func(f *inboxFixture) domain.Envelope {
			e := f.ping("XTRCV", 1, "x")
			e.ReceiverOffice = "320100000000"
			return f.signed(e)
		}, "320100000000"},
	}
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := newInboxFixture(t, db)
		for i, tt := range tests {
			bad := tt.bad(f)
			good := f.ping("XTGOOD"+strconv.Itoa(i), 1, tt.name)
			f.platform.put(bad, good)
			f.drain(t)
			require.Equal(t, domain.MessageApplied, f.message(t, good.MessageID).Status, "%s: the valid message after it", tt.name)
			page, err := db.Collab().FindMessages(context.Background(), domain.CollabMessageFilter{Statuses: []domain.MessageStatus{domain.MessageFailed}}, domain.Page{First: 100})
			require.NoError(t, err)
			require.Len(t, page.Messages, i+1, "%s: one more dead letter", tt.name)
			dead := page.Messages[0]
			require.Contains(t, dead.LastError, tt.reason, tt.name)
			require.Equal(t, domain.DirectionIn, dead.Direction)
		}
		verifyLogOK(t, f)
	})
}

// TestCollabService_UnorderedInbox covers messages that store but must not
// apply as they are: a message ID reused for other content, a case sequence
// number already taken (by a genuine message, or first by a forgery), a gap
// that never fills, and a message whose handler keeps failing; none stops
// the messages behind it.
func TestCollabService_UnorderedInbox(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := newInboxFixture(t, db)
		admin := adminAt(inboxPanjin)
		status := func(id string) domain.MessageStatus { return f.message(t, id).Status }

		t.Log("a message ID reused for different content is a dead letter beside the first")
		first := f.ping("XTDUP", 1, "first")
		reused := f.ping("XTDUP", 2, "second")
		reused.MessageID = first.MessageID
		reused = f.signed(reused)
		f.platform.put(first, first, reused)
		f.drain(t)
		require.Equal(t, domain.MessageApplied, status(first.MessageID))
		dup := f.message(t, "duplicate:"+reused.Hash())
		require.Equal(t, domain.MessageFailed, dup.Status)
		require.Contains(t, dup.LastError, "already used for a different message")
		f.platform.put(reused) // again: recognised, not logged a third time
		f.drain(t)
		page, err := db.Collab().FindMessages(ctx, domain.CollabMessageFilter{CollabNo: "XTDUP"}, domain.Page{First: 10})
		require.NoError(t, err)
		require.Len(t, page.Messages, 2)

		t.Log("a forgery that takes a case sequence number first does not keep the genuine message out")
		forged := f.ping("XTSLOT", 1, "forged")
		forged.Signature = make([]byte, 64)
		genuine := f.ping("XTSLOT", 1, "genuine")
		again := f.ping("XTSLOT", 1, "same number again")
		f.platform.put(forged, genuine, again)
		f.drain(t)
		require.Equal(t, domain.MessageFailed, status(forged.MessageID))
		require.Contains(t, f.message(t, forged.MessageID).LastError, "signature")
		require.Equal(t, domain.MessageApplied, status(genuine.MessageID))
		require.Equal(t, domain.MessageFailed, status(again.MessageID))
		require.Contains(t, f.message(t, again.MessageID).LastError, "already received")

		t.Log("a gap that never fills: the waiting message is overdue after its deadline, and others apply")
		waiting := f.ping("XTGAP", 2, "waits for 1")
		other := f.ping("XTOTHER", 1, "unrelated")
		f.platform.put(waiting, other)
		f.drain(t)
		require.Equal(t, domain.MessageReceived, status(waiting.MessageID))
		require.Equal(t, domain.MessageApplied, status(other.MessageID))
		overdue, err := f.collab.OverdueMessages(admin, domain.Page{First: 10})
		require.NoError(t, err)
		require.Empty(t, overdue.Messages)
		f.advance(f.collab.ApplyDeadline + time.Minute)
		f.drain(t)
		overdue, err = f.collab.OverdueMessages(admin, domain.Page{First: 10})
		require.NoError(t, err)
		require.Len(t, overdue.Messages, 1)
		require.Equal(t, waiting.MessageID, overdue.Messages[0].Envelope.MessageID)
		f.platform.put(f.ping("XTGAP", 1, "late predecessor"))
		f.drain(t)
		require.Equal(t, domain.MessageApplied, status(waiting.MessageID), "the gap filled late: the waiting message applies")

		t.Log("a handler that keeps failing: later messages apply; the message is a dead letter after the last attempt")
		boom := f.ping("XTBOOM", 1, "x")
		boom.CaseKind, boom.MessageType = "TEST", "BOOM"
		boom = f.signed(boom)
		behind := f.ping("XTBEHIND", 1, "behind the broken one")
		f.platform.put(boom, behind)
		f.drain(t)
		require.Equal(t, domain.MessageApplied, status(behind.MessageID))
		m := f.message(t, boom.MessageID)
		require.Equal(t, domain.MessageReceived, m.Status)
		require.Positive(t, m.Attempts)
		require.Contains(t, m.LastError, "the handler broke")
		for range f.collab.MaxApplyAttempts + domain.DefaultMaxApplyAttempts {
			_, err := f.collab.ApplyReceived(ctx)
			require.NoError(t, err)
		}
		m = f.message(t, boom.MessageID)
		require.Equal(t, domain.MessageFailed, m.Status)
		require.Contains(t, m.LastError, "could not be applied")

		t.Log("a concurrent change of the case is retried, never a dead letter (it once lost an ID card's COLLECTED)")
		race := func(no string) domain.Envelope {
			env := f.ping(no, 1, "x")
			env.CaseKind, env.MessageType = "TEST", "RACE"
			return f.signed(env)
		}
		f.races = 2 // within one run's immediate retries
		quick := race("XTRACE1")
		f.platform.put(quick)
		f.drain(t)
		require.Equal(t, domain.MessageApplied, status(quick.MessageID))
		require.Equal(t, 1, f.message(t, quick.MessageID).Attempts, "applied in its first run")
		f.races = 4 // outlasts them: waits for the next run, counted
		slow := race("XTRACE2")
		f.platform.put(slow)
		_, err = f.collab.PullInbox(ctx, 10)
		require.NoError(t, err)
		_, err = f.collab.ApplyReceived(ctx)
		require.NoError(t, err)
		m = f.message(t, slow.MessageID)
		require.Equal(t, domain.MessageReceived, m.Status)
		require.Equal(t, 1, m.Attempts)
		require.Contains(t, m.LastError, "changed by someone else")
		_, err = f.collab.ApplyReceived(ctx)
		require.NoError(t, err)
		require.Equal(t, domain.MessageApplied, status(slow.MessageID))

		t.Log("a quarantined copy can never be replayed into effect")
		bad := f.ping("XTQ", 1, "")
		bad.SenderUser = string([]byte{'x', 0, 'y'})
		bad = f.signed(bad)
		f.platform.put(bad)
		f.drain(t)
		_, err = f.collab.Replay(admin, bad.MessageID)
		require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
		require.Equal(t, domain.MessageFailed, status(bad.MessageID))
		verifyLogOK(t, f)
	})
}

func adminAt(office string) context.Context {
	return domain.WithActor(context.Background(), &domain.Actor{Username: "admin", OfficeCode: office,
		Office: &domain.Office{Code: office, Level: domain.OfficeCityBureau}, Roles: []domain.Role{domain.RoleAdmin}})
}

func verifyLogOK(t *testing.T, f *inboxFixture) {
	t.Helper()
	v, err := f.collab.VerifyLog(adminAt(inboxPanjin))
	require.NoError(t, err)
	require.True(t, v.OK, "the log verifies with dead letters in it: %s at %d", v.Problem, v.FirstBrokenSeq)
}
