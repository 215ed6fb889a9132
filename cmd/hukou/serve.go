package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hukou/documents"
	"hukou/documents/pdfread"
	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/integrations/portal"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/queue"
	"hukou/storage/sealkeys"
)

// app is a wired server: its handler and what must be closed on shutdown.
type app struct {
	handler           http.Handler
	db                *storage.DB
	audit             *storage.AuditWriter
	blobs             domain.BlobStore
	jobs              *queue.Queue
	collab            *domain.CollabService
	closeIntegrations func()
	stopListening     func()
	seals             *domain.SealService
	stopSeals         context.CancelFunc
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// newApp opens the stores and wires services, resolvers and HTTP routes.
func newApp(ctx context.Context, cfg config) (*app, error) {
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.ReplicaURL != "" {
		if err := db.OpenReplica(ctx, cfg.ReplicaURL); err != nil {
			db.Close()
			return nil, err
		}
	}
	blobs, err := blob.Open(ctx, cfg.BlobURL)
	if err != nil {
		db.Close()
		return nil, err
	}
	secret, edKey, err := cfg.tokenKeys()
	if err != nil {
		db.Close()
		return nil, err
	}
	tokens, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: cfg.JWTIssuer, TTL: cfg.AccessTokenTTL, Secret: secret, PrivateKey: edKey})
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.MigrateUp(ctx); err != nil {
		db.Close()
		return nil, err
	}
	keys, err := cfg.keyRing()
	if err != nil {
		db.Close()
		return nil, err
	}
	ext, closeIntegrations, err := integrationClients(cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	collab := domain.NewCollabService(db, ext.platform, keys, cfg.OfficeCode, time.Now, newID)
	collab.DeliverOnCommit = true
	audit := storage.NewAuditWriter(db)
	cases := domain.NewCaseService(db, audit, collab, time.Now, newID)
	registerer := prometheus.DefaultRegisterer
	if cfg.MetricsAddr == "off" {
		registerer = prometheus.NewRegistry() // nobody scrapes it; a second deployment in one process must not collide
	}
	archives := domain.NewArchiveService(cases, blobs, ext.ministry, cfg.ArchiveMaxSize)
	archives.PDF = pdfread.Reader{} // issue 16: every PDF kept is parsed; thumbnails show page 1
	integrators := domain.NewIntegratorService(db, audit, time.Now, newID)
	online := domain.NewOnlineService(db, audit, cases, archives, integrators, &portal.Sender{})
	hukouBooks := &domain.HukouBookService{DB: db, Audit: audit, Integrators: integrators, Authority: ext.ministry, Licences: db.Licences(), Now: time.Now, NewID: newID}
	if cfg.BlobSweepInterval != 0 && cfg.BlobSweepGrace < domain.MinBlobSweepGrace {
		closeIntegrations()
		db.Close()
		return nil, fmt.Errorf("BLOB_SWEEP_GRACE must be at least %s (got %s)", domain.MinBlobSweepGrace, cfg.BlobSweepGrace)
	}
	var sweeper *domain.BlobSweeper
	if cfg.BlobSweepInterval > 0 {
		sweeper = &domain.BlobSweeper{Blobs: blobs, Refs: db, Grace: cfg.BlobSweepGrace, Now: time.Now, Logger: slog.Default()}
	}
	// The query service needs the kinds' sources (registered below); the
	// export worker takes it now and it is filled in then.
	queries := new(domain.QueryService)
	jobs, err := queue.New(db, queue.Config{Registerer: registerer, Logger: slog.Default(), Queries: queries,
		Collab: collab, Cases: cases, Online: online, InboxPollInterval: cfg.InboxPollInterval, ForwardInterval: cfg.ForwardInterval,
		JobTimeout: cfg.JobTimeout, RescueStuckJobsAfter: cfg.RescueJobsAfter,
		BlobSweeper: sweeper, BlobSweepInterval: cfg.BlobSweepInterval,
		HukouBooks: hukouBooks})
	if err != nil {
		audit.Close()
		closeIntegrations()
		db.Close()
		return nil, err
	}
	cases.Files = archives
	sealKeys := &sealkeys.FileStore{Dir: cfg.sealKeyDir()}
	verifier := &documents.Verifier{Authority: ext.province, Seals: db.Seals()}
	seals := &domain.SealService{Repo: db.Seals(), Keys: sealKeys, Authority: ext.province, Offices: db.Offices(), Users: db.Users(),
		Audit: audit, Verifier: verifier, Now: time.Now}
	sealsCtx, stopSeals := context.WithCancel(context.WithoutCancel(ctx))
	if err := seals.KeepFresh(sealsCtx, 30*time.Second); err != nil {
		stopSeals()
		audit.Close()
		closeIntegrations()
		db.Close()
		return nil, err
	}
	renderer := newRenderer(cfg, &documents.Stamper{Seals: seals, Keys: sealKeys, Required: cfg.SealsRequired || !cfg.Dev})
	licences := &domain.LicenceService{Repo: db.Licences(), Authority: ext.ministry, Audit: audit, Cases: cases, Now: time.Now}
	kinds := newKinds(kindDeps{cases: cases, ministry: ext.ministry, province: ext.province, production: ext.production, renderer: renderer, docs: archives,
		idcard: idcard.Config{Photo: cfg.idPhotoRules(), PollEvery: cfg.ProductionPollInterval, DeviceURL: ext.deviceURL}, licences: licences})
	for _, m := range kinds.modules() {
		cases.Register(m)
	}
	auth := domain.NewAuthService(db, tokens, time.Now, newID, cfg.RefreshTokenTTL)
	res := &resolvers.Resolver{
		Register:    domain.NewRegisterService(db, audit, time.Now),
		Auth:        auth,
		Users:       &domain.UserService{DB: db, Now: time.Now, NewID: newID, Sessions: auth},
		Audit:       &domain.AuditService{DB: db},
		Collab:      collab,
		Casework:    cases,
		Birth:       kinds.birth,
		Migration:   kinds.migration,
		Certificate: kinds.certificate,
		IDCard:      kinds.idcard,
		Archives:    archives,
		Events:      db,
		Queries:     queries,
		Hcybsh:      &domain.HcybshService{DB: db, Now: time.Now},
		SealService: seals,
		Licences:    licences,
		Integrators: integrators,
		Idempotency: &domain.IdempotencyService{DB: db, Now: time.Now},
		Online:      online,
		FoundCards:  &domain.FoundCardService{DB: db, Audit: audit, Ministry: ext.ministry, Now: time.Now, NewID: newID},
		HukouBooks:  hukouBooks,
	}
	res.Integrators.Sessions = auth
	*queries = *domain.NewQueryService(db, audit, documents.Tables{}, time.Now, newID, append(cases.QuerySources(), domain.ResidentQuerySource())...)
	queries.Blobs, queries.ExportThreshold, queries.ExportTTL = blobs, cfg.ExportBackgroundRows, cfg.ExportTTL
	res.Receipts = &domain.ReceiptService{Cases: cases, Archives: archives, Renderer: renderer}
	res.IDReaderURL = ext.readerURL
	// The refresh cookie is Secure except on plain HTTP in development mode.
	cookies := resolvers.CookieConfig{Name: resolvers.RefreshCookieName + "_" + cfg.OfficeCode, AllowInsecure: cfg.Dev}
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: res, Tokens: tokens,
		Introspection: cfg.Dev, MaxUploadSize: resolvers.UploadLimit(cfg.ArchiveMaxSize), Cookies: cookies}))
	mux.Handle("/files/", resolvers.NewFileHandler(archives, tokens, res.Auth))
	mux.Handle(resolvers.SessionPath, resolvers.NewSessionHandler(res.Auth, cookies))
	// Query exports, and under /exports/query/ a background export's file (issue 15).
	exports := resolvers.NewExportHandler(res.Queries, tokens, res.Auth)
	mux.Handle("/exports/query", exports)
	mux.Handle("/exports/query/", exports)
	// The case list's export, for every role that reads the case list (#19 item 4).
	mux.Handle("/exports/cases", resolvers.NewCaseExportHandler(res.Casework, documents.Tables{}, tokens, res.Auth))
	if cfg.Dev { // GraphiQL and introspection are development tools
		graphiql := resolvers.NewGraphiQLHandler()
		mux.Handle("GET /graphiql", graphiql)
		mux.Handle("GET /graphiql/", graphiql)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := errors.Join(db.Ping(r.Context()), blobs.Ping(r.Context())); err != nil {
			slog.WarnContext(r.Context(), "not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"unavailable"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ready"}`))
	})
	mux.Handle("/", spaHandler(cfg.StaticDir))
	return &app{handler: accessLog(resolvers.SecurityHeadersConnecting(ext.deviceURL, ext.readerURL)(mux)), db: db, audit: audit, blobs: blobs, jobs: jobs, collab: collab,
		closeIntegrations: closeIntegrations, stopListening: func() {}, seals: seals, stopSeals: stopSeals}, nil
}

// close stops the job workers (letting running jobs finish), flushes the
// audit writer and closes the pool, in that order.
func (a *app) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a.stopListening()
	if err := a.jobs.Stop(ctx); err != nil {
		slog.Warn("stopping jobs", "err", err)
	}
	a.stopSeals()
	a.audit.Close()
	a.closeIntegrations()
	a.db.Close()
}

// listen keeps a long poll of the platform inbox open (see
// domain.CollabService.Listen) until the returned function is called; that
// function waits for the listener to return.
func (a *app) listen(ctx context.Context, wait time.Duration) func() {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.collab.Listen(ctx, wait)
	}()
	return func() {
		cancel()
		<-done
	}
}

// spaHandler serves the built SPA, falling back to index.html for client
// routes; without a build it says how to make one. Responses are gzipped
// for clients that accept it; Vite's content-hashed files under /assets/
// are cached for a year as immutable (a missing one is a 404, never the
// index), everything else is revalidated on each load (19 item 7).
func spaHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return gzhttp.GzipHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><title>hukou</title><h1>hukou</h1><p>The SPA is not built. The API is at <a href="/graphql">/graphql</a>; try <a href="/graphiql">GraphiQL</a>.</p>`)
			return
		}
		hashed := strings.HasPrefix(r.URL.Path, "/assets/")
		if _, err := os.Stat(filepath.Join(dir, filepath.Clean("/"+r.URL.Path))); err != nil {
			if hashed {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFile(w, r, filepath.Join(dir, "index.html"))
			return
		}
		if hashed {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	}))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog writes one JSON line per request (not per health probe).
func accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		path := r.URL.Path
		if len(path) > 200 {
			path = path[:200] + "…"
		}
		slog.Info("http", "method", r.Method, "path", path, "status", rec.status, "ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
	})
}

func runServe(ctx context.Context, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	cfg.bind(fs)
	fs.Usage = commandUsage(fs, "hukou serve [flags]",
		"Serves GraphQL, files, health and the SPA of one deployment, with metrics on METRICS_ADDR. Without --dev it\n"+
			"refuses to start unless the keys and service URLs production needs are set.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.checkProduction(); err != nil {
		return err
	}
	errc := make(chan error, 2)
	d, err := startDeployment(ctx, cfg, metricsAsked(fs), errc)
	if err != nil {
		return err
	}
	return serveUntilDone(ctx, errc, d)
}

// metricsAsked reports whether the metrics address was set explicitly.
func metricsAsked(fs *flag.FlagSet) bool {
	asked := os.Getenv("METRICS_ADDR") != ""
	fs.Visit(func(f *flag.Flag) { asked = asked || f.Name == "metrics-addr" })
	return asked
}

// commandUsage is a FlagSet's usage: the command's synopsis and what it
// does, then its flags.
func commandUsage(fs *flag.FlagSet, synopsis, about string) func() {
	return func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\n%s\n\nFlags (each defaults to its environment variable, see README.md):\n", synopsis, about)
		fs.PrintDefaults()
	}
}

// deployment is one served hukou deployment.
type deployment struct {
	cfg     config
	app     *app
	srv     *http.Server
	metrics *http.Server
	url     string
}

// startDeployment wires cfg's deployment, starts its job workers (unless
// RUN_JOBS=false), and serves it on cfg.ListenAddr and its metrics on
// cfg.MetricsAddr; a serving error goes to errc.
func startDeployment(ctx context.Context, cfg config, metricsExplicit bool, errc chan<- error) (*deployment, error) {
	a, err := newApp(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d := &deployment{cfg: cfg, app: a}
	if cfg.RunJobs {
		if err := a.jobs.Start(context.WithoutCancel(ctx)); err != nil {
			a.close()
			return nil, err
		}
		a.stopListening = a.listen(ctx, cfg.InboxWait)
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		a.close()
		return nil, err
	}
	d.srv = newHTTPServer(a.handler)
	go func() {
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	if d.metrics, err = serveMetrics(cfg.MetricsAddr, metricsExplicit, errc); err != nil {
		_ = d.srv.Close()
		a.close()
		return nil, err
	}
	d.url = "http://" + ln.Addr().String()
	attrs := []any{"office", cfg.OfficeCode, "url", d.url, "graphql", d.url + "/graphql", "database", string(a.db.Dialect())}
	if cfg.Dev {
		attrs = append(attrs, "graphiql", d.url+"/graphiql", "mode", "development")
	}
	if d.metrics != nil {
		attrs = append(attrs, "metrics", "http://"+d.metrics.Addr+"/metrics")
	}
	slog.Info("serving", attrs...)
	return d, nil
}

// shutdown lets requests in flight finish (up to ctx), then closes the
// deployment's workers and stores.
func (d *deployment) shutdown(ctx context.Context) error {
	err := d.srv.Shutdown(ctx)
	if d.metrics != nil {
		_ = d.metrics.Close()
	}
	d.app.close()
	return err
}

// serveUntilDone waits for a serving error or ctx's end, then shuts the
// deployments down.
func serveUntilDone(ctx context.Context, errc <-chan error, ds ...*deployment) error {
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, d := range ds {
		err = errors.Join(err, d.shutdown(shutdownCtx))
	}
	return err
}

// newHTTPServer returns the public server with timeouts against slow
// clients (slowloris): headers within 10 s, the whole request (a 10 MB
// upload on a slow line included) within 2 minutes, idle keep-alive
// connections closed after 2 minutes, headers at most 64 kB. There is no
// write timeout: documents and exports stream for as long as they take.
// WebSocket subscriptions are not bound by ReadTimeout (the upgrade clears
// the deadlines).
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

// serveMetrics serves /metrics alone on addr ("off": not at all). A busy
// default address only warns (several instances on one machine); an
// address asked for explicitly must be free.
func serveMetrics(addr string, explicit bool, errc chan<- error) (*http.Server, error) {
	if addr == "" || addr == "off" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if explicit {
			return nil, fmt.Errorf("METRICS_ADDR %s: %w", addr, err)
		}
		slog.Warn("metrics are not served: the default address is taken; set METRICS_ADDR", "addr", addr, "err", err)
		return nil, nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.Handler())
	srv := newHTTPServer(mux)
	srv.Addr = ln.Addr().String()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return srv, nil
}

// newRenderer loads the document fonts. Without them the server still
// serves everything else, and each document request fails with a message
// that says how to install the font.
func newRenderer(cfg config, stamper *documents.Stamper) domain.DocumentRenderer {
	r, err := documents.New(documents.Config{FontPath: cfg.FontPath, FallbackFontPath: cfg.FallbackFontPath, Stamper: stamper})
	if err != nil {
		slog.Warn("documents cannot be rendered", "err", err)
		return unavailableRenderer{err: err}
	}
	return r
}

// unavailableRenderer refuses every document with the reason the fonts failed to load.
type unavailableRenderer struct{ err error }

func (u unavailableRenderer) Render(context.Context, domain.Document) ([]byte, error) {
	return nil, domain.Errorf(domain.CodeUnavailable, "documents cannot be produced on this server: %v", u.err).WithReason("documents.font_missing")
}
