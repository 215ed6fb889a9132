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
	"time"

	"hukou/domain"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/integrations/platform"
	"hukou/integrations/platform/platformsim"
	"hukou/integrations/portal/portalsim"
	"hukou/integrations/province"
	"hukou/integrations/province/provincesim"
)

// simulators serves the Ministry, province and platform simulators on one
// listener, under /ministry, /province and /platform (each serving its own
// /v1, /openapi.yaml and /admin/faults).
type simulators struct {
	URL      string
	platform *platformsim.Server
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

// startSimulators listens on addr and serves the simulators until close.
func startSimulators(addr, platformDB string, seed uint64, faults faultRules) (*simulators, error) {
	plat, err := platformsim.New(platformsim.Config{DBPath: platformDB, Faults: faults.injector("platform", seed)})
	if err != nil {
		return nil, err
	}
	prov := provincesim.New(provincesim.Config{Faults: faults.injector("province", seed+1)})
	sim, err := ministrysim.New(ministrysim.Config{Seed: seed, Faults: faults.injector("ministry", seed+2)})
	if err != nil {
		plat.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/ministry/", http.StripPrefix("/ministry", sim))
	mux.Handle("/platform/", http.StripPrefix("/platform", plat))
	mux.Handle("/province/", http.StripPrefix("/province", prov))
	mux.Handle("/portal/", http.StripPrefix("/portal", portalsim.New())) // an Internet+ portal (issue 18)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		plat.Close()
		return nil, err
	}
	s := &simulators{URL: "http://" + ln.Addr().String(), platform: plat, ministry: sim, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	s.srv.RegisterOnShutdown(plat.StopWaiting)
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
	_ = s.platform.Close()
}

func runSimulate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ExitOnError)
	fs.Usage = commandUsage(fs, "hukou simulate [flags]",
		"Serves the simulators of the external services on one port: the Ministry (/ministry: households, birth\n"+
			"certificates, ID card eligibility, materials), the provincial department (/province) and the collaboration\n"+
			"platform (/platform), each with its OpenAPI contract at …/openapi.yaml and fault injection at …/admin/faults.")
	addr := fs.String("listen", env("SIMULATE_ADDR", "127.0.0.1:9090"), "listen address")
	db := fs.String("platform-db", env("PLATFORM_DB", "./data/platform.db"), "the platform simulator's SQLite file")
	seed := fs.Uint64("seed", 1, "fault injection seed")
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
			if sim != "ministry" && sim != "province" && sim != "platform" {
				return fmt.Errorf("--faults: unknown simulator %q (ministry, province, platform)", sim)
			}
		}
	}
	s, err := startSimulators(*addr, *db, *seed, faults)
	if err != nil {
		return err
	}
	defer s.close()
	fmt.Printf("simulators at %s: MINISTRY_URL=%s/ministry PROVINCE_URL=%s/province PLATFORM_URL=%s/platform (faults at …/admin/faults); Internet+ portal at %s/portal\n", s.URL, s.URL, s.URL, s.URL, s.URL)
	<-ctx.Done()
	return nil
}

// integrationClients builds the external service clients, starting the
// in-process simulators for every URL left empty.
func integrationClients(cfg config) (*ministry.Client, *province.Client, domain.Platform, func(), error) {
	closeAll := func() {}
	if cfg.MinistryURL == "" || cfg.ProvinceURL == "" || cfg.PlatformURL == "" {
		s, err := startSimulators("127.0.0.1:0", cfg.PlatformDB, 1, nil)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("start simulators: %w", err)
		}
		slog.Info("simulators started in process", "url", s.URL)
		closeAll = s.close
		if cfg.MinistryURL == "" {
			cfg.MinistryURL = s.URL + "/ministry"
		}
		if cfg.ProvinceURL == "" {
			cfg.ProvinceURL = s.URL + "/province"
		}
		if cfg.PlatformURL == "" {
			cfg.PlatformURL = s.URL + "/platform"
		}
	}
	mc := ministry.New(httpclient.Config{BaseURL: cfg.MinistryURL, Timeout: cfg.IntegrationTimeout})
	prov := province.New(httpclient.Config{BaseURL: cfg.ProvinceURL, Timeout: cfg.IntegrationTimeout})
	plat := platform.New(httpclient.Config{BaseURL: cfg.PlatformURL, Timeout: cfg.IntegrationTimeout})
	return mc, prov, plat, closeAll, nil
}
