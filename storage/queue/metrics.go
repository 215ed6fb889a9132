package queue

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job outcomes, the values of the "outcome" label.
const (
	OutcomeCompleted = "completed" // Work returned nil
	OutcomeRetry     = "retry"     // failed, another attempt is scheduled
	OutcomeFailed    = "failed"    // failed on its last attempt: discarded
	OutcomeCancelled = "cancelled" // the worker returned river.JobCancel
	OutcomeSnoozed   = "snoozed"   // the worker returned river.JobSnooze
	OutcomePanic     = "panic"     // the worker panicked
)

// Metrics are the job counters and timings; New registers them on
// Config.Registerer.
type Metrics struct {
	// Jobs counts worked attempts by kind and outcome (hukou_jobs_total).
	Jobs *prometheus.CounterVec
	// Duration times attempts by kind (hukou_job_duration_seconds).
	Duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		Jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hukou_jobs_total",
			Help: "Background job attempts by kind and outcome.",
		}, []string{"kind", "outcome"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hukou_job_duration_seconds",
			Help:    "Background job attempt duration by kind.",
			Buckets: prometheus.ExponentialBuckets(0.005, 4, 10),
		}, []string{"kind"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.Jobs, m.Duration} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// metricsMiddleware records every attempt in Metrics.
type metricsMiddleware struct {
	river.MiddlewareDefaults
	m *Metrics
}

var _ rivertype.WorkerMiddleware = (*metricsMiddleware)(nil)

func (mw *metricsMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	outcome := OutcomePanic // stays so if doInner panics (River recovers above us)
	defer func() {
		mw.m.Jobs.WithLabelValues(job.Kind, outcome).Inc()
		mw.m.Duration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	}()
	err := doInner(ctx)
	outcome = classify(job, err)
	return err
}

func classify(job *rivertype.JobRow, err error) string {
	var cancel *rivertype.JobCancelError
	var snooze *rivertype.JobSnoozeError
	switch {
	case err == nil:
		return OutcomeCompleted
	case errors.As(err, &cancel):
		return OutcomeCancelled
	case errors.As(err, &snooze):
		return OutcomeSnoozed
	case job.Attempt >= job.MaxAttempts:
		return OutcomeFailed
	default:
		return OutcomeRetry
	}
}
