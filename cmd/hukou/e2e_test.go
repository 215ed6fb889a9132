package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"hukou/internal/gqlclient"
	"hukou/storage/storagetest"
)

// The tests in this file run the real binary as separate processes: two
// hukou instances (Panjin 211100 and Shijiazhuang 130100), each with its own
// database, and the simulators, talking over real HTTP.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hukou-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "hukou")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(fmt.Sprintf("build hukou: %v\n%s", err, out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	panjin       = "211100000000"
	shijiazhuang = "130100000000"
	demoPass     = "hukou-demo-2026"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// proc is one running hukou process.
type proc struct {
	t    *testing.T
	name string
	args []string
	env  []string
	cmd  *exec.Cmd
	log  *bytes.Buffer
	addr string
}

func start(t *testing.T, name, addr string, env []string, args ...string) *proc {
	p := &proc{t: t, name: name, args: args, env: env, addr: addr}
	p.run()
	t.Cleanup(p.stop)
	return p
}

func (p *proc) run() {
	p.log = &bytes.Buffer{}
	p.cmd = exec.Command(binary, p.args...)
	p.cmd.Env = append(os.Environ(), p.env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	require.NoError(p.t, p.cmd.Start())
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s did not come up:\n%s", p.name, p.log.String())
}

// kill ends the process at once, as a crash would.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = p.cmd.Process.Wait()
}

func (p *proc) stop() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = p.cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			p.kill()
		}
	}
	if p.t.Failed() {
		p.t.Logf("--- %s log without access lines (last 8 kB) ---\n%s", p.name, tail(withoutAccessLines(p.log.String()), 8192))
	}
}

// withoutAccessLines drops the successful requests' access lines, which
// would otherwise bury the warnings a failure needs.
func withoutAccessLines(log string) string {
	var b strings.Builder
	for line := range strings.Lines(log) {
		if strings.Contains(line, `"msg":"http"`) && strings.Contains(line, `"status":200`) {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// gql posts a GraphQL operation and decodes data into out.
func gql(addr, token, query string, vars map[string]any, out any) error {
	return gqlclient.Do(e2eClient, addr, token, query, vars, out)
}

var e2eClient = &http.Client{Timeout: 30 * time.Second}

func login(t *testing.T, addr string) string {
	t.Helper()
	return loginAs(t, addr, "admin", demoPass)
}

type logEntry struct {
	Seq         int
	MessageID   string
	Direction   string
	CollabNo    string
	CaseSeq     int
	Status      string
	LastError   string
	UpdatedAt   time.Time
	SenderOffce string `json:"senderOffice"`
}

// messageLog reads the whole collaboration log of an instance.
func messageLog(t *testing.T, addr, token string) []logEntry {
	t.Helper()
	var all []logEntry
	after := ""
	for {
		var out struct {
			CollaborationMessages struct {
				Edges    []struct{ Node logEntry }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		require.NoError(t, gql(addr, token, `query($after: String) { collaborationMessages(first: 200, after: $after) {
			edges { node { seq messageId direction collabNo caseSeq status lastError updatedAt senderOffice } }
			pageInfo { hasNextPage endCursor } } }`, vars, &out))
		for _, e := range out.CollaborationMessages.Edges {
			all = append(all, e.Node)
		}
		if !out.CollaborationMessages.PageInfo.HasNextPage {
			return all
		}
		after = out.CollaborationMessages.PageInfo.EndCursor
	}
}

func verifyLog(t *testing.T, addr, token string) {
	t.Helper()
	var out struct {
		VerifyMessageLog struct {
			OK      bool
			Entries int
			Problem *string
		}
	}
	require.NoError(t, gql(addr, token, `{ verifyMessageLog { ok entries problem } }`, nil, &out))
	require.True(t, out.VerifyMessageLog.OK, "message log of %s: %v", addr, out.VerifyMessageLog.Problem)
}

// cluster is the simulators and two instances on one kind of database.
type cluster struct {
	sim      *proc
	pj, sjz  *proc
	pjTok    string
	sjzTok   string
	simAddr  string
	platform string
}

// newCluster starts the simulators and the two instances; extraEnv is added
// to the environment of all three (e.g. PRODUCTION_DELAY, FORWARD_INTERVAL).
func newCluster(t *testing.T, pjDB, sjzDB string, extraEnv ...string) *cluster {
	dir := t.TempDir()
	c := &cluster{simAddr: freeAddr(t)}
	c.sim = start(t, "simulators", c.simAddr, extraEnv, "simulate", "--listen", c.simAddr, "--platform-db", filepath.Join(dir, "platform.db"))
	c.platform = "http://" + c.simAddr + "/platform"
	common := []string{
		"JWT_SECRET=e2e-secret-0123456789abcdef0123456789",
		"MINISTRY_URL=http://" + c.simAddr + "/ministry",
		"PROVINCE_URL=http://" + c.simAddr + "/province",
		"PLATFORM_URL=" + c.platform,
		"PRODUCTION_URL=http://" + c.simAddr + "/production",
		"FINGERPRINT_DEVICE_URL=http://" + c.simAddr + "/fingerprint",
		"INBOX_POLL_INTERVAL=300ms",
		"INTEGRATION_TIMEOUT=1s",
		"JOB_TIMEOUT=10s",
		"RESCUE_JOBS_AFTER=10s",
	}
	common = append(common, extraEnv...)
	instance := func(name, office, division, db string) *proc {
		env := append([]string{"DATABASE_URL=" + db, "OFFICE_CODE=" + office, "BLOB_URL=" + filepath.Join(dir, name+"-blobs"),
			"SEAL_KEY_DIR=" + filepath.Join(dir, name+"-seal-keys")}, common...)
		seed := exec.Command(binary, "seed", "--residents", "5000", "--division", division, "--demo-users")
		seed.Env = append(os.Environ(), env...)
		out, err := seed.CombinedOutput()
		require.NoError(t, err, "seed %s: %s", name, out)
		addr := freeAddr(t)
		return start(t, name, addr, env, "serve", "--dev", "--listen", addr)
	}
	c.pj = instance("panjin", panjin, "211100", pjDB)
	c.sjz = instance("shijiazhuang", shijiazhuang, "130100", sjzDB)
	c.pjTok, c.sjzTok = login(t, c.pj.addr), login(t, c.sjz.addr)
	return c
}

func (c *cluster) setFaults(t *testing.T, rules string) {
	req, _ := http.NewRequest(http.MethodPut, c.platform+"/admin/faults", strings.NewReader(rules))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// TestCollaboration_ExactlyOnceUnderFailures sends 1,000 messages between
// Panjin and Shijiazhuang (500 each way, over 20 cases) while the platform
// fails 30 % of calls, loses responses and hangs, and Shijiazhuang is killed
// and restarted mid-run. Every message must be applied exactly once, in
// order per case, and both message logs must verify.
func TestCollaboration_ExactlyOnceUnderFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	run := func(t *testing.T, pjDB, sjzDB string) {
		c := newCluster(t, pjDB, sjzDB)
		c.setFaults(t, `{
			"send":  {"errorRate": 0.15, "loseResponseRate": 0.13, "timeoutRate": 0.02},
			"inbox": {"errorRate": 0.25, "loseResponseRate": 0.05},
			"ack":   {"errorRate": 0.2, "loseResponseRate": 0.1}}`)

		const perDirection = 500
		var sjzDown atomic.Bool
		var pjSent atomic.Int64
		var pjTok, sjzTok atomic.Pointer[string]
		pjTok.Store(&c.pjTok)
		sjzTok.Store(&c.sjzTok)
		send := func(from *proc, tok *atomic.Pointer[string], to, prefix string, down *atomic.Bool, progress *atomic.Int64) {
			sent := 0
			for i := 0; sent < perDirection; i++ {
				if down != nil && down.Load() {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				collabNo := fmt.Sprintf("%s%02d", prefix, i%10)
				err := gql(from.addr, *tok.Load(), `mutation($in: SendCollaborationPingInput!) { sendCollaborationPing(input: $in) { messageId } }`,
					map[string]any{"in": map[string]any{"receiverOffice": to, "collabNo": collabNo, "text": fmt.Sprintf("消息 %d", i)}}, nil)
				if err == nil {
					sent++
					if progress != nil {
						progress.Add(1)
					}
				}
			}
		}
		var wg sync.WaitGroup
		wg.Add(3)
		go func() { defer wg.Done(); send(c.pj, &pjTok, shijiazhuang, "XT211100202611250000", nil, &pjSent) }()
		go func() { defer wg.Done(); send(c.sjz, &sjzTok, panjin, "XT130100202611250000", &sjzDown, nil) }()
		go func() { // crash Shijiazhuang mid-run, then bring it back on the same database
			defer wg.Done()
			for pjSent.Load() < perDirection/2 {
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("killing Shijiazhuang after Panjin sent %d", pjSent.Load())
			sjzDown.Store(true)
			c.sjz.kill()
			time.Sleep(time.Second)
			c.sjz.run()
			tok := login(t, c.sjz.addr)
			sjzTok.Store(&tok)
			sjzDown.Store(false)
			t.Logf("Shijiazhuang restarted; Panjin has sent %d", pjSent.Load())
		}()
		wg.Wait()
		c.sjzTok = *sjzTok.Load()
		c.setFaults(t, `{}`) // let the tail drain quickly

		type pair struct {
			from, to       *proc
			fromTok, toTok string
		}
		for _, p := range []pair{{c.pj, c.sjz, c.pjTok, c.sjzTok}, {c.sjz, c.pj, c.sjzTok, c.pjTok}} {
			var out, in []logEntry
			require.Eventually(t, func() bool {
				out, in = nil, nil
				sent := 0
				for _, e := range messageLog(t, p.from.addr, p.fromTok) {
					if e.Direction == "OUT" {
						out = append(out, e)
						if e.Status == "SENT" {
							sent++
						}
					}
				}
				applied := 0
				for _, e := range messageLog(t, p.to.addr, p.toTok) {
					if e.Direction == "IN" {
						in = append(in, e)
						if e.Status == "APPLIED" {
							applied++
						}
					}
				}
				// A message may be applied before its sender learns it was
				// delivered (a lost response is retried): wait for both.
				return len(out) >= perDirection && sent == len(out) && applied == len(out) && len(in) == len(out)
			}, 4*time.Minute, time.Second, "%s → %s: not every message was sent and applied", p.from.name, p.to.name)

			sentIDs := map[string]bool{}
			for _, e := range out {
				require.Equal(t, "SENT", e.Status, e.MessageID)
				sentIDs[e.MessageID] = true
			}
			byCase := map[string][]logEntry{}
			for _, e := range in {
				require.True(t, sentIDs[e.MessageID], "received a message that was never sent: %s", e.MessageID)
				delete(sentIDs, e.MessageID) // a second copy would fail the check above
				byCase[e.CollabNo] = append(byCase[e.CollabNo], e)
			}
			require.Empty(t, sentIDs, "messages sent but never received")
			for collabNo, es := range byCase {
				seqs := map[int]time.Time{}
				for _, e := range es {
					_, dup := seqs[e.CaseSeq]
					require.False(t, dup, "case %s: sequence %d twice", collabNo, e.CaseSeq)
					seqs[e.CaseSeq] = e.UpdatedAt
				}
				for k := 2; k <= len(es); k++ {
					require.Contains(t, seqs, k, "case %s: sequence gap at %d", collabNo, k)
					require.False(t, seqs[k].Before(seqs[k-1]), "case %s: %d applied before %d", collabNo, k, k-1)
				}
			}
		}
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

// TestCollaborationEvents_AcrossInstances subscribes on one Shijiazhuang
// instance and expects the event of a message applied by another instance
// sharing its PostgreSQL database.
func TestCollaborationEvents_AcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	sjzDB := storagetest.PostgresSchemaURL(t)
	c := newCluster(t, filepath.Join(t.TempDir(), "panjin.db"), sjzDB)
	// A second Shijiazhuang instance on the same database that works no jobs
	// (an API-only node), so the first instance is the one that applies.
	addr := freeAddr(t)
	second := start(t, "shijiazhuang-2", addr, append(append([]string{}, c.sjz.env...), "RUN_JOBS=false"), "serve", "--dev", "--listen", addr)
	tok := login(t, second.addr)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+second.addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	defer func() { _ = ws.CloseNow() }()
	write := func(v any) { b, _ := json.Marshal(v); require.NoError(t, ws.Write(ctx, websocket.MessageText, b)) }
	read := func() map[string]any {
		_, b, err := ws.Read(ctx)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}
	write(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + tok}})
	require.Equal(t, "connection_ack", read()["type"])
	write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { collaborationEvents { messageId collabNo senderOffice office } }`}})
	time.Sleep(500 * time.Millisecond) // the subscription is registered

	var sent struct{ SendCollaborationPing struct{ MessageID string } }
	require.NoError(t, gql(c.pj.addr, c.pjTok, `mutation { sendCollaborationPing(input: {receiverOffice: "130100000000", collabNo: "XT2111002026112500009999", text: "订阅"}) { messageId } }`, nil, &sent))
	for {
		m := read()
		if m["type"] == "ka" || m["type"] == "ping" {
			continue
		}
		require.Equal(t, "next", m["type"], "%v", m)
		ev := m["payload"].(map[string]any)["data"].(map[string]any)["collaborationEvents"].(map[string]any)
		require.Equal(t, sent.SendCollaborationPing.MessageID, ev["messageId"])
		require.Equal(t, panjin, ev["senderOffice"])
		return
	}
}
