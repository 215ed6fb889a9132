// Command bench measures hukou against raw PostgreSQL on the same database
// in the same run, and prints ONE table with each hukou figure beside the raw
// figure for the same work (`make bench`).
//
//	BENCH_DATABASE_URL=postgres://…/postgres BENCH_SCALE=1.5m|10m|smoke go run ./bench
//
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// names a server and a database to connect to; bench creates a throwaway
// database next to it, works there and drops it at the end. BENCH_SCALE
// chooses 1.5 M residents (default), 10 M ("10m") or a smoke run of 20 k
// residents with short throughput windows ("smoke", run by `make test` in CI
// so the program cannot rot; its figures mean nothing).
//
// The rows:
//   - seeding (storage.SeedPopulation, trigger disabled) against a raw COPY
//     FROM of the same rows into same-shaped tables, indexes built after;
//   - the full hcybsh generation (storage.GenerateHcybsh, batched) against
//     the best single raw UPDATE for the same rule and against the same raw
//     UPDATE run batch by batch, each on a freshly written table;
//   - GraphQL resident(idNumber:) and a residents page of 50 filtered by
//     station, served by the real handler over loopback HTTP to a signed-in
//     city-bureau user, against the same SQL run directly (prepared) on the
//     same pool with the same number of clients;
//   - single-row inserts by 4 clients with the hcybsh trigger against the
//     same without it, alternated so that fsync noise hits both alike, with
//     synchronous commits and without (the trigger's CPU cost);
//   - a collaboration message from one deployment's commit to the other's
//     event, against the platform's own round trip;
//   - birth cases per minute through two hukou processes (bench/cases.go).
//   - query views (BENCH_ONLY=query; bench/query.go): BENCH_CASES cases
//     (1 M, 3 k at smoke scale) seeded as `hukou seed cases` does, a page of
//     50 of a 3-condition nested view and its count over GraphQL beside the
//     same SELECT, CSV export of every birth case beside psql's COPY … TO
//     STDOUT (with the server's peak heap), and the XLSX export's time.
package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/resolvers"
	"hukou/storage"
)

const defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// scale is one BENCH_SCALE.
type scale struct {
	name       string
	residents  int
	throughput time.Duration // each read throughput figure
	inserts    time.Duration // each of the 4 alternated insert windows per mode
	messages   int           // collaboration messages timed end to end
	cases      int           // cases of the query section (BENCH_CASES overrides)
	births     int           // birth cases driven from intake to completion
}

var scales = map[string]scale{
	"1.5m":  {"1.5m", 1_500_000, 10 * time.Second, 8 * time.Second, 200, 1_000_000, 120},
	"10m":   {"10m", 10_000_000, 10 * time.Second, 8 * time.Second, 200, 1_000_000, 120},
	"smoke": {"smoke", 20_000, 1500 * time.Millisecond, time.Second, 20, 3_000, 8},
}

func main() {
	name := os.Getenv("BENCH_SCALE")
	if name == "" {
		name = "1.5m"
	}
	sc, ok := scales[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "bench: BENCH_SCALE %q: want 1.5m, 10m or smoke\n", name)
		os.Exit(2)
	}
	if v := os.Getenv("BENCH_CASES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			fmt.Fprintf(os.Stderr, "bench: BENCH_CASES %q: want a number of cases (at least 100)\n", v)
			os.Exit(2)
		}
		sc.cases = n
	}
	dsn := os.Getenv("BENCH_DATABASE_URL")
	if dsn == "" {
		dsn = defaultURL
	}
	if err := run(context.Background(), dsn, sc); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// only reports whether BENCH_ONLY (a comma-separated list of hcybsh,
// reads, inserts, messages, query, cases; empty for all) asks for section.
func only(section string) bool {
	v := os.Getenv("BENCH_ONLY")
	return v == "" || slices.Contains(strings.Split(v, ","), section)
}

// row is one line of the table.
type row struct {
	work       string
	hukou, raw string
	// graphile and http are the peers' figures (PostGraphile, raw over
	// HTTP), "" when the row has none; vsGraphile is hukou / PostGraphile.
	graphile, http string
	vsGraphile     float64
	ratio          float64 // hukou / raw
	ratioPct       bool    // print the ratio as a percentage (throughput)
	goal           string
	pass           *bool
	note           string
}

func timeRow(work string, hukou, raw time.Duration, goal float64) row {
	r := row{work: work, hukou: secs(hukou), raw: secs(raw), ratio: hukou.Seconds() / raw.Seconds()}
	if goal > 0 {
		ok := r.ratio <= goal
		r.goal, r.pass = fmt.Sprintf("≤%.1f×", goal), &ok
	} else {
		r.goal = "—"
	}
	return r
}

func rateRow(work string, hukou, raw float64, goalPct float64) row {
	ok := 100*hukou/raw >= goalPct
	return row{work: work, hukou: fmt.Sprintf("%.0f/s", hukou), raw: fmt.Sprintf("%.0f/s", raw), ratio: hukou / raw, ratioPct: true,
		goal: fmt.Sprintf("≥%.0f%%", goalPct), pass: &ok}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// throwaway creates a database next to dsn's and returns its URL and the
// function that drops it.
// throwaways numbers the throwaway databases of this run.
var throwaways atomic.Int64

func throwaway(ctx context.Context, dsn string) (string, func(), error) {
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("hukou_bench_%d_%d_%d", os.Getpid(), time.Now().Unix(), throwaways.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create throwaway database: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintln(os.Stderr, "bench: drop throwaway database:", err)
		}
		admin.Close()
	}
	return u.String(), drop, nil
}

func run(ctx context.Context, baseDSN string, sc scale) error {
	dsn, drop, err := throwaway(ctx, baseDSN)
	if err != nil {
		return err
	}
	defer drop()
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect() != storage.Postgres {
		return fmt.Errorf("bench needs PostgreSQL")
	}
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	sqldb := db.SQL()
	var pgVersion string
	_ = sqldb.QueryRowContext(ctx, "SHOW server_version").Scan(&pgVersion)
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }
	var rows []row

	// Seeding (the residents only for the sections that read them).
	cfg := population.Config{Seed: 1, Division: "211100", Residents: sc.residents}
	var seed storage.SeedReport
	var r row
	if only("hcybsh") || only("reads") || only("inserts") {
		if seed, err = db.SeedPopulation(ctx, cfg, nil, storage.SeedWithoutHcybsh()); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		logf("seeded %d residents in %d households in %s (trigger disabled)", seed.Residents, seed.Households, seed.Elapsed.Round(time.Millisecond))
		rawSeed, err := rawCopy(ctx, sqldb, []string{"addresses", "households", "residents"})
		if err != nil {
			return fmt.Errorf("raw copy: %w", err)
		}
		r = timeRow(fmt.Sprintf("seeding %d residents (hukou seed vs COPY FROM)", seed.Residents), seed.Elapsed, rawSeed, 0)
		r.note = "raw: COPY of the same rows into copies of the 3 tables, then their indexes; hukou also generates the population"
		rows = append(rows, r)
		if _, err := sqldb.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			return err
		}
	}

	if only("hcybsh") {
		hcybshRows, err := func() ([]row, error) {
			var rows []row
			// Full generation, batched, on the freshly seeded table.
			logf("full generation…")
			gen, err := db.GenerateHcybsh(ctx, storage.HcybshOptions{}, nil)
			if err != nil {
				return nil, fmt.Errorf("generate: %w", err)
			}
			// Back to unnumbered, rewritten compactly, for the raw statement.
			for _, q := range []string{"UPDATE residents SET hcybsh = NULL", "TRUNCATE hcybsh_counters, hcybsh_runs", "VACUUM FULL ANALYZE residents"} {
				if _, err := sqldb.ExecContext(ctx, q); err != nil {
					return nil, fmt.Errorf("%s: %w", q, err)
				}
			}
			logf("raw single statement…")
			conn, err := sqldb.Conn(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := conn.ExecContext(ctx, "SET work_mem = '64MB'"); err != nil { // as GenerateHcybsh's batches
				return nil, err
			}
			rawStart := time.Now()
			if _, err := conn.ExecContext(ctx, storage.HcybshRawSQL()); err != nil {
				return nil, fmt.Errorf("raw statement: %w", err)
			}
			raw := time.Since(rawStart)
			conn.Close()
			r = timeRow(fmt.Sprintf("hcybsh full generation, %d residents (%d batches)", gen.Residents, gen.Batches), gen.Elapsed, raw, 1.3)
			r.note = "raw: one UPDATE … FROM (window), no counters, no checkpoint"
			rows = append(rows, r)
			// The faster raw form: the same statement per batch of households, each committed.
			for _, q := range []string{"UPDATE residents SET hcybsh = NULL", "VACUUM FULL ANALYZE residents"} {
				if _, err := sqldb.ExecContext(ctx, q); err != nil {
					return nil, fmt.Errorf("%s: %w", q, err)
				}
			}
			logf("raw batches…")
			rawBatched, batches, err := rawHcybshBatches(ctx, sqldb, 50_000)
			if err != nil {
				return nil, err
			}
			r = timeRow(fmt.Sprintf("hcybsh full generation against raw batches (%d)", batches), gen.Elapsed, rawBatched, 1.1)
			r.note = "raw: UPDATE … FROM (window) per 50,000 households, each committed (synchronous_commit off, work_mem 64MB, as hukou's batches); no counters, no checkpoint"
			rows = append(rows, r)
			// The raw statement keeps no counters; the trigger needs them.
			if _, err := sqldb.ExecContext(ctx, `INSERT INTO hcybsh_counters (household_id, household_number, next_seq)
	SELECT r.household_id, h.number, max(right(r.hcybsh, 2)::integer) + 1
	FROM residents r JOIN households h ON h.id = r.household_id GROUP BY r.household_id, h.number`); err != nil {
				return nil, fmt.Errorf("counters: %w", err)
			}
			if _, err := sqldb.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
				return nil, err
			}
			return rows, nil
		}()
		if err != nil {
			return err
		}
		rows = append(rows, hcybshRows...)
	}

	// GraphQL reads against the same SQL.
	if only("reads") {
		logf("reads…")
		readRows, err := benchReads(ctx, db, dsn, cfg, sc, logf)
		if err != nil {
			return fmt.Errorf("reads: %w", err)
		}
		rows = append(rows, readRows...)
	}

	// Inserts, last: they grow the table.
	if only("inserts") {
		logf("inserts…")
		insRows, err := benchInserts(ctx, sqldb, sc)
		if err != nil {
			return fmt.Errorf("inserts: %w", err)
		}
		rows = append(rows, insRows...)
	}
	if only("query") {
		logf("query views…")
		queryRows, err := benchQuery(ctx, db, dsn, sc, logf)
		if err != nil {
			return fmt.Errorf("query views: %w", err)
		}
		rows = append(rows, queryRows...)
	}
	if only("messages") {
		logf("collaboration messages…")
		collabRow, err := benchCollab(ctx, baseDSN, sc.messages)
		if err != nil {
			return fmt.Errorf("collaboration: %w", err)
		}
		rows = append(rows, collabRow)
	}
	if only("cases") {
		logf("cases per minute…")
		casesRow, err := benchCases(ctx, baseDSN, sc.births, logf)
		if err != nil {
			return fmt.Errorf("cases: %w", err)
		}
		rows = append(rows, casesRow)
	}

	fmt.Printf("\nhukou bench — scale %s, PostgreSQL %s, %d residents; raw = PostgreSQL doing the same work, same run, same database\n\n", sc.name, pgVersion, seed.Residents)
	printTable(os.Stdout, rows)
	if sc.name == "smoke" {
		fmt.Println("\n(smoke scale: the figures only show that every measurement runs)")
	}
	return nil
}

func printTable(w io.Writer, rows []row) {
	const format = "| %-66s | %9s | %12s | %9s | %9s | %7s | %7s | %-13s | %-4s |\n"
	fmt.Fprintf(w, format, "work", "hukou", "PostGraphile", "raw HTTP", "raw", "vs raw", "vs PG", "goal", "")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 68), strings.Repeat("-", 11), strings.Repeat("-", 14),
		strings.Repeat("-", 11), strings.Repeat("-", 11), strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 15), strings.Repeat("-", 6))
	dash := func(s string) string { return cmp.Or(s, "—") }
	for _, r := range rows {
		ratio := fmt.Sprintf("%.2f×", r.ratio)
		switch {
		case r.ratio == 0:
			ratio = "—"
		case r.ratioPct:
			ratio = fmt.Sprintf("%.0f%%", 100*r.ratio)
		}
		vsPG := "—"
		if r.vsGraphile > 0 {
			vsPG = fmt.Sprintf("%.2f×", r.vsGraphile)
		}
		verdict := "info"
		if r.pass != nil {
			verdict = map[bool]string{true: "PASS", false: "MISS"}[*r.pass]
		}
		fmt.Fprintf(w, format, r.work, r.hukou, dash(r.graphile), dash(r.http), r.raw, ratio, vsPG, r.goal, verdict)
	}
	fmt.Fprintln(w)
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(w, "  %s: %s\n", r.work, r.note)
		}
	}
}

// rawCopy copies each table into a fresh same-shaped table with COPY FROM
// (streamed from a read of the original on another connection), then builds
// the copy's indexes, and returns the total time; the copies are dropped.
func rawCopy(ctx context.Context, sqldb *sql.DB, tables []string) (time.Duration, error) {
	var total time.Duration
	for _, t := range tables {
		copyName := "raw_" + t
		if _, err := sqldb.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", copyName, t)); err != nil {
			return 0, err
		}
		var indexes []string
		irows, err := sqldb.QueryContext(ctx, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1", t)
		if err != nil {
			return 0, err
		}
		for irows.Next() {
			var name, def string
			if err := irows.Scan(&name, &def); err != nil {
				irows.Close()
				return 0, err
			}
			def = strings.Replace(def, "INDEX "+name+" ON ", "INDEX raw_"+name+" ON ", 1)
			def = strings.Replace(def, " ON public."+t+" ", " ON public."+copyName+" ", 1)
			indexes = append(indexes, def)
		}
		irows.Close()

		start := time.Now()
		src, err := sqldb.QueryContext(ctx, "SELECT * FROM "+t)
		if err != nil {
			return 0, err
		}
		cols, _ := src.Columns()
		tx, err := sqldb.BeginTx(ctx, nil)
		if err != nil {
			src.Close()
			return 0, err
		}
		stmt, err := tx.PrepareContext(ctx, copyFromStdin(copyName, cols))
		if err != nil {
			src.Close()
			tx.Rollback()
			return 0, err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for src.Next() {
			if err := src.Scan(ptrs...); err != nil {
				src.Close()
				tx.Rollback()
				return 0, err
			}
			if _, err := stmt.ExecContext(ctx, vals...); err != nil {
				src.Close()
				tx.Rollback()
				return 0, err
			}
		}
		src.Close()
		if _, err := stmt.ExecContext(ctx); err != nil {
			tx.Rollback()
			return 0, err
		}
		stmt.Close()
		for _, def := range indexes {
			if _, err := tx.ExecContext(ctx, def); err != nil {
				tx.Rollback()
				return 0, fmt.Errorf("%s: %w", def, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		total += time.Since(start)
		if _, err := sqldb.ExecContext(ctx, "DROP TABLE "+copyName); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// rawHcybshBatches numbers every resident with storage.HcybshRawBatchSQL,
// size households per committed batch, and returns the time and the batches.
func rawHcybshBatches(ctx context.Context, sqldb *sql.DB, size int) (time.Duration, int, error) {
	start := time.Now()
	lo, batches := "", 0
	for {
		tx, err := sqldb.BeginTx(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		var hi sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT max(id) FROM (SELECT id FROM households WHERE id > $1 ORDER BY id LIMIT $2) b", lo, size).Scan(&hi); err != nil {
			tx.Rollback()
			return 0, 0, err
		}
		if !hi.Valid {
			tx.Rollback()
			return time.Since(start), batches, nil
		}
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'"); err != nil {
			tx.Rollback()
			return 0, 0, err
		}
		if _, err := tx.ExecContext(ctx, storage.HcybshRawBatchSQL(), lo, hi.String); err != nil {
			tx.Rollback()
			return 0, 0, fmt.Errorf("raw batch (%s, %s]: %w", lo, hi.String, err)
		}
		if err := tx.Commit(); err != nil {
			return 0, 0, err
		}
		lo, batches = hi.String, batches+1
	}
}

// throughput runs clients goroutines calling op for d and returns calls per second.
func throughput(ctx context.Context, clients int, d time.Duration, op func(ctx context.Context, rng *rand.Rand) error) (float64, error) {
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), uint64(time.Now().UnixNano())))
			for time.Now().Before(deadline) {
				if err := op(ctx, rng); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds(), firstErr
}

// residentColumns are the columns storage's resident model selects.
const residentColumns = `id, household_id, station_code, name, former_names, sex, ethnicity, birth_date, birthplace_division,
id_number, relation, status, hcybsh, created_at, updated_at, version`

// scanResident scans residentColumns.
func scanResident(s interface{ Scan(...any) error }) error {
	var (
		id, hh, station, name, former, sex, eth, bp, idn, rel, status string
		birth, created, updated                                       time.Time
		hcybsh                                                        sql.NullString
		version                                                       int
	)
	return s.Scan(&id, &hh, &station, &name, &former, &sex, &eth, &birth, &bp, &idn, &rel, &status, &hcybsh, &created, &updated, &version)
}

// scanResidentID scans residentColumns, keeping the ID.
func scanResidentID(s interface{ Scan(...any) error }, id *string) error {
	var (
		hh, station, name, former, sex, eth, bp, idn, rel, status string
		birth, created, updated                                   time.Time
		hcybsh                                                    sql.NullString
		version                                                   int
	)
	return s.Scan(id, &hh, &station, &name, &former, &sex, &eth, &birth, &bp, &idn, &rel, &status, &hcybsh, &created, &updated, &version)
}

func benchReads(ctx context.Context, db *storage.DB, dsn string, cfg population.Config, sc scale, logf func(string, ...any)) ([]row, error) {
	const clients = 4
	sqldb := db.SQL()
	var idNumbers, stations []string
	for q, dst := range map[string]*[]string{
		"SELECT id_number FROM residents ORDER BY random() LIMIT 10000": &idNumbers,
		"SELECT DISTINCT station_code FROM residents":                   &stations,
	} {
		rs, err := sqldb.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var s string
			if err := rs.Scan(&s); err != nil {
				rs.Close()
				return nil, err
			}
			*dst = append(*dst, s)
		}
		rs.Close()
	}

	// The real handler, wired as cmd/hukou/serve.go wires it, on loopback.
	offices, err := population.Offices(cfg)
	if err != nil {
		return nil, err
	}
	var city string
	for _, o := range offices {
		if o.Level == domain.OfficeCityBureau {
			city = o.Code
		}
	}
	tokens, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: "hukou-bench", TTL: time.Hour, Secret: []byte("bench-secret-bench-secret-bench!")})
	if err != nil {
		return nil, err
	}
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }
	users := &domain.UserService{DB: db, Now: time.Now, NewID: newID, Cost: 4}
	sys := domain.WithActor(ctx, &domain.Actor{Username: "bench", System: true})
	u, err := users.CreateUser(sys, domain.NewUser{Username: "bench.officer", DisplayName: "bench", Password: "bench password 123",
		OfficeCode: city, Roles: []domain.Role{domain.RoleOfficer, domain.RoleAdmin}})
	if err != nil {
		return nil, err
	}
	token, _, err := tokens.IssueAccessToken(u, time.Now())
	if err != nil {
		return nil, err
	}
	audit := storage.NewAuditWriter(db)
	defer audit.Close()
	res := &resolvers.Resolver{
		Register: domain.NewRegisterService(db, audit, time.Now),
		Auth:     domain.NewAuthService(db, tokens, time.Now, newID, time.Hour),
		Users:    users,
		Audit:    &domain.AuditService{DB: db},
		Hcybsh:   &domain.HcybshService{DB: db, Now: time.Now},
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: res, Tokens: tokens}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // ErrServerClosed once the deferred Close runs
	defer srv.Close()
	endpoint := "http://" + ln.Addr().String() + "/graphql"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	gql := func(ctx context.Context, query string, vars map[string]any, want string) error {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) || !bytes.Contains(out, []byte(want)) {
			return fmt.Errorf("graphql: %d %s", resp.StatusCode, out)
		}
		return nil
	}

	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		// Profiles the GraphQL section only (server and load client share it).
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	const residentQuery = `query($n: String!) { resident(idNumber: $n) { id name idNumber birthDate status hcybsh } }`
	const pageQuery = `query($s: String!) { residents(filter: {stationCode: $s}, first: 50) { edges { cursor node { id name idNumber birthDate status hcybsh } } pageInfo { hasNextPage endCursor } } }`
	byIDNumber, err := sqldb.PrepareContext(ctx, `SELECT `+residentColumns+` FROM residents WHERE id_number = $1`)
	if err != nil {
		return nil, err
	}
	defer byIDNumber.Close()
	page, err := sqldb.PrepareContext(ctx, `SELECT `+residentColumns+` FROM residents WHERE station_code = $1 ORDER BY id DESC LIMIT 51`)
	if err != nil {
		return nil, err
	}
	defer page.Close()
	// What a naive durable audit costs: the read and its own committed audit row.
	auditInsert, err := sqldb.PrepareContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, office_code, action, operation, subject_type, subject_id, detail, remote_addr)
VALUES ($1, $2, 'bench.officer', $3, 'READ', 'resident', 'Resident', $4, '', '127.0.0.1')`)
	if err != nil {
		return nil, err
	}
	defer auditInsert.Close()

	type pair struct {
		work       string
		hukou, raw func(ctx context.Context, rng *rand.Rand) error
		clients    int // 0: clients
	}
	pairs := []pair{
		{"resident lookup, durable audit: GraphQL vs SELECT, 4 clients",
			func(ctx context.Context, rng *rand.Rand) error {
				return gql(ctx, residentQuery, map[string]any{"n": idNumbers[rng.IntN(len(idNumbers))]}, `"idNumber"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				return scanResident(byIDNumber.QueryRowContext(ctx, idNumbers[rng.IntN(len(idNumbers))]))
			}, 0},
		{"GraphQL residents(stationCode) page of 50 vs SELECT, 4 clients",
			func(ctx context.Context, rng *rand.Rand) error {
				return gql(ctx, pageQuery, map[string]any{"s": stations[rng.IntN(len(stations))]}, `"edges"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				rs, err := page.QueryContext(ctx, stations[rng.IntN(len(stations))])
				if err != nil {
					return err
				}
				defer rs.Close()
				for rs.Next() {
					if err := scanResident(rs); err != nil {
						return err
					}
				}
				return rs.Err()
			}, 0},
		{"resident lookup, durable audit: GraphQL vs SELECT+INSERT, 4 cl.",
			func(ctx context.Context, rng *rand.Rand) error {
				return gql(ctx, residentQuery, map[string]any{"n": idNumbers[rng.IntN(len(idNumbers))]}, `"idNumber"`)
			},
			func(ctx context.Context, rng *rand.Rand) error {
				var id string
				row := byIDNumber.QueryRowContext(ctx, idNumbers[rng.IntN(len(idNumbers))])
				if err := scanResidentID(row, &id); err != nil {
					return err
				}
				_, err := auditInsert.ExecContext(ctx, time.Now().UTC(), u.ID, city, id)
				return err
			}, 0},
	}
	// Group commit pays off with concurrency: the same pair with 32 clients.
	pairs = append(pairs, pair{"resident lookup, durable audit: GraphQL vs SELECT, 32 clients", pairs[0].hukou, pairs[0].raw, 32})
	notes := []string{
		"hukou: real handler over loopback HTTP (JWT, @auth, jurisdiction, read audit committed before the answer); raw: prepared statement on the same pool, no audit",
		"hukou: as above (one audit row per page); raw: prepared statement on the same pool, no audit",
		"hukou: as above; raw: the same SELECT plus its own committed INSERT into audit_log per read (what durability costs without group commit)",
		"hukou: as above, 32 clients sharing audit commits; raw: prepared statement, 32 clients, no audit",
	}
	var out []row
	for i, p := range pairs {
		n := clients
		if p.clients > 0 {
			n = p.clients
		}
		b0, e0 := audit.Stats()
		// Warm both paths, then measure raw, hukou, raw, hukou (half each).
		if _, err := throughput(ctx, n, sc.throughput/10, p.hukou); err != nil {
			return nil, err
		}
		var hk, rw float64
		for range 2 {
			r, err := throughput(ctx, n, sc.throughput/2, p.raw)
			if err != nil {
				return nil, err
			}
			h, err := throughput(ctx, n, sc.throughput/2, p.hukou)
			if err != nil {
				return nil, err
			}
			rw, hk = rw+r/2, hk+h/2
		}
		r := rateRow(p.work, hk, rw, 40)
		r.note = notes[min(i, len(notes)-1)]
		if b1, e1 := audit.Stats(); b1 > b0 {
			r.note += fmt.Sprintf("; audit: %d entries in %d commits (%.1f per commit)", e1-e0, b1-b0, float64(e1-e0)/float64(b1-b0))
		}
		out = append(out, r)
	}
	logf("reads beside PostGraphile and raw HTTP…")
	peers, err := benchPeers(ctx, dsn, sqldb, gql, idNumbers, stations, sc, logf)
	if err != nil {
		return nil, err
	}
	return append(peers, out...), nil
}

type household struct{ id, station string }

func benchInserts(ctx context.Context, sqldb *sql.DB, sc scale) ([]row, error) {
	// 4 clients, single-row autocommit INSERTs into random existing
	// households, with and without the trigger, alternated.
	var hh []household
	rs, err := sqldb.QueryContext(ctx, "SELECT id, station_code FROM households ORDER BY random() LIMIT 200000")
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var h household
		if err := rs.Scan(&h.id, &h.station); err != nil {
			rs.Close()
			return nil, err
		}
		hh = append(hh, h)
	}
	rs.Close()
	type result struct{ plain, trigger []float64 }
	results := map[bool]*result{true: {}, false: {}}
	var seq atomic.Int64
	for _, syncCommit := range []bool{true, false} {
		r := results[syncCommit]
		for round := range 4 {
			for _, withTrigger := range []bool{round%2 == 1, round%2 == 0} {
				stmt := "ALTER TABLE residents DISABLE TRIGGER residents_hcybsh"
				if withTrigger {
					stmt = "ALTER TABLE residents ENABLE TRIGGER residents_hcybsh"
				}
				if _, err := sqldb.ExecContext(ctx, stmt); err != nil {
					return nil, err
				}
				rate, err := insertRate(ctx, sqldb, hh, &seq, syncCommit, sc.inserts)
				if err != nil {
					return nil, err
				}
				if withTrigger {
					r.trigger = append(r.trigger, rate)
				} else {
					r.plain = append(r.plain, rate)
				}
			}
		}
	}
	if _, err := sqldb.ExecContext(ctx, "ALTER TABLE residents ENABLE TRIGGER residents_hcybsh"); err != nil {
		return nil, err
	}
	var out []row
	for _, sc := range []bool{true, false} {
		r := results[sc]
		label := "single-row inserts, 4 clients, trigger vs none, sync commit"
		if !sc {
			label = "single-row inserts, 4 clients, trigger vs none, async commit"
		}
		row := rateRow(label, mean(r.trigger), mean(r.plain), 85)
		row.note = fmt.Sprintf("4 alternated windows each: trigger %v, plain %v", rounded(r.trigger), rounded(r.plain))
		out = append(out, row)
	}
	return out, nil
}

// insertRate runs 4 clients inserting one resident per transaction for d and
// returns inserts per second.
func insertRate(ctx context.Context, sqldb *sql.DB, hh []household, seq *atomic.Int64, syncCommit bool, d time.Duration) (float64, error) {
	const clients = 4
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			conn, err := sqldb.Conn(ctx)
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer conn.Close()
			sc := "on"
			if !syncCommit {
				sc = "off"
			}
			if _, err := conn.ExecContext(ctx, "SET synchronous_commit = "+sc); err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer func() { _, _ = conn.ExecContext(ctx, "RESET synchronous_commit") }()
			stmt, err := conn.PrepareContext(ctx, `INSERT INTO residents (id, household_id, station_code, name, sex, ethnicity,
birth_date, birthplace_division, id_number, relation, status) VALUES ($1, $2, $3, '测试', '1', '01', '2000-01-01', '211102', $4, '99', 'ACTIVE')`)
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			defer stmt.Close()
			rng := rand.New(rand.NewPCG(uint64(c), uint64(time.Now().UnixNano())))
			for time.Now().Before(deadline) {
				i := seq.Add(1)
				h := hh[rng.IntN(len(hh))]
				if _, err := stmt.ExecContext(ctx, fmt.Sprintf("bench-%d", i), h.id, h.station, fmt.Sprintf("B%017d", i)); err != nil {
					if strings.Contains(err.Error(), "no free member number") {
						continue // a household filled up: bench artefact, not an error
					}
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds(), firstErr
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func rounded(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x + 0.5)
	}
	return out
}

// copyFromStdin is the COPY statement that pq runs as a bulk load when it is
// prepared and executed row by row (pq.CopyIn, now deprecated, built the same).
func copyFromStdin(table string, cols []string) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	return "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
}
