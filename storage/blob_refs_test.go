package storage_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// Blob keys kept inside a JSON document (an online application's materials,
// waiting for a clerk) are references too: the orphan sweeper must not take
// those blobs for orphans. A key in no column and no document is not.
func TestReferencedBlobs_JSON(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		portal := storagetest.CreateUser(t, db, func(u *domain.User) { u.Roles = []domain.Role{domain.RoleIntegrator} })
		waiting, orphan := strings.Repeat("a", 64), strings.Repeat("b", 64)
		now := time.Now().UTC()
		require.NoError(t, db.Online().CreateOnlineApplication(ctx, &domain.OnlineApplication{
			ID: uuid.NewString(), ClientUserID: portal.ID, ClientID: "portal", Kind: "BIRTH", Office: storagetest.AcceptanceOffice,
			Data: json.RawMessage(`{}`), Status: "SUBMITTED", CreatedAt: now, UpdatedAt: now,
			Materials: []domain.OnlineMaterial{{Code: "BIRTH_CERT", Name: "出生医学证明.jpg", ContentType: "image/jpeg", Size: 10, BlobKey: waiting, SHA256: waiting}},
		}))
		used, err := db.ReferencedBlobs(ctx, []string{waiting, orphan})
		require.NoError(t, err)
		require.True(t, used[waiting], "an online application's material is referenced")
		require.False(t, used[orphan])
	})
}
