package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/integrations/ministry/ministrysim"
	"hukou/storage"
)

// runDemo serves two deployments on the embedded defaults — Panjin
// (OFFICE_CODE, the acceptance side of the demo births) and Shijiazhuang
// (--peer-office-code, their registration side) — sharing one set of
// in-process simulators, so that one command shows a case crossing
// provinces. Each is seeded when empty, with demo users where the
// simulator's first birth certificate of its province settles (19: every
// role has work on screen).
func runDemo(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	cfg.bind(fs)
	residents := fs.Int("residents", 20000, "residents to seed into each empty register")
	single := fs.Bool("single", false, "serve only the deployment of --office-code")
	peerOffice := fs.String("peer-office-code", env("DEMO_PEER_OFFICE_CODE", "130100000000"), "the second deployment's city bureau office code")
	peerListen := fs.String("peer-listen", env("DEMO_PEER_LISTEN_ADDR", ""), "the second deployment's listen address (default: the port after --listen)")
	peerDB := fs.String("peer-database-url", env("DEMO_PEER_DATABASE_URL", ""),
		"the second deployment's database (default: a SQLite file beside --database-url; required when that is PostgreSQL)")
	fs.Usage = commandUsage(fs, "hukou demo [flags]",
		"Development mode (--dev) with demo data: starts the simulators in process, then migrates, seeds when empty and\n"+
			"serves two deployments — Panjin (211100) on --listen and Shijiazhuang (130100) on the next port — each with a\n"+
			"login for every role (printed), so that a birth accepted at Panjin is decided at Shijiazhuang.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Dev = true
	cfgs := []config{cfg}
	if !*single {
		peer, err := demoPeer(cfg, *peerOffice, *peerListen, *peerDB)
		if err != nil {
			return err
		}
		cfgs = append(cfgs, peer)
	}
	// One set of simulators for both, so that they share the platform.
	var sim *ministrysim.Simulator
	simURL := "" // the in-process simulators, with the Internet+ portal
	if cfg.MinistryURL == "" || cfg.ProvinceURL == "" || cfg.PlatformURL == "" {
		sims, err := startSimulators("127.0.0.1:0", cfg.PlatformDB, 1, nil, envDuration("PRODUCTION_DELAY", 0))
		if err != nil {
			return fmt.Errorf("start simulators: %w", err)
		}
		defer sims.close()
		sim, simURL = sims.ministry, sims.URL
		for i := range cfgs {
			cfgs[i].MinistryURL = cmp(cfgs[i].MinistryURL, sims.URL+"/ministry")
			cfgs[i].ProvinceURL = cmp(cfgs[i].ProvinceURL, sims.URL+"/province")
			cfgs[i].PlatformURL = cmp(cfgs[i].PlatformURL, sims.URL+"/platform")
			cfgs[i].ProductionURL = cmp(cfgs[i].ProductionURL, sims.URL+"/production")
			cfgs[i].FingerprintDeviceURL = cmp(cfgs[i].FingerprintDeviceURL, sims.URL+"/fingerprint")
			cfgs[i].IDReaderURL = cmp(cfgs[i].IDReaderURL, sims.URL+"/idreader") // 读卡 (issue 19)
		}
	}
	errc := make(chan error, 2*len(cfgs))
	var ds []*deployment
	defer func() {
		for _, d := range ds {
			_ = d.shutdown(context.Background())
		}
	}()
	for i, c := range cfgs {
		if err := c.checkProduction(); err != nil {
			return err
		}
		if err := prepareDemo(ctx, c, *residents, demoStation(sim, c.OfficeCode)); err != nil {
			return fmt.Errorf("demo %s: %w", c.OfficeCode, err)
		}
		d, err := startDeployment(ctx, c, i == 0 && metricsAsked(fs), errc)
		if err != nil {
			return fmt.Errorf("demo %s: %w", c.OfficeCode, err)
		}
		ds = append(ds, d)
		if err := provisionDemoSeals(ctx, d.app); err != nil { // documents then get the drawn seal
			slog.Warn("demo: no electronic seals", "office", c.OfficeCode, "err", err)
		}
		if i == 0 && simURL != "" {
			if err := provisionDemoPortal(ctx, d, simURL); err != nil {
				return err
			}
		}
	}
	printDemo(os.Stdout, ds, sim)
	running := ds
	ds = nil // serveUntilDone shuts them down
	return serveUntilDone(ctx, errc, running...)
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func cmp(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// demoPeer is the second deployment's config: cfg with the peer's office,
// the next port, its own database, blobs and platform inbox, and no
// metrics listener of its own.
func demoPeer(cfg config, office, listen, dsn string) (config, error) {
	peer := cfg
	if !isDigits(office, 12) || office[:6] == cfg.OfficeCode[:6] {
		return config{}, fmt.Errorf("--peer-office-code %q must be another city's 12-digit bureau code", office)
	}
	peer.OfficeCode = office
	city := office[:6]
	if listen == "" {
		host, port, err := net.SplitHostPort(cfg.ListenAddr)
		if err != nil {
			return config{}, fmt.Errorf("--listen %q: %w", cfg.ListenAddr, err)
		}
		if n, err := strconv.Atoi(port); err == nil && n > 0 {
			port = strconv.Itoa(n + 1)
		}
		listen = net.JoinHostPort(host, port)
	}
	peer.ListenAddr = listen
	if dsn == "" {
		if storage.IsPostgres(cfg.DatabaseURL) {
			return config{}, fmt.Errorf("the demo's second deployment (%s) needs a database of its own: set --peer-database-url (DEMO_PEER_DATABASE_URL) or pass --single", office)
		}
		dsn = besides(cfg.DatabaseURL, city)
	}
	peer.DatabaseURL = dsn
	if u, err := url.Parse(cfg.BlobURL); err == nil && u.Scheme == "s3" {
		u.Path = path.Join("/", u.Path, city) // a prefix of the same bucket
		peer.BlobURL = u.String()
	} else {
		peer.BlobURL = strings.TrimSuffix(cfg.BlobURL, "/") + "-" + city
	}
	peer.MetricsAddr = "off"
	peer.SealKeyDir = strings.TrimSuffix(cfg.sealKeyDir(), "/") + "-" + city // the first city's folder, suffixed
	return peer, nil
}

// besides names the file next to path with suffix before its extension:
// ./data/hukou.db → ./data/hukou-130100.db.
func besides(path, suffix string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-" + suffix + ext
}

// demoStation is the station of the father of the simulator's first birth
// certificate in office's province, where the demo's station-level users
// sit so that the demo birth settles in their jurisdiction; "" (the first
// station) without the in-process simulator.
func demoStation(sim *ministrysim.Simulator, office string) string {
	if sim == nil {
		return ""
	}
	station, ok := sim.CertificateStation(ministrysim.FirstBirthCertificateNumber(office[:6]))
	if !ok || station[:4] != office[:4] {
		return ""
	}
	return station
}

// prepareDemo migrates cfg's database and, when its register is empty,
// seeds its city (seed 1, as the Ministry simulator's population) and the
// demo users (station-level ones at station).
func prepareDemo(ctx context.Context, cfg config, residents int, station string) error {
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	pcfg := population.Config{Seed: 1, Division: cfg.OfficeCode[:6], Residents: residents}
	n, err := db.Register().CountResidents(ctx, domain.ResidentFilter{})
	if err != nil {
		return err
	}
	if n == 0 {
		rep, err := seedPopulation(ctx, db, pcfg, true)
		if err != nil {
			return err
		}
		fmt.Printf("seeded a demo city %s: %d residents in %d households in %s\n", pcfg.Division, rep.Residents, rep.Households, rep.Elapsed.Round(time.Millisecond))
	}
	return seedDemoUsers(ctx, db, pcfg, station)
}

// printDemo prints where the demo deployments are, their logins and a first
// walk-through.
func printDemo(w io.Writer, ds []*deployment, sim *ministrysim.Simulator) {
	fmt.Fprintln(w)
	for _, d := range ds {
		fmt.Fprintf(w, "hukou %s (%s) is running at %s  (GraphQL %s/graphql, GraphiQL %s/graphiql)\n",
			cityName(d.cfg.OfficeCode), d.cfg.OfficeCode, d.url, d.url, d.url)
	}
	printDemoLogins(w)
	if len(ds) == 2 {
		fmt.Fprintf(w, "Walk a birth across them: at %s sign in as clerk, 新生儿出生登记 with certificate %s (parents registered in %s);\n"+
			"at %s sign in as officer (then approver) to decide and settle it; the form comes back to %s.\n\n",
			ds[0].url, ministrysim.FirstBirthCertificateNumber(ds[1].cfg.OfficeCode), cityName(ds[1].cfg.OfficeCode), ds[1].url, ds[0].url)
		if sim != nil {
			if holder, ok := sim.CardHolderAt(demoStation(sim, ds[1].cfg.OfficeCode)); ok {
				fmt.Fprintf(w, "Or an ID card (居民身份证异地办理): at %s the clerk applies for %s (换领, 登记项目变更) with a photo and two\n"+
					"fingers from the simulated device at %s; at %s the approver reviews it; back at %s the clerk writes the\n"+
					"issue back, packages it for the production centre, saves its feedback and hands the card over.\n\n",
					ds[0].url, holder, ds[0].cfg.FingerprintDeviceURL, ds[1].url, ds[0].url)
			}
		}
	}
}

// cityName is the demo city's Chinese name, or its code.
func cityName(office string) string {
	if name, ok := population.CityName(office[:6]); ok {
		return name
	}
	return office[:6]
}

// printDemoLogins prints the demo users, the same at every demo deployment.
func printDemoLogins(w io.Writer) {
	fmt.Fprintf(w, "Demo logins at each (password %q):\n", demoPassword)
	for _, u := range demoUsers {
		kind := "login"
		if u.roles[0] == domain.RoleIntegrator {
			kind = "clientLogin"
		}
		roles := make([]string, len(u.roles))
		for i, r := range u.roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(w, "  %-10s %-18s %-8s via %s\n", u.username, strings.Join(roles, ","), u.office, kind)
	}
	fmt.Fprintln(w)
}
