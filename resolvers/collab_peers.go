package resolvers

import "time"

// optionalTime maps a zero time (an open bound) to null.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// optionalString maps "" to null.
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
