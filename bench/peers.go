package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// The three reads measured against the peers (#20): hukou's GraphQL, the
// same reads through PostGraphile 4 (no auth, no audit) on the same
// database, a minimal net/http handler running the same prepared statement
// and encoding JSON (what HTTP itself costs), and the prepared statement
// alone. Same load program, same clients, alternated.

// peerRead is one read in its four forms.
type peerRead struct {
	work                       string
	hukou, graphile, http, raw func(ctx context.Context, rng *rand.Rand) error
}

// postGraphileDir holds the pinned PostGraphile install (package.json and
// package-lock.json are in the repository; node_modules is not).
func postGraphileDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "postgraphile")
}

// startPostGraphile installs the pinned PostGraphile (npm ci, once) and
// serves dsn's public schema on a free loopback port. It returns the
// GraphQL endpoint, or why the peer is skipped.
func startPostGraphile(ctx context.Context, dsn string) (endpoint string, stop func(), skip error) {
	dir := postGraphileDir()
	bin := filepath.Join(dir, "node_modules", ".bin", "postgraphile")
	if _, err := os.Stat(bin); err != nil {
		if _, err := exec.LookPath("npm"); err != nil {
			return "", nil, errors.New("npm is not installed")
		}
		fmt.Fprintln(os.Stderr, "bench: installing the pinned PostGraphile 4.14.1 from npm (bench/postgraphile, once)…")
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", nil, fmt.Errorf("npm ci in %s: %w", dir, err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(cctx, bin, "-c", dsn, "--schema", "public", "--host", "127.0.0.1", "--port", fmt.Sprint(port),
		"--disable-query-log", "--disable-graphiql", "--append-plugins",
		"@graphile-contrib/pg-simplify-inflector,postgraphile-plugin-connection-filter")
	cmd.Dir = dir
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		return "", nil, fmt.Errorf("start PostGraphile: %w", err)
	}
	var log strings.Builder
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if log.Len() < 4000 {
				log.WriteString(s.Text() + "\n")
			}
		}
	}()
	stop = func() { cancel(); _ = cmd.Wait() }
	endpoint = fmt.Sprintf("http://127.0.0.1:%d/graphql", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		res, err := http.Post(endpoint, "application/json", strings.NewReader(`{"query":"{ __typename }"}`))
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return endpoint, stop, nil
			}
		}
	}
	stop()
	return "", nil, fmt.Errorf("PostGraphile did not answer within 30 s: %s", log.String())
}

// graphqlClient posts a query to endpoint (with token as Bearer, if any)
// and checks that the answer holds want and no errors.
func graphqlClient(endpoint, token string) func(ctx context.Context, query string, vars map[string]any, want string) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return func(ctx context.Context, query string, vars map[string]any, want string) error {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(string(body)))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || strings.Contains(string(out), `"errors"`) || !strings.Contains(string(out), want) {
			return fmt.Errorf("graphql %s: %d %.300s", endpoint, resp.StatusCode, out)
		}
		return nil
	}
}

// residentJSON is what the raw HTTP baseline encodes per resident.
type residentJSON struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	IDNumber        string  `json:"idNumber"`
	BirthDate       string  `json:"birthDate"`
	Status          string  `json:"status"`
	Hcybsh          *string `json:"hcybsh"`
	Sex             string  `json:"sex,omitempty"`
	HouseholdNumber string  `json:"householdNumber,omitempty"`
}

// peerStatements are the three reads as prepared statements.
type peerStatements struct {
	point, page, prefix *sql.Stmt
}

func preparePeerStatements(ctx context.Context, db *sql.DB) (*peerStatements, error) {
	var s peerStatements
	var err error
	if s.point, err = db.PrepareContext(ctx, `SELECT r.id, r.name, r.id_number, r.birth_date, r.status, r.hcybsh, r.sex, h.number
FROM residents r JOIN households h ON h.id = r.household_id WHERE r.id_number = $1`); err != nil {
		return nil, err
	}
	if s.page, err = db.PrepareContext(ctx, `SELECT id, name, id_number, birth_date, status, hcybsh, '', '' FROM residents
WHERE station_code = $1 ORDER BY id DESC LIMIT 51`); err != nil {
		return nil, err
	}
	if s.prefix, err = db.PrepareContext(ctx, `SELECT id, name, id_number, birth_date, status, hcybsh, '', '' FROM residents
WHERE name LIKE $1 ORDER BY id DESC LIMIT 21`); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *peerStatements) Close() { s.point.Close(); s.page.Close(); s.prefix.Close() }

// scanResidents reads rows of the peer statements' shape.
func scanResidents(rs *sql.Rows) ([]residentJSON, error) {
	defer rs.Close()
	var out []residentJSON
	for rs.Next() {
		var r residentJSON
		var birth time.Time
		var hcybsh sql.NullString
		if err := rs.Scan(&r.ID, &r.Name, &r.IDNumber, &birth, &r.Status, &hcybsh, &r.Sex, &r.HouseholdNumber); err != nil {
			return nil, err
		}
		r.BirthDate = birth.Format(time.DateOnly)
		if hcybsh.Valid {
			r.Hcybsh = &hcybsh.String
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// rawHTTP serves the three statements as JSON on loopback: the raw-over-HTTP
// baseline.
func rawHTTP(stmts *peerStatements) (base string, stop func(), err error) {
	mux := http.NewServeMux()
	serve := func(stmt *sql.Stmt, arg func(*http.Request) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			rs, err := stmt.QueryContext(r.Context(), arg(r))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			out, err := scanResidents(rs)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"residents": out})
		}
	}
	mux.Handle("/point", serve(stmts.point, func(r *http.Request) string { return r.URL.Query().Get("n") }))
	mux.Handle("/page", serve(stmts.page, func(r *http.Request) string { return r.URL.Query().Get("s") }))
	mux.Handle("/prefix", serve(stmts.prefix, func(r *http.Request) string { return r.URL.Query().Get("p") + "%" }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// httpGet fetches base+path and checks the answer holds want.
func httpGetter() func(ctx context.Context, url, want string) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return func(ctx context.Context, url, want string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), want) {
			return fmt.Errorf("raw http %s: %d %.300s", url, resp.StatusCode, out)
		}
		return nil
	}
}

// benchPeers measures the three reads in their four forms and returns one
// row each. gql is the signed-in client of hukou's handler.
func benchPeers(ctx context.Context, dsn string, sqldb *sql.DB, gql func(context.Context, string, map[string]any, string) error,
	idNumbers, stations []string, sc scale, logf func(string, ...any)) ([]row, error) {
	const clients = 4
	var prefixes []string
	rs, err := sqldb.QueryContext(ctx, "SELECT left(name, 2) FROM residents ORDER BY random() LIMIT 1000")
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var p string
		if err := rs.Scan(&p); err != nil {
			rs.Close()
			return nil, err
		}
		prefixes = append(prefixes, p)
	}
	rs.Close()
	stmts, err := preparePeerStatements(ctx, sqldb)
	if err != nil {
		return nil, err
	}
	defer stmts.Close()
	base, stopHTTP, err := rawHTTP(stmts)
	if err != nil {
		return nil, err
	}
	defer stopHTTP()
	get := httpGetter()
	graphile, stopGraphile, skip := startPostGraphile(ctx, dsn)
	if skip != nil {
		logf("PostGraphile skipped (its columns show —): %v", skip)
	} else {
		defer stopGraphile()
	}
	pg := graphqlClient(graphile, "")
	pick := func(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }
	rawQuery := func(stmt *sql.Stmt, arg string) error {
		rs, err := stmt.QueryContext(ctx, arg)
		if err != nil {
			return err
		}
		_, err = scanResidents(rs)
		return err
	}
	const fields = `id name idNumber birthDate status hcybsh`
	reads := []peerRead{
		{"resident(idNumber:) with sex and household, 4 clients",
			func(ctx context.Context, rng *rand.Rand) error {
				return gql(ctx, `query($n: String!) { resident(idNumber: $n) { `+fields+` sex { name } household { number } } }`,
					map[string]any{"n": pick(rng, idNumbers)}, `"number"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return pg(ctx, `query($n: String!) { residentByIdNumber(idNumber: $n) { `+fields+` sex household { number } } }`,
					map[string]any{"n": pick(rng, idNumbers)}, `"number"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return get(ctx, base+"/point?n="+pick(rng, idNumbers), `"householdNumber"`)
			},
			func(_ context.Context, rng *rand.Rand) error { return rawQuery(stmts.point, pick(rng, idNumbers)) }},
		{"residents of one station, page of 50, 4 clients",
			func(ctx context.Context, rng *rand.Rand) error {
				return gql(ctx, `query($s: String!) { residents(filter: {stationCode: $s}, first: 50) { edges { cursor node { `+fields+` } } pageInfo { hasNextPage endCursor } } }`,
					map[string]any{"s": pick(rng, stations)}, `"edges"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return pg(ctx, `query($s: String!) { residents(condition: {stationCode: $s}, first: 50, orderBy: ID_DESC) { edges { cursor node { `+fields+` } } pageInfo { hasNextPage endCursor } } }`,
					map[string]any{"s": pick(rng, stations)}, `"edges"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return get(ctx, base+"/page?s="+pick(rng, stations), `"residents"`)
			},
			func(_ context.Context, rng *rand.Rand) error { return rawQuery(stmts.page, pick(rng, stations)) }},
		{"name prefix search (2 characters), 20 rows, 4 clients",
			func(ctx context.Context, rng *rand.Rand) error {
				return gql(ctx, `query($p: String!) { residents(filter: {namePrefix: $p}, first: 20) { edges { cursor node { `+fields+` } } pageInfo { hasNextPage endCursor } } }`,
					map[string]any{"p": pick(rng, prefixes)}, `"edges"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return pg(ctx, `query($p: String!) { residents(filter: {name: {startsWith: $p}}, first: 20, orderBy: ID_DESC) { edges { cursor node { `+fields+` } } pageInfo { hasNextPage endCursor } } }`,
					map[string]any{"p": pick(rng, prefixes)}, `"edges"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return get(ctx, base+"/prefix?p="+url.QueryEscape(pick(rng, prefixes)), `"residents"`)
			},
			func(_ context.Context, rng *rand.Rand) error { return rawQuery(stmts.prefix, pick(rng, prefixes)+"%") }},
	}
	var out []row
	for _, rd := range reads {
		forms := []func(context.Context, *rand.Rand) error{rd.raw, rd.http, rd.hukou}
		if skip == nil {
			forms = append(forms, rd.graphile)
		}
		// Warm every form, then measure each twice, alternated.
		for _, f := range forms {
			if _, err := throughput(ctx, clients, sc.throughput/10, f); err != nil {
				return nil, fmt.Errorf("%s: %w", rd.work, err)
			}
		}
		rates := make([]float64, len(forms))
		for range 2 {
			for i, f := range forms {
				r, err := throughput(ctx, clients, sc.throughput/2, f)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", rd.work, err)
				}
				rates[i] += r / 2
			}
		}
		r := row{work: rd.work, hukou: fmt.Sprintf("%.0f/s", rates[2]), raw: fmt.Sprintf("%.0f/s", rates[0]), http: fmt.Sprintf("%.0f/s", rates[1]),
			ratio: rates[2] / rates[0], ratioPct: true, goal: "≥40%, ≥1.5×PG",
			note: "hukou: real handler (JWT, @auth, jurisdiction, durable read audit); PostGraphile 4.14.1: no auth, no audit; raw HTTP: net/http + the prepared statement + encoding/json; raw: the prepared statement"}
		ok := r.ratio >= 0.40
		if skip == nil {
			r.graphile = fmt.Sprintf("%.0f/s", rates[3])
			r.vsGraphile = rates[2] / rates[3]
			ok = ok && r.vsGraphile >= 1.5
		} else {
			r.note += "; PostGraphile skipped: " + skip.Error()
		}
		r.pass = &ok
		out = append(out, r)
	}
	return out, nil
}
