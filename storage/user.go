package storage

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// userRow is the bun model of users.
type userRow struct {
	bun.BaseModel `bun:"table:users"`
	ID            string    `bun:"id,pk"`
	Username      string    `bun:"username"`
	DisplayName   string    `bun:"display_name"`
	PasswordHash  string    `bun:"password_hash"`
	OfficeCode    string    `bun:"office_code"`
	Roles         string    `bun:"roles"`
	Disabled      bool      `bun:"disabled"`
	TokenGen      int       `bun:"token_generation"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:current_timestamp"`
	UpdatedAt     time.Time `bun:"updated_at,nullzero,default:current_timestamp"`
	Version       int       `bun:"version"`
}

func (r *userRow) toDomain() *domain.User {
	u := &domain.User{ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, PasswordHash: r.PasswordHash,
		OfficeCode: r.OfficeCode, Disabled: r.Disabled, TokenGeneration: r.TokenGen, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
	for _, role := range strings.Split(r.Roles, ",") {
		if role != "" {
			u.Roles = append(u.Roles, domain.Role(role))
		}
	}
	return u
}

// refreshTokenRow is the bun model of refresh_tokens.
type refreshTokenRow struct {
	bun.BaseModel `bun:"table:refresh_tokens"`
	ID            string     `bun:"id,pk"`
	UserID        string     `bun:"user_id"`
	TokenHash     string     `bun:"token_hash"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:current_timestamp"`
}

type userRepo struct{ idb bun.IDB }

func (r userRepo) FindUserByUsername(ctx context.Context, username string) (*domain.User, error) {
	var row userRow
	if err := r.idb.NewSelect().Model(&row).Where("username = ?", username).Scan(ctx); err != nil {
		return nil, translate(err, "user "+username)
	}
	return row.toDomain(), nil
}

func (r userRepo) FindUserByID(ctx context.Context, id string) (*domain.User, error) {
	var row userRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "user")
	}
	return row.toDomain(), nil
}

func (r userRepo) CreateUser(ctx context.Context, u *domain.User) error {
	roles := make([]string, len(u.Roles))
	for i, role := range u.Roles {
		roles[i] = string(role)
	}
	row := &userRow{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
		OfficeCode: u.OfficeCode, Roles: strings.Join(roles, ","), Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: 1}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "user "+u.Username)
}

func (r userRepo) UpdateUser(ctx context.Context, u *domain.User) error {
	roles := make([]string, len(u.Roles))
	for i, role := range u.Roles {
		roles[i] = string(role)
	}
	res, err := r.idb.NewUpdate().Model((*userRow)(nil)).
		Set("display_name = ?", u.DisplayName).Set("office_code = ?", u.OfficeCode).Set("roles = ?", strings.Join(roles, ",")).
		Set("disabled = ?", u.Disabled).Set("password_hash = ?", u.PasswordHash).Set("updated_at = ?", u.UpdatedAt).
		Set("version = version + 1").Where("id = ? AND version = ?", u.ID, u.Version).Exec(ctx)
	if err != nil {
		return translate(err, "user "+u.Username)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the user %s was changed meanwhile; reload and try again", u.Username).WithReason("stale_version")
	}
	u.Version++
	return nil
}

func (r userRepo) FindUsers(ctx context.Context, f domain.UserFilter, p domain.Page) (*domain.UserPage, error) {
	var rows []userRow
	q := r.idb.NewSelect().Model(&rows).Order("username").Limit(int64(p.First + 1))
	if f.OfficePrefix != "" {
		q = q.Where("office_code LIKE ? ESCAPE '\\'", likePrefix(f.OfficePrefix))
	}
	if f.Role != "" {
		// roles is a comma-separated list of Role values, none a substring of another's name between commas
		q = q.Where("(',' || roles || ',') LIKE ?", "%,"+string(f.Role)+",%")
	}
	if f.Search != "" {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("username LIKE ? ESCAPE '\\'", likePrefix(f.Search)).WhereOr("display_name LIKE ? ESCAPE '\\'", likePrefix(f.Search))
		})
	}
	if f.Disabled != nil {
		q = q.Where("disabled = ?", *f.Disabled)
	}
	if p.After != "" {
		after, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		q = q.Where("username > ?", after)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "users")
	}
	page := &domain.UserPage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	for i := range rows {
		page.Users = append(page.Users, rows[i].toDomain())
	}
	if n := len(page.Users); n > 0 {
		page.EndCursor = domain.CursorFor(page.Users[n-1].Username)
	}
	return page, nil
}

func (r userRepo) CreateRefreshToken(ctx context.Context, t *domain.RefreshToken) error {
	row := &refreshTokenRow{ID: t.ID, UserID: t.UserID, TokenHash: t.TokenHash, ExpiresAt: t.ExpiresAt, CreatedAt: t.CreatedAt}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "refresh token")
}

func (r userRepo) FindRefreshToken(ctx context.Context, hash string) (*domain.RefreshToken, error) {
	var row refreshTokenRow
	if err := r.idb.NewSelect().Model(&row).Where("token_hash = ?", hash).Scan(ctx); err != nil {
		return nil, translate(err, "refresh token")
	}
	return &domain.RefreshToken{ID: row.ID, UserID: row.UserID, TokenHash: row.TokenHash,
		ExpiresAt: row.ExpiresAt, RevokedAt: row.RevokedAt, CreatedAt: row.CreatedAt}, nil
}

func (r userRepo) RevokeRefreshToken(ctx context.Context, id string, at time.Time) error {
	res, err := r.idb.NewUpdate().Model((*refreshTokenRow)(nil)).Set("revoked_at = ?", at).
		Where("id = ? AND revoked_at IS NULL", id).Exec(ctx)
	if err != nil {
		return translate(err, "refresh token")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "this refresh token was already used or revoked").WithReason("auth.refresh_reused")
	}
	return nil
}

func (r userRepo) RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error {
	_, err := r.idb.NewUpdate().Model((*refreshTokenRow)(nil)).Set("revoked_at = ?", at).
		Where("user_id = ? AND revoked_at IS NULL", userID).Exec(ctx)
	return translate(err, "refresh tokens")
}

func (r userRepo) PruneRefreshTokens(ctx context.Context, before time.Time) (int, error) {
	res, err := r.idb.NewDelete().Model((*refreshTokenRow)(nil)).Where("expires_at < ?", before.UTC()).Exec(ctx)
	if err != nil {
		return 0, translate(err, "refresh tokens")
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (r userRepo) TokenGeneration(ctx context.Context, userID string) (int, error) {
	var gen int
	err := r.idb.NewSelect().Model((*userRow)(nil)).Column("token_generation").Where("id = ?", userID).Scan(ctx, &gen)
	if err != nil {
		return 0, translate(err, "user")
	}
	return gen, nil
}

func (r userRepo) RevokeAccessTokens(ctx context.Context, userID string) error {
	_, err := r.idb.NewUpdate().Model((*userRow)(nil)).Set("token_generation = token_generation + 1").
		Where("id = ?", userID).Exec(ctx)
	return translate(err, "user")
}
