package queue

import "github.com/riverqueue/river"

// WithTestWorkers returns cfg with a hook that registers extra workers and
// with River's TestOnly mode (no start-up jitter). Tests only.
func WithTestWorkers(cfg Config, register func(*river.Workers) error) Config {
	cfg.test.register = register
	cfg.test.fast = true
	return cfg
}
