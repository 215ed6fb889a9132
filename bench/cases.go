package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"hukou/internal/gqlclient"
)

// Cases per minute (issue 20, item 4): birth registrations driven from
// intake at Panjin to completion at both offices, through the real binary —
// two `hukou serve` processes on two throwaway PostgreSQL databases and
// `hukou simulate` (Ministry, province, platform) over loopback HTTP —
// `caseWorkers` cases at a time, each step through the GraphQL API as the
// SPA calls it. There is no raw peer for a whole case; the row reports the
// rate and the note the p95 of every step.

const (
	caseWorkers   = 4
	benchPanjin   = "211100000000"
	benchSJZ      = "130100000000"
	benchDemoPass = "hukou-demo-2026" // cmd/hukou's demo users (seed --demo-users)
	statusPoll    = 20 * time.Millisecond
)

// caseSteps are the timed steps in the order a case takes them; the
// "→ …" ones are the collaboration hops (the step's commit at one office
// until the other office shows the new status, polled every statusPoll).
var caseSteps = []string{"look-up", "intake", "capture ×4", "submit", "→ received", "approve", "settle", "→ form",
	"print", "return signed", "→ signed", "file", "→ completed"}

func benchCases(ctx context.Context, baseDSN string, n int, logf func(string, ...any)) (row, error) {
	dir, err := os.MkdirTemp("", "hukou-bench-cases")
	if err != nil {
		return row{}, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "hukou")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/hukou").CombinedOutput(); err != nil {
		return row{}, fmt.Errorf("build hukou: %w\n%s", err, out)
	}
	// cleanups stop the processes and drop the databases, last first.
	var cleanups []func()
	defer func() {
		for _, f := range slices.Backward(cleanups) {
			f()
		}
	}()
	serve := func(addr string, env []string, args ...string) error {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			return err
		}
		cleanups = append(cleanups, func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
				res.Body.Close()
				return nil
			}
		}
		return fmt.Errorf("%s %s did not come up: %s", bin, args[0], log.String())
	}

	simAddr := freeAddr()
	// Enough unused certificates of Shijiazhuang newborns for n cases (M130000002 is a used one).
	if err := serve(simAddr, []string{fmt.Sprintf("MINISTRY_BIRTH_CERTIFICATES=%d", n+2)},
		"simulate", "--listen", simAddr, "--platform-db", filepath.Join(dir, "platform.db")); err != nil {
		return row{}, err
	}
	common := []string{"JWT_SECRET=bench-secret-0123456789abcdef0123456789", "MINISTRY_URL=http://" + simAddr + "/ministry",
		"PROVINCE_URL=http://" + simAddr + "/province", "PLATFORM_URL=http://" + simAddr + "/platform",
		"PRODUCTION_URL=http://" + simAddr + "/production", "FINGERPRINT_DEVICE_URL=http://" + simAddr + "/fingerprint",
		fmt.Sprintf("MINISTRY_BIRTH_CERTIFICATES=%d", n+2)}
	instance := func(name, office, division string) (string, error) {
		dsn, drop, err := throwaway(ctx, baseDSN)
		if err != nil {
			return "", err
		}
		cleanups = append(cleanups, drop)
		env := append([]string{"DATABASE_URL=" + dsn, "OFFICE_CODE=" + office, "BLOB_URL=" + filepath.Join(dir, name+"-blobs"),
			"SEAL_KEY_DIR=" + filepath.Join(dir, name+"-seal-keys")}, common...)
		seed := exec.CommandContext(ctx, bin, "seed", "--residents", "5000", "--division", division, "--demo-users")
		seed.Env = append(os.Environ(), env...)
		if out, err := seed.CombinedOutput(); err != nil {
			return "", fmt.Errorf("seed %s: %w\n%s", name, err, out)
		}
		addr := freeAddr()
		return addr, serve(addr, env, "serve", "--dev", "--listen", addr)
	}
	pj, err := instance("panjin", benchPanjin, "211100")
	if err != nil {
		return row{}, err
	}
	sjz, err := instance("shijiazhuang", benchSJZ, "130100")
	if err != nil {
		return row{}, err
	}

	clerk, err := signIn(pj, "clerk", benchDemoPass)
	if err != nil {
		return row{}, err
	}
	admin, err := signIn(sjz, "admin", benchDemoPass)
	if err != nil {
		return row{}, err
	}
	// A city-level officer at Shijiazhuang acts on every station's cases, with a personal seal.
	var created struct{ CreateUser struct{ ID string } }
	if err := call(sjz, admin, `mutation { createUser(input: {username: "bench-officer", displayName: "市局户籍民警",
		password: "bench-officer-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`, nil, &created); err != nil {
		return row{}, err
	}
	if err := requestSeal(sjz, admin, map[string]any{"kind": "PERSONAL", "userId": created.CreateUser.ID}); err != nil {
		return row{}, err
	}
	officer, err := signIn(sjz, "bench-officer", "bench-officer-1")
	if err != nil {
		return row{}, err
	}
	d := &caseDriver{pj: pj, sjz: sjz, clerk: clerk, officer: officer, admin: admin, sealed: map[string]bool{},
		took: map[string][]time.Duration{}, png: smallPNG()}

	var certs []string
	for i := 1; len(certs) < n; i++ {
		if i != 2 {
			certs = append(certs, fmt.Sprintf("M13%07d", i))
		}
	}
	logf("%d birth cases, %d at a time…", n, caseWorkers)
	work := make(chan string)
	errs := make(chan error, caseWorkers)
	start := time.Now()
	var wg sync.WaitGroup
	for range caseWorkers {
		wg.Go(func() {
			for cert := range work {
				if err := d.birth(cert); err != nil {
					errs <- fmt.Errorf("case on %s: %w", cert, err)
					return
				}
			}
		})
	}
	go func() {
		defer close(work)
		for _, c := range certs {
			select {
			case work <- c:
			case <-ctx.Done():
				return
			}
			if len(errs) > 0 {
				return
			}
		}
	}()
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return row{}, err
	}
	perMinute := float64(n) / elapsed.Minutes()
	var notes []string
	for _, s := range caseSteps {
		xs := d.took[s]
		slices.Sort(xs)
		notes = append(notes, fmt.Sprintf("%s %s", s, ms(xs[len(xs)*95/100])))
	}
	return row{work: fmt.Sprintf("birth cases intake → completed at both offices, %d by %d clerks", n, caseWorkers),
		hukou: fmt.Sprintf("%.0f/min", perMinute), raw: "—", goal: "—",
		note: "two hukou processes + hukou simulate, every step through GraphQL, status polled every 20 ms; p95 per step: " +
			strings.Join(notes, ", ")}, nil
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// caseDriver walks birth cases through the two offices.
type caseDriver struct {
	pj, sjz               string
	clerk, officer, admin string
	png                   []byte
	mu                    sync.Mutex
	sealed                map[string]bool // stations whose household seal was requested
	took                  map[string][]time.Duration
}

func (d *caseDriver) timed(step string, f func() error) error {
	t0 := time.Now()
	err := f()
	d.mu.Lock()
	d.took[step] = append(d.took[step], time.Since(t0))
	d.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	return nil
}

type benchCase struct {
	ID       string
	CollabNo string
	Status   string
	Version  int
}

const benchCaseFields = `id collabNo status version`

// birth takes one certificate's newborn from intake to completion.
func (d *caseDriver) birth(cert string) error {
	var lk struct {
		BirthLookup struct{ Certificate struct{ Sex string } }
	}
	if err := d.timed("look-up", func() error {
		return call(d.pj, d.clerk, `query($c: String!) { birthLookup(certificateNumber: $c, settleWith: "FATHER") { certificate { sex } } }`,
			map[string]any{"c": cert}, &lk)
	}); err != nil {
		return err
	}
	sex := lk.BirthLookup.Certificate.Sex
	relation := map[string]string{"1": "20", "2": "30"}[sex] // a son or a daughter of the head
	var bc benchCase
	if err := d.timed("intake", func() error {
		var out struct{ StartBirthRegistration benchCase }
		err := call(d.pj, d.clerk, `mutation($in: StartBirthRegistrationInput!) { startBirthRegistration(input: $in) { `+benchCaseFields+` } }`,
			map[string]any{"in": map[string]any{"certificateNumber": cert, "applicant": map[string]any{"newbornName": "陈晓明", "ethnicity": "01",
				"relation": relation, "settleWith": "FATHER", "declarantName": "陈东", "declarantIdNumber": "211102198010052301",
				"declarantPhone": "13912345678"}}}, &out)
		bc = out.StartBirthRegistration
		return err
	}); err != nil {
		return err
	}
	if err := d.timed("capture ×4", func() error {
		var mats struct {
			Case struct {
				Materials []struct {
					Code     string
					Required bool
				}
			}
		}
		if err := call(d.pj, d.clerk, `query($id: ID!) { case(id: $id) { materials { code required } } }`, map[string]any{"id": bc.ID}, &mats); err != nil {
			return err
		}
		for _, m := range mats.Case.Materials {
			if m.Required {
				if err := uploadFile(d.pj, d.clerk, `mutation($id: ID!, $m: String!, $f: Upload!) { uploadArchive(caseId: $id, materialCode: $m, file: $f) { id } }`,
					map[string]any{"id": bc.ID, "m": m.Code, "f": nil}, "f", m.Code+".png", d.png, nil); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := d.timed("submit", func() (err error) { bc, err = d.fire(d.pj, d.clerk, "submitBirthRegistration", bc, ""); return }); err != nil {
		return err
	}
	var rc benchCase
	if err := d.timed("→ received", func() error {
		return poll(func() (bool, error) {
			var out struct {
				Cases struct{ Edges []struct{ Node benchCase } }
			}
			if err := call(d.sjz, d.officer, `query($no: String) { cases(filter: {collabNo: $no}) { edges { node { `+benchCaseFields+` } } } }`,
				map[string]any{"no": bc.CollabNo}, &out); err != nil {
				return false, err
			}
			if len(out.Cases.Edges) == 1 {
				rc = out.Cases.Edges[0].Node
			}
			return rc.Status == "RECEIVED", nil
		})
	}); err != nil {
		return err
	}
	if err := d.timed("approve", func() (err error) { rc, err = d.fire(d.sjz, d.officer, "approveBirthRegistration", rc, ""); return }); err != nil {
		return err
	}
	var view struct {
		Case struct {
			Details struct {
				HouseholdNumber string
				Certificate     struct {
					Sex       string
					BirthTime time.Time
				}
			}
		}
	}
	if err := call(d.sjz, d.officer, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { householdNumber certificate { sex birthTime } } } } }`,
		map[string]any{"id": rc.ID}, &view); err != nil {
		return err
	}
	if err := d.householdSeal(view.Case.Details.HouseholdNumber); err != nil {
		return err
	}
	if err := d.timed("settle", func() error {
		var out struct{ SettleBirthRegistration benchCase }
		c := view.Case.Details.Certificate
		err := call(d.sjz, d.officer, `mutation($id: CaseID!, $v: Int!, $in: BirthSettlementInput!) { settleBirthRegistration(input: {id: $id, version: $v, newborn: $in}) { `+benchCaseFields+` } }`,
			map[string]any{"id": rc.ID, "v": rc.Version, "in": map[string]any{"householdNumber": view.Case.Details.HouseholdNumber, "name": "陈晓明",
				"sex": c.Sex, "ethnicity": "01", "birthDate": c.BirthTime.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly), "relation": relation}}, &out)
		rc = out.SettleBirthRegistration
		return err
	}); err != nil {
		return err
	}
	if err := d.timed("→ form", func() error { return d.await(d.pj, d.clerk, &bc, "FORM_RECEIVED") }); err != nil {
		return err
	}
	if err := d.timed("print", func() (err error) { bc, err = d.fire(d.pj, d.clerk, "printBirthForm", bc, ""); return }); err != nil {
		return err
	}
	if err := d.timed("return signed", func() error {
		var out struct{ ReturnSignedBirthForm benchCase }
		err := uploadFile(d.pj, d.clerk, `mutation($in: ReturnSignedBirthFormInput!) { returnSignedBirthForm(input: $in) { `+benchCaseFields+` } }`,
			map[string]any{"in": map[string]any{"id": bc.ID, "version": bc.Version, "file": nil}}, "in.file", "signed-form.png", d.png, &out)
		bc = out.ReturnSignedBirthForm
		return err
	}); err != nil {
		return err
	}
	if err := d.timed("→ signed", func() error { return d.await(d.sjz, d.officer, &rc, "SIGNED_RECEIVED") }); err != nil {
		return err
	}
	if err := d.timed("file", func() (err error) { rc, err = d.fire(d.sjz, d.officer, "fileBirthRegistration", rc, ""); return }); err != nil {
		return err
	}
	return d.timed("→ completed", func() error { return d.await(d.pj, d.clerk, &bc, "COMPLETED") })
}

// householdSeal requests the household seal of the station holding
// household once (settlement stamps the registration form with it, 5.1.2).
func (d *caseDriver) householdSeal(household string) error {
	var st struct {
		Household struct{ Station struct{ Code string } }
	}
	if err := call(d.sjz, d.admin, `query($n: String!) { household(number: $n) { station { code } } }`, map[string]any{"n": household}, &st); err != nil {
		return err
	}
	code := st.Household.Station.Code
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sealed[code] {
		return nil
	}
	if err := requestSeal(d.sjz, d.admin, map[string]any{"kind": "HOUSEHOLD", "officeCode": code}); err != nil {
		return err
	}
	d.sealed[code] = true
	return nil
}

func (d *caseDriver) fire(addr, token, mutation string, c benchCase, extra string) (benchCase, error) {
	var out map[string]benchCase
	err := call(addr, token, fmt.Sprintf(`mutation($id: CaseID!, $v: Int!) { r: %s(input: {id: $id, version: $v%s}) { %s } }`, mutation, extra, benchCaseFields),
		map[string]any{"id": c.ID, "v": c.Version}, &out)
	return out["r"], err
}

// await polls the case until it has status (and keeps its new version).
func (d *caseDriver) await(addr, token string, c *benchCase, status string) error {
	return poll(func() (bool, error) {
		var out struct{ Case benchCase }
		if err := call(addr, token, `query($id: ID!) { case(id: $id) { `+benchCaseFields+` } }`, map[string]any{"id": c.ID}, &out); err != nil {
			return false, err
		}
		*c = out.Case
		return c.Status == status, nil
	})
}

func poll(done func() (bool, error)) error {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(statusPoll) {
		ok, err := done()
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("not reached within 60 s")
}

func requestSeal(addr, admin string, in map[string]any) error {
	return call(addr, admin, `mutation($in: RequestSealInput!) { requestSeal(input: $in) { id } }`, map[string]any{"in": in}, nil)
}

func signIn(addr, user, pass string) (string, error) {
	var out struct{ Login struct{ AccessToken string } }
	err := call(addr, "", `mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }`,
		map[string]any{"u": user, "p": pass}, &out)
	return out.Login.AccessToken, err
}

var caseClient = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

// call posts a GraphQL operation and decodes its data into out (nil: none).
func call(addr, token, query string, vars map[string]any, out any) error {
	return gqlclient.Do(caseClient, addr, token, query, vars, out)
}

// uploadFile posts a GraphQL multipart request with one PNG at fileVar.
func uploadFile(addr, token, query string, vars map[string]any, fileVar, name string, content []byte, out any) error {
	return gqlclient.Upload(caseClient, addr, token, query, vars, fileVar, name, "image/png", content, out)
}

// smallPNG is a small real PNG: a captured page.
func smallPNG() []byte {
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
