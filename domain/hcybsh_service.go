package domain

import (
	"context"
	"strconv"
	"time"
)

// HcybshRunState is the state of a full-generation run of household member
// identifiers.
type HcybshRunState string

// The states of a run: RUNNING until it numbered every household (DONE) or
// was given up (FAILED).
const (
	HcybshRunning HcybshRunState = "RUNNING"
	HcybshDone    HcybshRunState = "DONE"
	HcybshFailed  HcybshRunState = "FAILED"
)

// HcybshRun is one full generation of hcybsh (8.1.1) and its progress, as
// its checkpoint row records it after each committed batch.
type HcybshRun struct {
	ID    int64
	State HcybshRunState
	// HouseholdsDone of HouseholdsTotal households are numbered;
	// ResidentsNumbered residents got an identifier in this run.
	HouseholdsDone, HouseholdsTotal int
	ResidentsNumbered               int
	BatchHouseholds                 int
	// Error tells why a FAILED run was given up.
	Error      string
	StartedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// HcybshRepository records full-generation runs.
type HcybshRepository interface {
	// CreateHcybshRun records a new RUNNING run; CodeConflict when one is
	// already running (at most one runs at a time).
	CreateHcybshRun(ctx context.Context, batchHouseholds int) (*HcybshRun, error)
	// FindHcybshRun returns CodeNotFound when there is none.
	FindHcybshRun(ctx context.Context, id int64) (*HcybshRun, error)
	// LatestHcybshRun returns the newest run; CodeNotFound when there is none.
	LatestHcybshRun(ctx context.Context) (*HcybshRun, error)
}

// HcybshGenerator works full-generation runs; storage implements it with
// set-based SQL (storage.DB.GenerateHcybsh).
type HcybshGenerator interface {
	// WorkHcybshRun numbers the households of the RUNNING run id from its
	// checkpoint on, committing progress after each batch, and marks it
	// DONE. A run that is already DONE is left alone (nil); a FAILED one is
	// CodeConflict.
	WorkHcybshRun(ctx context.Context, id int64) error
	// FailHcybshRun marks the run FAILED with reason, if it is still RUNNING.
	FailHcybshRun(ctx context.Context, id int64, reason string) error
}

// GenerateHcybshArgs is the job that works one full-generation run
// (HcybshService.Start enqueues it).
type GenerateHcybshArgs struct {
	// RunID is the run in hcybsh_runs that the job works.
	RunID int64 `json:"run_id"`
}

// Kind implements JobArgs.
func (GenerateHcybshArgs) Kind() string { return "generate_hcybsh" }

// HcybshService starts full generations of hcybsh as background jobs and
// reports their progress; ADMIN only.
type HcybshService struct {
	DB  Database
	Now func() time.Time
	// BatchHouseholds is the batch size of the runs it starts (0: 50,000).
	BatchHouseholds int
}

// Start records a new run and enqueues the job that works it, in one
// transaction. It returns CodeConflict when a run is already in progress.
func (s *HcybshService) Start(ctx context.Context) (*HcybshRun, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	batch := s.BatchHouseholds
	if batch <= 0 {
		batch = 50_000
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var run *HcybshRun
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var err error
		if run, err = tx.Hcybsh().CreateHcybshRun(ctx, batch); err != nil {
			return err
		}
		if err := tx.Jobs().Enqueue(ctx, GenerateHcybshArgs{RunID: run.ID}, WithMaxAttempts(5)); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now(), AuditChange, "startHcybshGeneration", "HcybshRun", strconv.FormatInt(run.ID, 10), ""))
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// Run returns the run id; CodeNotFound when there is none.
func (s *HcybshService) Run(ctx context.Context, id int64) (*HcybshRun, error) {
	if _, err := Authorize(ctx, RoleAdmin); err != nil {
		return nil, err
	}
	return s.DB.Hcybsh().FindHcybshRun(ctx, id)
}

// LatestRun returns the newest run; CodeNotFound when there is none.
func (s *HcybshService) LatestRun(ctx context.Context) (*HcybshRun, error) {
	if _, err := Authorize(ctx, RoleAdmin); err != nil {
		return nil, err
	}
	return s.DB.Hcybsh().LatestHcybshRun(ctx)
}
