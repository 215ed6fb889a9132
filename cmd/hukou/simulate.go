package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/fingerprint/fingerprintsim"
	"hukou/integrations/httpclient"
	"hukou/integrations/idreader/idreadersim"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/platform"
	"hukou/integrations/platform/platformsim"
	"hukou/integrations/portal/portalsim"
	"hukou/integrations/production"
	"hukou/integrations/production/productionsim"
	"hukou/integrations/province"
	"hukou/integrations/province/provincesim"
)

// simulators serves the Ministry, province, platform and production centre
// simulators and the fingerprint device simulator on one loopback
// listener, under /ministry, /province, /platform, /production and
// /fingerprint (each serving its own /v1, /openapi.yaml and
// /admin/faults). Only the device is meant for browsers (it answers CORS).
type simulators struct {
	URL      string
	platform *platformsim.Server // nil for the ID card's simulators alone
	ministry *ministrysim.Simulator
	srv      *http.Server
}

// faultRules are the initial fault-injection rules by simulator, then by
// endpoint ("*" for all): {"platform": {"send": {"errorRate": 0.3}}}.
type faultRules map[string]map[string]fault.Rule

// injector returns a fault injector for one simulator with its initial rules.
func (fr faultRules) injector(sim string, seed uint64) *fault.Injector {
	in := fault.New(seed)
	for endpoint, rule := range fr[sim] {
		in.Set(endpoint, rule)
	}
	return in
}

// simulatorNames are the simulators' names, for fault rules.
var simulatorNames = []string{"ministry", "province", "platform", "production", "fingerprint", "idreader"}

// startSimulators listens on addr and serves the simulators until close.
// productionDelay is how long the production centre takes (0: its default).
func startSimulators(addr, platformDB string, seed uint64, faults faultRules, productionDelay time.Duration) (*simulators, error) {
	plat, err := platformsim.New(platformsim.Config{DBPath: platformDB, Faults: faults.injector("platform", seed)})
	if err != nil {
		return nil, err
	}
	prov := provincesim.New(provincesim.Config{Faults: faults.injector("province", seed+1)})
	sim, err := ministrysim.New(ministrysim.Config{Seed: seed, Faults: faults.injector("ministry", seed+2),
		Certificates: int(envInt64("MINISTRY_BIRTH_CERTIFICATES", 0))}) // more unused certificates for the bench's cases per minute
	if err != nil {
		plat.Close()
		return nil, err
	}
	mux := idCardSimulators(seed, faults, productionDelay)
	mux.Handle("/ministry/", http.StripPrefix("/ministry", sim))
	mux.Handle("/platform/", http.StripPrefix("/platform", plat))
	mux.Handle("/province/", http.StripPrefix("/province", prov))
	mux.Handle("/portal/", http.StripPrefix("/portal", portalsim.New())) // an Internet+ portal (issue 18)
	s, err := serveSimulators(addr, mux)
	if err != nil {
		plat.Close()
		return nil, err
	}
	s.platform, s.ministry = plat, sim
	s.srv.RegisterOnShutdown(plat.StopWaiting)
	return s, nil
}

// idCardSimulators is a mux with the production centre, the fingerprint
// device and the ID card reader simulators, under /production, /fingerprint
// and /idreader.
func idCardSimulators(seed uint64, faults faultRules, productionDelay time.Duration) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/production/", http.StripPrefix("/production", productionsim.New(productionsim.Config{Faults: faults.injector("production", seed+3), Delay: productionDelay})))
	mux.Handle("/fingerprint/", http.StripPrefix("/fingerprint", fingerprintsim.New(fingerprintsim.Config{Faults: faults.injector("fingerprint", seed+4), Seed: seed})))
	mux.Handle("/idreader/", http.StripPrefix("/idreader", idreadersim.New(idreadersim.Config{Faults: faults.injector("idreader", seed+5)})))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	return mux
}

// serveSimulators serves mux on addr until close.
func serveSimulators(addr string, mux *http.ServeMux) (*simulators, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &simulators{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("simulators", "err", err)
		}
	}()
	return s, nil
}

func (s *simulators) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	if s.platform != nil {
		_ = s.platform.Close()
	}
}

func runSimulate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ExitOnError)
	fs.Usage = commandUsage(fs, "hukou simulate [flags]",
		"Serves the simulators of the external services on one port: the Ministry (/ministry: households, birth\n"+
			"certificates, ID card eligibility, materials), the provincial department (/province), the collaboration\n"+
			"platform (/platform), the ID card production centre (/production) and the fingerprint capture device\n"+
			"(/fingerprint, open to browsers), the ID card reader (/idreader, 读卡, open to browsers), each with its OpenAPI contract at …/openapi.yaml and fault injection at\n"+
			"…/admin/faults (the production centre and the device take scripted anomalies at …/admin/script).")
	addr := fs.String("listen", env("SIMULATE_ADDR", "127.0.0.1:9090"), "listen address")
	db := fs.String("platform-db", env("PLATFORM_DB", "./data/platform.db"), "the platform simulator's SQLite file")
	seed := fs.Uint64("seed", 1, "fault injection seed")
	productionDelay := fs.Duration("production-delay", envDuration("PRODUCTION_DELAY", productionsim.DefaultDelay), "how long the production centre simulator takes to answer about a package")
	faultsJSON := fs.String("faults", env("SIMULATOR_FAULTS", ""), `initial fault rules, e.g. {"platform": {"send": {"errorRate": 0.3, "latency": 50000000}}}; change them later through …/admin/faults`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var faults faultRules
	if *faultsJSON != "" {
		if err := json.Unmarshal([]byte(*faultsJSON), &faults); err != nil {
			return fmt.Errorf("--faults must be a JSON object of simulator → endpoint → rule: %w", err)
		}
		for sim := range faults {
			if !slices.Contains(simulatorNames, sim) {
				return fmt.Errorf("--faults: unknown simulator %q (%s)", sim, strings.Join(simulatorNames, ", "))
			}
		}
	}
	s, err := startSimulators(*addr, *db, *seed, faults, *productionDelay)
	if err != nil {
		return err
	}
	defer s.close()
	fmt.Printf("simulators at %s: MINISTRY_URL=%s/ministry PROVINCE_URL=%s/province PLATFORM_URL=%s/platform PRODUCTION_URL=%s/production "+
		"FINGERPRINT_DEVICE_URL=%s/fingerprint ID_READER_URL=%s/idreader (faults at …/admin/faults); Internet+ portal at %s/portal\n", s.URL, s.URL, s.URL, s.URL, s.URL, s.URL, s.URL, s.URL)
	<-ctx.Done()
	return nil
}

// clients are the external services' clients.
type clients struct {
	ministry   *ministry.Client
	province   *province.Client
	platform   domain.Platform
	production *production.Client
	// readerURL is the ID card reader service the SPA calls ("" when none
	// is configured).
	readerURL string
	// deviceURL is the fingerprint device service the SPA calls ("" when
	// none is configured).
	deviceURL string
}

// integrationClients builds the external service clients, starting the
// in-process simulators for every URL left empty (development mode: the
// production mode check requires the services' URLs). Without a Ministry,
// province or platform URL every simulator starts; with those three the
// production centre and the fingerprint device alone start when their URLs
// are empty.
func integrationClients(cfg config) (*clients, func(), error) {
	closeAll := func() {}
	fill := func(s *simulators) {
		slog.Info("simulators started in process", "url", s.URL)
		cfg.MinistryURL = cmp(cfg.MinistryURL, s.URL+"/ministry")
		cfg.ProvinceURL = cmp(cfg.ProvinceURL, s.URL+"/province")
		cfg.PlatformURL = cmp(cfg.PlatformURL, s.URL+"/platform")
		cfg.ProductionURL = cmp(cfg.ProductionURL, s.URL+"/production")
		cfg.FingerprintDeviceURL = cmp(cfg.FingerprintDeviceURL, s.URL+"/fingerprint")
		cfg.IDReaderURL = cmp(cfg.IDReaderURL, s.URL+"/idreader")
	}
	switch {
	case cfg.MinistryURL == "" || cfg.ProvinceURL == "" || cfg.PlatformURL == "":
		s, err := startSimulators("127.0.0.1:0", cfg.PlatformDB, 1, nil, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("start simulators: %w", err)
		}
		closeAll = s.close
		fill(s)
	case cfg.Dev && (cfg.ProductionURL == "" || cfg.FingerprintDeviceURL == "" || cfg.IDReaderURL == ""):
		s, err := serveSimulators("127.0.0.1:0", idCardSimulators(1, nil, 0))
		if err != nil {
			return nil, nil, fmt.Errorf("start the ID card simulators: %w", err)
		}
		closeAll = s.close
		fill(s)
	}
	if cfg.FingerprintDeviceURL == "" {
		slog.Warn("FINGERPRINT_DEVICE_URL is not set: the SPA cannot capture fingerprints for ID card applications")
	}
	return &clients{
		ministry:   ministry.New(httpclient.Config{BaseURL: cfg.MinistryURL, Timeout: cfg.IntegrationTimeout}),
		province:   province.New(httpclient.Config{BaseURL: cfg.ProvinceURL, Timeout: cfg.IntegrationTimeout}),
		platform:   platform.New(httpclient.Config{BaseURL: cfg.PlatformURL, Timeout: cfg.IntegrationTimeout}),
		production: production.New(httpclient.Config{BaseURL: cfg.ProductionURL, Timeout: cfg.IntegrationTimeout}),
		deviceURL:  cfg.FingerprintDeviceURL,
		readerURL:  cfg.IDReaderURL,
	}, closeAll, nil
}
