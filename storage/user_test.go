package storage_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// newRefreshToken returns an unsaved live token of user expiring at expires,
// whose hash is that of a fresh random token.
func newRefreshToken(userID string, expires time.Time) *domain.RefreshToken {
	sum := sha256.Sum256([]byte(uuid.NewString()))
	return &domain.RefreshToken{ID: uuid.NewString(), UserID: userID, TokenHash: hex.EncodeToString(sum[:]),
		ExpiresAt: expires, CreatedAt: storagetest.T0}
}

// createRefreshToken saves newRefreshToken(userID, expires).
func createRefreshToken(t *testing.T, db *storage.DB, userID string, expires time.Time) *domain.RefreshToken {
	t.Helper()
	tok := newRefreshToken(userID, expires)
	require.NoError(t, db.Users().CreateRefreshToken(context.Background(), tok))
	return tok
}

// findRefreshToken reads tok back by its hash.
func findRefreshToken(t *testing.T, db *storage.DB, tok *domain.RefreshToken) *domain.RefreshToken {
	t.Helper()
	got, err := db.Users().FindRefreshToken(context.Background(), tok.TokenHash)
	require.NoError(t, err)
	return utc(got)
}

func TestUserRepository_CreateUser(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			u := storagetest.CreateUser(t, db, func(u *domain.User) {
				u.Roles, u.Disabled = []domain.Role{"CLERK", "APPROVER", "ADMIN"}, true
			})
			u.Version = 1
			got, err := db.Users().FindUserByID(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, u, utc(got))
		})

		t.Run("NoRoles", func(t *testing.T) {
			u := storagetest.CreateUser(t, db, func(u *domain.User) { u.Roles = nil })
			got, err := db.Users().FindUserByID(ctx, u.ID)
			require.NoError(t, err)
			require.Empty(t, got.Roles)
		})

		t.Run("DefaultTimes", func(t *testing.T) {
			u := storagetest.CreateUser(t, db, func(u *domain.User) { u.CreatedAt, u.UpdatedAt = time.Time{}, time.Time{} })
			got, err := db.Users().FindUserByID(ctx, u.ID)
			require.NoError(t, err)
			require.WithinDuration(t, time.Now(), got.CreatedAt, time.Hour, "the database stamps a missing time")
			require.WithinDuration(t, time.Now(), got.UpdatedAt, time.Hour)
		})

		t.Run("ErrDuplicateUsername", func(t *testing.T) {
			u := storagetest.CreateUser(t, db)
			dup := &domain.User{ID: uuid.NewString(), Username: u.Username, DisplayName: "other", PasswordHash: "x",
				OfficeCode: u.OfficeCode, CreatedAt: storagetest.T0, UpdatedAt: storagetest.T0}
			requireCode(t, domain.CodeConflict, db.Users().CreateUser(ctx, dup))
		})
	})
}

func TestUserRepository_FindUserByUsername(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			u := storagetest.CreateUser(t, db)
			storagetest.CreateUser(t, db)
			u.Version = 1
			got, err := db.Users().FindUserByUsername(ctx, u.Username)
			require.NoError(t, err)
			require.Equal(t, u, utc(got))
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Users().FindUserByUsername(ctx, "nobody")
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestUserRepository_FindUserByID(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			u := storagetest.CreateUser(t, db)
			got, err := db.Users().FindUserByID(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, u.Username, got.Username)
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Users().FindUserByID(ctx, uuid.NewString())
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestUserRepository_CreateRefreshToken(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u := storagetest.CreateUser(t, db)

		t.Run("OK", func(t *testing.T) {
			tok := createRefreshToken(t, db, u.ID, storagetest.T0.Add(30*24*time.Hour))
			require.Equal(t, tok, findRefreshToken(t, db, tok))
			require.Nil(t, tok.RevokedAt)
		})

		t.Run("DefaultCreatedAt", func(t *testing.T) {
			tok := newRefreshToken(u.ID, storagetest.T0)
			tok.CreatedAt = time.Time{}
			require.NoError(t, db.Users().CreateRefreshToken(ctx, tok))
			require.WithinDuration(t, time.Now(), findRefreshToken(t, db, tok).CreatedAt, time.Hour)
		})

		t.Run("ErrDuplicateHash", func(t *testing.T) {
			tok := createRefreshToken(t, db, u.ID, storagetest.T0)
			dup := newRefreshToken(u.ID, storagetest.T0)
			dup.TokenHash = tok.TokenHash
			requireCode(t, domain.CodeConflict, db.Users().CreateRefreshToken(ctx, dup))
		})
	})
}

func TestUserRepository_FindRefreshToken(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u := storagetest.CreateUser(t, db)

		t.Run("OK", func(t *testing.T) {
			tok := createRefreshToken(t, db, u.ID, storagetest.T0)
			createRefreshToken(t, db, u.ID, storagetest.T0)
			require.Equal(t, tok, findRefreshToken(t, db, tok))
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			sum := sha256.Sum256([]byte("never issued"))
			_, err := db.Users().FindRefreshToken(ctx, hex.EncodeToString(sum[:]))
			requireCode(t, domain.CodeNotFound, err)
		})
	})
}

func TestUserRepository_RevokeRefreshToken(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u := storagetest.CreateUser(t, db)

		t.Run("OK", func(t *testing.T) {
			tok := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))
			other := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))
			at := storagetest.T0.Add(time.Minute)
			require.NoError(t, db.Users().RevokeRefreshToken(ctx, tok.ID, at))
			tok.RevokedAt = &at
			require.Equal(t, tok, findRefreshToken(t, db, tok))
			require.Nil(t, findRefreshToken(t, db, other).RevokedAt, "only that token")
		})

		t.Run("ErrReused", func(t *testing.T) {
			tok := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))
			first := storagetest.T0.Add(time.Minute)
			require.NoError(t, db.Users().RevokeRefreshToken(ctx, tok.ID, first))
			err := db.Users().RevokeRefreshToken(ctx, tok.ID, first.Add(time.Minute))
			requireCode(t, domain.CodeConflict, err)
			require.Equal(t, first, findRefreshToken(t, db, tok).RevokedAt.UTC(), "the first revocation stands")
		})
	})
}

func TestUserRepository_RevokeUserRefreshTokens(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			u, other := storagetest.CreateUser(t, db), storagetest.CreateUser(t, db)
			live1 := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))
			live2 := createRefreshToken(t, db, u.ID, storagetest.T0.Add(2*time.Hour))
			spent := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))
			spentAt := storagetest.T0.Add(time.Second)
			require.NoError(t, db.Users().RevokeRefreshToken(ctx, spent.ID, spentAt))
			theirs := createRefreshToken(t, db, other.ID, storagetest.T0.Add(time.Hour))

			at := storagetest.T0.Add(time.Minute)
			require.NoError(t, db.Users().RevokeUserRefreshTokens(ctx, u.ID, at))
			require.Equal(t, at, findRefreshToken(t, db, live1).RevokedAt.UTC())
			require.Equal(t, at, findRefreshToken(t, db, live2).RevokedAt.UTC())
			require.Equal(t, spentAt, findRefreshToken(t, db, spent).RevokedAt.UTC(), "an earlier revocation stands")
			require.Nil(t, findRefreshToken(t, db, theirs).RevokedAt, "other users keep theirs")

			requireCode(t, domain.CodeConflict, db.Users().RevokeRefreshToken(ctx, live1.ID, at.Add(time.Minute)))
		})

		t.Run("NoTokens", func(t *testing.T) {
			require.NoError(t, db.Users().RevokeUserRefreshTokens(ctx, uuid.NewString(), storagetest.T0))
		})
	})
}

func TestUserRepository_PruneRefreshTokens(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			u := storagetest.CreateUser(t, db)
			old := createRefreshToken(t, db, u.ID, storagetest.T0.Add(-2*time.Hour))
			oldRevoked := createRefreshToken(t, db, u.ID, storagetest.T0.Add(-time.Hour))
			require.NoError(t, db.Users().RevokeRefreshToken(ctx, oldRevoked.ID, storagetest.T0.Add(-3*time.Hour)))
			edge := createRefreshToken(t, db, u.ID, storagetest.T0)
			liveRevoked := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))
			require.NoError(t, db.Users().RevokeRefreshToken(ctx, liveRevoked.ID, storagetest.T0.Add(-time.Minute)))
			live := createRefreshToken(t, db, u.ID, storagetest.T0.Add(time.Hour))

			n, err := db.Users().PruneRefreshTokens(ctx, storagetest.T0.In(time.FixedZone("CST", 8*3600)))
			require.NoError(t, err)
			require.Equal(t, 2, n)
			for _, gone := range []*domain.RefreshToken{old, oldRevoked} {
				_, err := db.Users().FindRefreshToken(ctx, gone.TokenHash)
				requireCode(t, domain.CodeNotFound, err)
			}
			for _, kept := range []*domain.RefreshToken{edge, liveRevoked, live} {
				findRefreshToken(t, db, kept)
			}

			n, err = db.Users().PruneRefreshTokens(ctx, storagetest.T0)
			require.NoError(t, err)
			require.Zero(t, n)
		})
	})
}

func TestUserRepository_UpdateUser(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		u := storagetest.CreateUser(t, db)
		u.Version = 1
		u.DisplayName, u.Roles, u.Disabled, u.PasswordHash = "王五", []domain.Role{"OFFICER", "APPROVER"}, true, "$2a$10$"+strings.Repeat("y", 53)
		u.UpdatedAt = storagetest.T0.Add(time.Hour)
		require.NoError(t, db.Users().UpdateUser(ctx, u))
		require.Equal(t, 2, u.Version)
		got, err := db.Users().FindUserByID(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, utc(got))

		stale := *u
		stale.Version = 1
		requireCode(t, domain.CodeConflict, db.Users().UpdateUser(ctx, &stale))
		got, err = db.Users().FindUserByID(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, 2, got.Version, "a stale update changes nothing")
	})
}

func TestUserRepository_FindUsers(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mk := func(name, display, office string, disabled bool, roles ...domain.Role) {
			storagetest.CreateUser(t, db, func(u *domain.User) {
				u.Username, u.DisplayName, u.OfficeCode, u.Disabled, u.Roles = name, display, office, disabled, roles
			})
		}
		mk("amy", "艾米", "211102000100", false, "CLERK")
		mk("bob", "鲍勃", "211102000200", false, "OFFICER", "APPROVER")
		mk("cat_1", "猫", "211103000100", true, "CLERK", "ARCHIVIST")
		mk("catx", "猫二", "211103000100", false, "ADMIN")
		names := func(f domain.UserFilter, p domain.Page) ([]string, *domain.UserPage) {
			if p.First == 0 {
				p.First = 50
			}
			page, err := db.Users().FindUsers(ctx, f, p)
			require.NoError(t, err)
			var out []string
			for _, u := range page.Users {
				out = append(out, u.Username)
			}
			return out, page
		}
		got, _ := names(domain.UserFilter{OfficePrefix: "211102"}, domain.Page{})
		require.Equal(t, []string{"amy", "bob"}, got)
		got, _ = names(domain.UserFilter{OfficePrefix: "2111", Role: "CLERK"}, domain.Page{})
		require.Equal(t, []string{"amy", "cat_1"}, got)
		got, _ = names(domain.UserFilter{OfficePrefix: "2111", Role: "APPROVER"}, domain.Page{})
		require.Equal(t, []string{"bob"}, got)
		got, _ = names(domain.UserFilter{OfficePrefix: "2111", Search: "cat_"}, domain.Page{})
		require.Equal(t, []string{"cat_1"}, got, "_ is a literal, not a wildcard")
		got, _ = names(domain.UserFilter{OfficePrefix: "2111", Search: "猫"}, domain.Page{})
		require.Equal(t, []string{"cat_1", "catx"}, got, "the display name matches too")
		no := false
		got, _ = names(domain.UserFilter{OfficePrefix: "2111", Disabled: &no}, domain.Page{})
		require.Equal(t, []string{"amy", "bob", "catx"}, got)

		got, page := names(domain.UserFilter{OfficePrefix: "2111"}, domain.Page{First: 3})
		require.Equal(t, []string{"amy", "bob", "cat_1"}, got)
		require.True(t, page.HasNextPage)
		got, page = names(domain.UserFilter{OfficePrefix: "2111"}, domain.Page{First: 3, After: page.EndCursor})
		require.Equal(t, []string{"catx"}, got)
		require.False(t, page.HasNextPage)
	})
}
