package domain_test

import (
	"testing"
	"time"

	"hukou/domain"
)

// TestVerifyWebhook is the signature rule portals implement: HMAC-SHA256 of
// "timestamp.body" with the client's webhook secret, within a tolerance.
func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"d1","status":"ACCEPTED"}`)
	sig := domain.SignWebhook("secret", now.Unix(), body)
	ts := "1800000000"
	for _, tc := range []struct {
		name, secret, sig, ts string
		body                  []byte
		at                    time.Time
		want                  bool
	}{
		{"OK", "secret", sig, ts, body, now, true},
		{"OKWithinTolerance", "secret", sig, ts, body, now.Add(4 * time.Minute), true},
		{"ErrOtherSecret", "other", sig, ts, body, now, false},
		{"ErrBodyChanged", "secret", sig, ts, []byte(`{"id":"d1","status":"COMPLETED"}`), now, false},
		{"ErrTimestampChanged", "secret", sig, "1800000001", body, now, false},
		{"ErrTooOld", "secret", sig, ts, body, now.Add(6 * time.Minute), false},
		{"ErrNotANumber", "secret", sig, "x", body, now, false},
		{"ErrEmptySignature", "secret", "", ts, body, now, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.VerifyWebhook(tc.secret, tc.sig, tc.ts, tc.body, tc.at, 5*time.Minute); got != tc.want {
				t.Fatalf("VerifyWebhook = %v, want %v", got, tc.want)
			}
		})
	}
	if sig[:3] != "v1=" || len(sig) != 3+64 {
		t.Fatalf("signature %q is not v1= and 64 hex digits", sig)
	}
}
