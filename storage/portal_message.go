package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// portalMessageRow is the bun model of portal_messages.
type portalMessageRow struct {
	bun.BaseModel `bun:"table:portal_messages"`
	ID            string     `bun:"id,pk"`
	ClientUserID  string     `bun:"client_user_id"`
	ClientID      string     `bun:"client_id"`
	Kind          string     `bun:"kind"`
	ApplicationID string     `bun:"application_id,nullzero"`
	CaseID        string     `bun:"case_id,nullzero"`
	Office        string     `bun:"office"`
	Subject       string     `bun:"subject"`
	Body          string     `bun:"body"`
	Status        string     `bun:"status"`
	DeadlineAt    time.Time  `bun:"deadline_at"`
	Answer        string     `bun:"answer"`
	AnsweredBy    string     `bun:"answered_by"`
	AnsweredAt    *time.Time `bun:"answered_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
	Version       int        `bun:"version"`
}

func (r *portalMessageRow) toDomain() *domain.PortalMessage {
	return &domain.PortalMessage{ID: r.ID, ClientUserID: r.ClientUserID, ClientID: r.ClientID, Kind: domain.PortalMessageKind(r.Kind),
		ApplicationID: r.ApplicationID, CaseID: r.CaseID, Office: r.Office, Subject: r.Subject, Body: r.Body,
		Status: domain.PortalMessageStatus(r.Status), DeadlineAt: r.DeadlineAt, Answer: r.Answer, AnsweredBy: r.AnsweredBy,
		AnsweredAt: r.AnsweredAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

type portalMessageRepo struct{ idb bun.IDB }

func (r portalMessageRepo) CreatePortalMessage(ctx context.Context, m *domain.PortalMessage) error {
	row := &portalMessageRow{ID: m.ID, ClientUserID: m.ClientUserID, ClientID: m.ClientID, Kind: string(m.Kind), ApplicationID: m.ApplicationID,
		CaseID: m.CaseID, Office: m.Office, Subject: m.Subject, Body: m.Body, Status: string(m.Status), DeadlineAt: m.DeadlineAt.UTC(),
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(), Version: 1}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	if err == nil {
		m.Version = 1
	}
	return translate(err, "portal message")
}

func (r portalMessageRepo) FindPortalMessage(ctx context.Context, id string) (*domain.PortalMessage, error) {
	var row portalMessageRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "portal message")
	}
	return row.toDomain(), nil
}

func (r portalMessageRepo) UpdatePortalMessage(ctx context.Context, m *domain.PortalMessage) error {
	var answered *time.Time
	if m.AnsweredAt != nil {
		t := m.AnsweredAt.UTC()
		answered = &t
	}
	res, err := r.idb.NewUpdate().Model((*portalMessageRow)(nil)).
		Set("status = ?", string(m.Status)).Set("answer = ?", m.Answer).Set("answered_by = ?", m.AnsweredBy).
		Set("answered_at = ?", answered).Set("updated_at = ?", m.UpdatedAt.UTC()).Set("version = version + 1").
		Where("id = ? AND version = ?", m.ID, m.Version).Exec(ctx)
	if err != nil {
		return translate(err, "portal message")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the message changed meanwhile; reload it").WithReason("message.stale")
	}
	m.Version++
	return nil
}

func (r portalMessageRepo) FindPortalMessages(ctx context.Context, f domain.PortalMessageFilter, p domain.Page) (*domain.PortalMessagePage, error) {
	var rows []portalMessageRow
	q := r.idb.NewSelect().Model(&rows).Order("id DESC").Limit(int64(p.First + 1))
	if f.ClientUserID != "" {
		q = q.Where("client_user_id = ?", f.ClientUserID)
	}
	if f.OfficePrefix != "" {
		q = q.Where("office LIKE ? ESCAPE '\\'", likePrefix(f.OfficePrefix))
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if f.OverdueAt != nil {
		q = q.Where("status = ? AND deadline_at < ?", string(domain.MessageOpen), f.OverdueAt.UTC())
	}
	if p.After != "" {
		after, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		q = q.Where("id < ?", after)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "portal messages")
	}
	page := &domain.PortalMessagePage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	for i := range rows {
		page.Messages = append(page.Messages, rows[i].toDomain())
	}
	if n := len(page.Messages); n > 0 {
		page.EndCursor = domain.CursorFor(page.Messages[n-1].ID)
	}
	return page, nil
}
