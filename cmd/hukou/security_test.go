package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/platform"
	"hukou/storage/storagetest"
)

// The tests in this file replay the attacks of issue 10 ("Trust
// boundaries") against real processes: two hukou instances in production
// mode (real keys, no --dev) and the simulators, over real HTTP, on SQLite
// and PostgreSQL. The attacker speaks to the platform directly, as any
// holder of a trusted key (or of none) can.

// seedKey is a test key: deterministic, so a failing run can be replayed.
func seedKey(n byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
}

// Keys: Panjin's and Shijiazhuang's current keys, Shijiazhuang's next key
// (announced during the test), a revoked old Hebei key, and the key of a
// third province (Jiangsu) that both trust for Jiangsu only.
var (
	panjinKey  = seedKey(31)
	hebeiKey   = seedKey(32)
	hebeiNext  = seedKey(33)
	hebeiOld   = seedKey(34)
	jiangsuKey = seedKey(35)
)

type peerEntry struct {
	KeyID     string   `json:"keyId"`
	PublicKey string   `json:"publicKey"`
	Offices   []string `json:"offices"`
}

func peer(id string, k ed25519.PrivateKey, offices ...string) peerEntry {
	return peerEntry{KeyID: id, PublicKey: base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey)), Offices: offices}
}

// secureCluster is the simulators and two instances in production mode.
type secureCluster struct {
	*cluster
	plat *platform.Client
}

func writePeers(t *testing.T, path string, keys []peerEntry, revoked []string) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys, "revoked": revoked})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))
}

func newSecureCluster(t *testing.T, pjDB, sjzDB string) *secureCluster {
	dir := t.TempDir()
	c := &cluster{simAddr: freeAddr(t)}
	c.sim = start(t, "simulators", c.simAddr, nil, "simulate", "--listen", c.simAddr, "--platform-db", filepath.Join(dir, "platform.db"))
	c.platform = "http://" + c.simAddr + "/platform"
	pjPeers, sjzPeers := filepath.Join(dir, "panjin-peers.json"), filepath.Join(dir, "shijiazhuang-peers.json")
	writePeers(t, pjPeers, []peerEntry{peer("hebei-1", hebeiKey, "13"), peer("hebei-0", hebeiOld, "13"), peer("jiangsu-1", jiangsuKey, "32")},
		[]string{"hebei-0"})
	// Shijiazhuang lists its own current key too, so its log still verifies
	// after it rotates to the next one.
	writePeers(t, sjzPeers, []peerEntry{peer("panjin-1", panjinKey, "2111"), peer("jiangsu-1", jiangsuKey, "32"), peer("hebei-1", hebeiKey, "13")}, nil)
	common := []string{
		"HUKOU_DEV=false",
		"JWT_SECRET=e2e-secret-0123456789abcdef0123456789",
		"MINISTRY_URL=http://" + c.simAddr + "/ministry",
		"PROVINCE_URL=http://" + c.simAddr + "/province",
		"PLATFORM_URL=" + c.platform,
		"PRODUCTION_URL=http://" + c.simAddr + "/production",
		"INBOX_POLL_INTERVAL=300ms",
		"INTEGRATION_TIMEOUT=1s",
		"JOB_TIMEOUT=10s",
	}
	seedOf := func(k ed25519.PrivateKey) string { return base64.StdEncoding.EncodeToString(k.Seed()) }
	instance := func(name, office, division, db string, keyEnv ...string) *proc {
		env := append([]string{"DATABASE_URL=" + db, "OFFICE_CODE=" + office, "BLOB_URL=" + filepath.Join(dir, name+"-blobs")}, common...)
		env = append(env, keyEnv...)
		seed := exec.Command(binary, "seed", "--residents", "3000", "--division", division, "--demo-users")
		seed.Env = append(os.Environ(), env...)
		out, err := seed.CombinedOutput()
		require.NoError(t, err, "seed %s: %s", name, out)
		addr := freeAddr(t)
		return start(t, name, addr, env, "serve", "--listen", addr) // production mode: no --dev
	}
	c.pj = instance("panjin", panjin, "211100", pjDB,
		"COLLAB_SIGNING_KEY="+seedOf(panjinKey), "COLLAB_SIGNING_KEY_ID=panjin-1", "COLLAB_PEERS_FILE="+pjPeers)
	c.sjz = instance("shijiazhuang", shijiazhuang, "130100", sjzDB,
		"COLLAB_SIGNING_KEY="+seedOf(hebeiKey), "COLLAB_SIGNING_KEY_ID=hebei-1", "COLLAB_PEERS_FILE="+sjzPeers)
	c.pjTok, c.sjzTok = login(t, c.pj.addr), login(t, c.sjz.addr)
	return &secureCluster{cluster: c, plat: platform.New(httpclient.Config{BaseURL: c.platform, Timeout: 5 * time.Second})}
}

// forge hands the platform an envelope signed with key under keyID, as an
// attacker holding that key would.
func (c *secureCluster) forge(t *testing.T, env domain.Envelope, keyID string, key ed25519.PrivateKey) domain.Envelope {
	t.Helper()
	if env.MessageID == "" {
		env.MessageID = uuid.NewString()
	}
	if env.SentAt.IsZero() {
		env.SentAt = time.Now().UTC().Truncate(time.Microsecond)
	}
	if env.SenderUser == "" {
		env.SenderUser = "attacker"
	}
	env.Sign(key, keyID)
	require.NoError(t, c.plat.Send(context.Background(), env))
	return env
}

// settled waits until the instance at addr has logged the message and
// either applied it or made it a dead letter, and returns its log entry.
func settled(t *testing.T, addr, token, messageID string) logEntry {
	t.Helper()
	var found logEntry
	require.Eventually(t, func() bool {
		for _, e := range messageLog(t, addr, token) {
			if e.MessageID == messageID && (e.Status == "APPLIED" || e.Status == "FAILED") {
				found = e
				return true
			}
		}
		return false
	}, 30*time.Second, 200*time.Millisecond, "message %s never settled at %s", messageID, addr)
	return found
}

func requireDead(t *testing.T, e logEntry, reason string) {
	t.Helper()
	require.Equal(t, "FAILED", e.Status, "message %s: %s", e.MessageID, e.LastError)
	require.Contains(t, e.LastError, reason, "message %s", e.MessageID)
}

func ping(from, to, collabNo string, seq int64, text string) domain.Envelope {
	return domain.Envelope{CollabNo: collabNo, CaseKind: domain.PingKind, MessageType: domain.PingType, SenderOffice: from,
		ReceiverOffice: to, CaseSeq: seq, Body: json.RawMessage(`{"text": ` + fmt.Sprintf("%q", text) + `}`)}
}

// TestSecurity_CollaborationTrust replays the forged-message findings
// across two instances with a third province's trusted key: a message
// claiming an office its key is not bound to, a revoked key, an unknown
// key that becomes trusted once the peer announces it (signed with its
// current key) and is then used, an application from inside the receiving
// deployment, a NUL byte (and other unstorable bodies) ahead of valid
// messages, and an archive whose bytes are HTML claiming image/png.
func TestSecurity_CollaborationTrust(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newSecureCluster(t, pjDB, sjzDB)

		// A genuine birth case from Panjin reaches Shijiazhuang: real keys work.
		clerk := loginAs(t, c.pj.addr, "clerk", demoPass)
		var lookup struct {
			BirthLookup struct{ Certificate struct{ Sex string } }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($c: String!) { birthLookup(certificateNumber: $c, settleWith: "FATHER") { certificate { sex } } }`,
			map[string]any{"c": ministrysim.FreeBirthCertificateNumber}, &lookup))
		var started struct{ StartBirthRegistration birthCase }
		require.NoError(t, gql(c.pj.addr, clerk, `mutation($in: StartBirthRegistrationInput!) { startBirthRegistration(input: $in) { `+birthFields+` } }`,
			map[string]any{"in": map[string]any{"certificateNumber": ministrysim.FreeBirthCertificateNumber,
				"applicant": applicant("陈安", lookup.BirthLookup.Certificate.Sex)}}, &started))
		bc := started.StartBirthRegistration
		var mats struct {
			Case struct {
				Materials []struct {
					Code     string
					Required bool
				}
			}
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { materials { code required } } }`, map[string]any{"id": bc.ID}, &mats))
		for _, m := range mats.Case.Materials {
			if m.Required {
				require.NoError(t, upload(c.pj.addr, clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
					map[string]any{"id": bc.ID, "m": m.Code}, "f", m.Code+".png", pngBytes(t), &struct{}{}))
			}
		}
		var submitted struct{ SubmitBirthRegistration birthCase }
		require.NoError(t, gql(c.pj.addr, clerk, `mutation($id: CaseID!) { submitBirthRegistration(input: {id: $id, version: 1}) { `+birthFields+` } }`,
			map[string]any{"id": bc.ID}, &submitted))
		caseAt := func() birthCase {
			var out struct{ Case birthCase }
			require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { `+birthFields+` } }`, map[string]any{"id": bc.ID}, &out))
			return out.Case
		}
		require.Eventually(t, func() bool { return caseAt().Status == "EXTRACTED" }, 30*time.Second, 200*time.Millisecond,
			"Shijiazhuang's receipt never came back")
		before := caseAt()

		t.Log("a third province's trusted key claims the case's registration office: refused, the case does not move")
		var other struct {
			Case struct{ RegistrationOffice string }
		}
		require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { registrationOffice } }`, map[string]any{"id": bc.ID}, &other))
		// Exactly what the registration office would send next (its receipt was 1), so only the key gives it away.
		forged := ping("", "", bc.CollabNo, 2, "")
		forged.CaseKind, forged.MessageType = "BIRTH", "REFUSED"
		forged.SenderOffice, forged.ReceiverOffice = other.Case.RegistrationOffice, panjin
		forged.Body = json.RawMessage(`{"reasons": ["forged by Jiangsu"]}`)
		forged = c.forge(t, forged, "jiangsu-1", jiangsuKey)
		requireDead(t, settled(t, c.pj.addr, c.pjTok, forged.MessageID), "speaks only for offices 32")
		after := caseAt()
		require.Equal(t, before.Status, after.Status)
		require.Equal(t, before.Version, after.Version, "the case is unchanged")

		t.Log("a revoked key is refused even though it is listed")
		revoked := c.forge(t, ping(shijiazhuang, panjin, "XTREVOKED", 1, "old key"), "hebei-0", hebeiOld)
		requireDead(t, settled(t, c.pj.addr, c.pjTok, revoked.MessageID), "revoked")

		t.Log("a rotated key: unknown until Shijiazhuang announces it signed with its current key, then accepted")
		early := c.forge(t, ping(shijiazhuang, panjin, "XTEARLY", 1, "too early"), "hebei-2", hebeiNext)
		requireDead(t, settled(t, c.pj.addr, c.pjTok, early.MessageID), "unknown key")
		var announced struct{ AnnounceCollaborationKey struct{ MessageID string } }
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation($in: AnnounceCollaborationKeyInput!) { announceCollaborationKey(input: $in) { messageId } }`,
			map[string]any{"in": map[string]any{"receiverOffice": panjin, "keyId": "hebei-2", "offices": []string{"13"},
				"publicKey": base64.StdEncoding.EncodeToString(hebeiNext.Public().(ed25519.PublicKey))}}, &announced))
		require.Equal(t, "APPLIED", settled(t, c.pj.addr, c.pjTok, announced.AnnounceCollaborationKey.MessageID).Status)
		var dir struct {
			CollaborationPeerDirectory struct {
				Keys []struct{ KeyID, Source, Status, AnnouncedBy string }
			}
		}
		require.NoError(t, gql(c.pj.addr, c.pjTok, `{ collaborationPeerDirectory { keys { keyId source status announcedBy } } }`, nil, &dir))
		byID := map[string]string{}
		for _, k := range dir.CollaborationPeerDirectory.Keys {
			byID[k.KeyID] = k.Source + "/" + k.Status
		}
		require.Equal(t, map[string]string{"panjin-1": "OWN/VALID", "hebei-0": "CONFIGURED/REVOKED", "hebei-1": "CONFIGURED/VALID",
			"hebei-2": "ANNOUNCED/VALID", "jiangsu-1": "CONFIGURED/VALID"}, byID)
		// Shijiazhuang switches to the announced key and pings through the API.
		c.sjz.stop()
		for i, kv := range c.sjz.env {
			switch {
			case strings.HasPrefix(kv, "COLLAB_SIGNING_KEY="):
				c.sjz.env[i] = "COLLAB_SIGNING_KEY=" + base64.StdEncoding.EncodeToString(hebeiNext.Seed())
			case strings.HasPrefix(kv, "COLLAB_SIGNING_KEY_ID="):
				c.sjz.env[i] = "COLLAB_SIGNING_KEY_ID=hebei-2"
			}
		}
		c.sjz.run()
		c.sjzTok = login(t, c.sjz.addr)
		var pinged struct{ SendCollaborationPing struct{ MessageID string } }
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `mutation { sendCollaborationPing(input: {receiverOffice: "211100000000", collabNo: "XTROTATED", text: "new key"}) { messageId } }`,
			nil, &pinged))
		require.Equal(t, "APPLIED", settled(t, c.pj.addr, c.pjTok, pinged.SendCollaborationPing.MessageID).Status, "the rotated key is accepted")

		t.Log("an application from an office inside the receiving deployment is refused")
		inside := domain.Envelope{CollabNo: "XT130100202611260000001", CaseKind: "BIRTH", MessageType: string(domain.MsgApplication),
			SenderOffice: "130102000100", ReceiverOffice: shijiazhuang, CaseSeq: 1}
		inside.Body, _ = json.Marshal(domain.ApplicationBody{Case: domain.CaseWire{CollabNo: inside.CollabNo, AcceptanceOffice: "130102000100",
			RegistrationOffice: "130102000100", RegistrationProvince: "13", Applicant: json.RawMessage(`{}`), Ministry: json.RawMessage(`{}`)}})
		inside = c.forge(t, inside, "hebei-2", hebeiNext)
		requireDead(t, settled(t, c.sjz.addr, c.sjzTok, inside.MessageID), "outside this deployment")

		t.Log("NUL bytes and other unstorable content ahead of valid messages: dead letters with the reason; the valid ones apply")
		nulBody := ping(shijiazhuang, panjin, "XTNULBODY", 1, "")
		nulBody.Body = json.RawMessage(`{"text": "a\u0000b"}`)
		nulUser := ping(shijiazhuang, panjin, "XTNULUSER", 1, "x")
		nulUser.SenderUser = "ad\x00min"
		badUTF8 := ping(shijiazhuang, panjin, "XTUTF8", 1, "")
		badUTF8.Body = json.RawMessage("{\"text\": \"\xff\xfe\"}")
		var bad []domain.Envelope
		for _, e := range []domain.Envelope{nulBody, nulUser, badUTF8} {
			bad = append(bad, c.forge(t, e, "hebei-2", hebeiNext))
		}
		valid := c.forge(t, ping(shijiazhuang, panjin, "XTAFTERNUL", 1, "still applies"), "hebei-2", hebeiNext)
		require.Equal(t, "APPLIED", settled(t, c.pj.addr, c.pjTok, valid.MessageID).Status)
		requireDead(t, settled(t, c.pj.addr, c.pjTok, bad[0].MessageID), "NUL")
		requireDead(t, settled(t, c.pj.addr, c.pjTok, bad[1].MessageID), "NUL")
		requireDead(t, settled(t, c.pj.addr, c.pjTok, bad[2].MessageID), "UTF-8")

		t.Log("an archive whose bytes are HTML, claiming image/png: the application is refused and nothing is kept")
		html := []byte(`<!doctype html><html><body><script>fetch("/graphql",{method:"POST"})</script></body></html>`)
		archive := domain.FileContent{MaterialCode: "BIRTH_CERT", Name: "出生医学证明.png", ContentType: "image/png", Content: html}
		hostile := domain.Envelope{CollabNo: "XT211100202611260000002", CaseKind: "BIRTH", MessageType: string(domain.MsgApplication),
			SenderOffice: "211103000100", ReceiverOffice: shijiazhuang, CaseSeq: 1,
			Attachments: []domain.AttachmentRef{domain.AttachmentFor(archive.Name, archive.ContentType, archive.Content)}}
		hostile.Body, _ = json.Marshal(domain.ApplicationBody{Case: domain.CaseWire{CollabNo: hostile.CollabNo, AcceptanceOffice: "211103000100",
			RegistrationOffice: "130102000100", RegistrationProvince: "13", Applicant: json.RawMessage(`{}`), Ministry: json.RawMessage(`{}`)},
			Archives: []domain.FileContent{archive}})
		hostile = c.forge(t, hostile, "panjin-1", panjinKey)
		requireDead(t, settled(t, c.sjz.addr, c.sjzTok, hostile.MessageID), "text/html")
		var cases struct {
			Cases struct{ Edges []any }
		}
		require.NoError(t, gql(c.sjz.addr, c.sjzTok, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { id } } } }`,
			map[string]any{"no": hostile.CollabNo}, &cases))
		require.Empty(t, cases.Cases.Edges, "no case from the refused application")

		// Dead letters are listed for the administrator, and both logs verify.
		var dead struct {
			DeadLetters struct{ Edges []struct{ Node logEntry } }
		}
		require.NoError(t, gql(c.pj.addr, c.pjTok, `{ deadLetters(first: 50) { edges { node { messageId status lastError } } } }`, nil, &dead))
		require.Len(t, dead.DeadLetters.Edges, 6, "forged, revoked, too early, and three unstorable")
		verifyLog(t, c.pj.addr, c.pjTok)
		verifyLog(t, c.sjz.addr, c.sjzTok)
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		run(t, filepath.Join(dir, "panjin.db"), filepath.Join(dir, "shijiazhuang.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		run(t, storagetest.PostgresSchemaURL(t), storagetest.PostgresSchemaURL(t))
	})
}

// TestSecurity_ProductionModeRefusesToStart: `hukou serve` without --dev
// and without keys exits non-zero and names every missing setting; each
// one set removes it from the list.
func TestSecurity_ProductionModeRefusesToStart(t *testing.T) {
	t.Parallel()
	var clean []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "HUKOU_DEV" || strings.HasPrefix(name, "COLLAB_") || strings.HasPrefix(name, "JWT_") ||
			name == "MINISTRY_URL" || name == "PROVINCE_URL" || name == "PLATFORM_URL" || name == "PRODUCTION_URL" {
			continue
		}
		clean = append(clean, kv)
	}
	dir := t.TempDir()
	serve := func(env ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary, "serve", "--listen", "127.0.0.1:0")
		cmd.Env = append(append(append([]string{}, clean...), "DATABASE_URL="+filepath.Join(dir, "hukou.db"), "BLOB_URL="+filepath.Join(dir, "blobs")), env...)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "serve must exit with an error, got %v:\n%s", err, out)
		return string(out), exit.ExitCode()
	}
	all := []string{"COLLAB_SIGNING_KEY", "COLLAB_PEERS_FILE or COLLAB_PEER_KEYS", "JWT_SECRET or JWT_ED25519_KEY", "MINISTRY_URL", "PROVINCE_URL", "PLATFORM_URL", "PRODUCTION_URL"}
	out, code := serve()
	require.Equal(t, 1, code)
	require.Contains(t, out, "production mode refuses to start")
	require.Contains(t, out, "--dev")
	for _, name := range all {
		require.Contains(t, out, name)
	}

	out, code = serve("JWT_SECRET=e2e-secret-0123456789abcdef0123456789", "MINISTRY_URL=http://127.0.0.1:1/ministry",
		"PROVINCE_URL=http://127.0.0.1:1/province", "COLLAB_SIGNING_KEY="+base64.StdEncoding.EncodeToString(panjinKey.Seed()))
	require.Equal(t, 1, code)
	require.Contains(t, out, "COLLAB_PEERS_FILE or COLLAB_PEER_KEYS")
	require.Contains(t, out, "PLATFORM_URL")
	for _, gone := range []string{"COLLAB_SIGNING_KEY (", "JWT_SECRET or", "MINISTRY_URL", "PROVINCE_URL"} {
		require.NotContains(t, out, gone)
	}

	pub := base64.StdEncoding.EncodeToString(hebeiKey.Public().(ed25519.PublicKey))
	out, code = serve("JWT_SECRET=e2e-secret-0123456789abcdef0123456789", "MINISTRY_URL=http://127.0.0.1:1/ministry",
		"PROVINCE_URL=http://127.0.0.1:1/province", "PLATFORM_URL=http://127.0.0.1:1/platform", "PRODUCTION_URL=http://127.0.0.1:1/production",
		"COLLAB_SIGNING_KEY="+base64.StdEncoding.EncodeToString(panjinKey.Seed()), "COLLAB_PEER_KEYS=hebei-1="+pub)
	require.Equal(t, 1, code)
	require.Contains(t, out, "keyID=base64(Ed25519 public key)=office prefix", "a peer key bound to no office")
}
