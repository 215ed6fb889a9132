package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"hukou/domain"
	"hukou/domain/population"
	"hukou/storage"
)

// demoPassword is the password of the demo users that `hukou seed
// --demo-users` and `hukou demo` create. They exist only in demo and test
// databases; a production deployment creates its users through createUser.
const demoPassword = "hukou-demo-2026"

// demoUser is one demo login; office is "city", "county" or "station".
type demoUser struct {
	username, displayName, office string
	roles                         []domain.Role
}

var demoUsers = []demoUser{
	{"admin", "系统管理员", "city", []domain.Role{domain.RoleAdmin}},
	{"clerk", "受理民警", "station", []domain.Role{domain.RoleClerk}},
	{"officer", "户籍民警", "station", []domain.Role{domain.RoleOfficer}},
	{"approver", "审批领导", "county", []domain.Role{domain.RoleApprover, domain.RoleOfficer}},
	{"archivist", "档案管理员", "county", []domain.Role{domain.RoleArchivist}},
	{"analyst", "数据分析员", "city", []domain.Role{domain.RoleAnalyst}},
	{"portal", "互联网+ 平台", "city", []domain.Role{domain.RoleIntegrator}},
}

func runSeed(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "cases" {
		return runSeedCases(ctx, args[1:])
	}
	var cfg config
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	cfg.bind(fs)
	fs.Usage = commandUsage(fs, "hukou seed [--residents N] [--division 211100] [--seed S] [--demo-users] [flags]",
		"Loads a deterministic synthetic population (offices, addresses, households, residents) of one city into\n"+
			"DATABASE_URL, with a progress bar; seed 1 gives the people the Ministry simulator knows.\n"+
			"hukou seed cases --n N loads a case population instead (see hukou seed cases --help).")
	residents := fs.Int("residents", 20000, "number of residents to generate")
	division := fs.String("division", "211100", "GB/T 2260 code of the city")
	seed := fs.Int64("seed", 1, "generator seed: the same seed gives the same people")
	users := fs.Bool("demo-users", false, "also create one demo user per role")
	appendRows := fs.Bool("append", false, "load into a register that already has residents")
	noHcybsh := fs.Bool("without-hcybsh", false, "leave household member identifiers empty, as an older system's rows are (for hukou hcybsh generate)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	pcfg := population.Config{Seed: *seed, Division: *division, Residents: *residents}
	var opts []storage.SeedOption
	if *appendRows {
		opts = append(opts, storage.SeedAppend())
	}
	if *noHcybsh {
		opts = append(opts, storage.SeedWithoutHcybsh())
	}
	rep, err := seedPopulation(ctx, db, pcfg, true, opts...)
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d residents in %d households (%s) in %s: %.0f residents/s\n",
		rep.Residents, rep.Households, *division, rep.Elapsed.Round(time.Millisecond), float64(rep.Residents)/rep.Elapsed.Seconds())
	if *users {
		if err := seedDemoUsers(ctx, db, pcfg, ""); err != nil {
			return err
		}
		printDemoLogins(os.Stdout)
	}
	return nil
}

// seedPopulation loads the offices and people of pcfg, with a progress bar on a terminal.
func seedPopulation(ctx context.Context, db *storage.DB, pcfg population.Config, showProgress bool, opts ...storage.SeedOption) (storage.SeedReport, error) {
	offices, err := population.Offices(pcfg)
	if err != nil {
		return storage.SeedReport{}, err
	}
	if err := db.SeedOffices(ctx, offices); err != nil {
		return storage.SeedReport{}, err
	}
	bar := progressbar.NewOptions(pcfg.Residents, progressbar.OptionSetDescription("seeding residents"),
		progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetVisibility(showProgress), progressbar.OptionThrottle(200*time.Millisecond))
	rep, err := db.SeedPopulation(ctx, pcfg, func(done int) { _ = bar.Set(done) }, opts...)
	_ = bar.Finish()
	fmt.Fprintln(os.Stderr)
	return rep, err
}

// seedDemoUsers creates the demo users that do not exist yet: the
// city-level ones at the city bureau, the station-level ones at station
// and the county-level ones at its county. With station empty, the first
// station of the first county.
func seedDemoUsers(ctx context.Context, db *storage.DB, pcfg population.Config, station string) error {
	offices, err := population.Offices(pcfg)
	if err != nil {
		return err
	}
	pick := map[string]string{"station": station}
	for _, o := range offices {
		switch {
		case o.Level == domain.OfficeCityBureau:
			pick["city"] = o.Code
		case o.Level == domain.OfficeCountyBureau && station == "":
			if pick["county"] == "" {
				pick["county"] = o.Code
			}
		case o.Level == domain.OfficePoliceStation && station == "":
			if pick["station"] == "" && o.ParentCode == pick["county"] {
				pick["station"] = o.Code
			}
		case o.Level == domain.OfficePoliceStation && o.Code == station:
			pick["county"] = o.ParentCode
		}
	}
	if pick["county"] == "" || pick["station"] == "" {
		return fmt.Errorf("demo users: no station %q among the offices of %s", station, pcfg.Division)
	}
	svc := &domain.UserService{DB: db, Now: time.Now, NewID: newID}
	system := domain.WithActor(ctx, &domain.Actor{Username: "seed", System: true})
	for _, u := range demoUsers {
		_, err := svc.CreateUser(system, domain.NewUser{Username: u.username, DisplayName: u.displayName,
			Password: demoPassword, OfficeCode: pick[u.office], Roles: u.roles})
		if err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return fmt.Errorf("demo user %s: %w", u.username, err)
		}
	}
	return nil
}
