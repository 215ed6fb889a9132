package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestAuditRepository_FindLoginFailures_ByOperation counts failed entries
// of one audit operation per address (the public certificate verification's
// throttle, issue 13) apart from failed sign-ins, on both databases.
func TestAuditRepository_FindLoginFailures_ByOperation(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		addr := "10.9." + uuid.NewString()[:8]
		at := storagetest.T0
		entry := func(action domain.AuditAction, op, detail string, dt time.Duration) *domain.AuditEntry {
			return &domain.AuditEntry{At: at.Add(dt), ActorName: "public", Action: action, Operation: op, Detail: detail, RemoteAddr: addr}
		}
		require.NoError(t, db.Audit().AppendAudit(ctx,
			entry(domain.AuditRead, "verifyCertificate", domain.LoginFailed, time.Second),
			entry(domain.AuditRead, "verifyCertificate", "valid", 2*time.Second),
			entry(domain.AuditRead, "verifyCertificate", domain.LoginFailed, 3*time.Second),
			entry(domain.AuditLogin, "login", domain.LoginFailed, 4*time.Second),
			entry(domain.AuditRead, "verifyCertificate", domain.LoginFailed, -time.Hour), // before the window
		))
		got, err := db.Audit().FindLoginFailures(ctx, domain.LoginFailureFilter{Operation: "verifyCertificate", RemoteAddr: addr, Since: at, Limit: 10})
		require.NoError(t, err)
		require.Len(t, got, 2, "the failed verifications in the window, not the valid one nor the sign-in")
		require.True(t, got[0].After(got[1]), "newest first")
		logins, err := db.Audit().FindLoginFailures(ctx, domain.LoginFailureFilter{RemoteAddr: addr, Since: at, Limit: 10})
		require.NoError(t, err)
		require.Len(t, logins, 1, "sign-ins count apart")
		limited, err := db.Audit().FindLoginFailures(ctx, domain.LoginFailureFilter{Operation: "verifyCertificate", RemoteAddr: addr, Since: at, Limit: 1})
		require.NoError(t, err)
		require.Len(t, limited, 1)
	})
}
