package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// onlineRow is the bun model of online_applications.
type onlineRow struct {
	bun.BaseModel `bun:"table:online_applications"`
	ID            string  `bun:"id,pk"`
	ClientUserID  string  `bun:"client_user_id"`
	ClientID      string  `bun:"client_id"`
	Kind          string  `bun:"kind"`
	Office        string  `bun:"office"`
	Reference     string  `bun:"reference"`
	Data          string  `bun:"data"`
	Materials     string  `bun:"materials"`
	Status        string  `bun:"status"`
	CaseID        *string `bun:"case_id"`
	CollabNo      string  `bun:"collab_no"`
	CaseStatus    string  `bun:"case_status"`
	Result        string  `bun:"result"`
	// Corrections is OnlineApplication.CounterCorrections as JSON, "" for none.
	Corrections string    `bun:"counter_corrections"`
	Reason      string    `bun:"reason"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
	Version     int       `bun:"version"`
}

func onlineRowOf(a *domain.OnlineApplication) (*onlineRow, error) {
	materials, err := json.Marshal(a.Materials)
	if err != nil {
		return nil, fmt.Errorf("encode the materials of online application %s: %w", a.ID, err)
	}
	row := &onlineRow{ID: a.ID, ClientUserID: a.ClientUserID, ClientID: a.ClientID, Kind: string(a.Kind), Office: a.Office,
		Reference: a.Reference, Data: string(a.Data), Materials: string(materials), Status: string(a.Status), CollabNo: a.CollabNo,
		CaseStatus: string(a.CaseStatus), Result: string(a.Result), Reason: a.Reason, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), Version: a.Version}
	if a.CaseID != "" {
		row.CaseID = &a.CaseID
	}
	if len(a.CounterCorrections) > 0 {
		raw, err := json.Marshal(a.CounterCorrections)
		if err != nil {
			return nil, fmt.Errorf("encode the counter corrections of online application %s: %w", a.ID, err)
		}
		row.Corrections = string(raw)
	}
	return row, nil
}

func (r *onlineRow) toDomain() (*domain.OnlineApplication, error) {
	a := &domain.OnlineApplication{ID: r.ID, ClientUserID: r.ClientUserID, ClientID: r.ClientID, Kind: domain.CaseKind(r.Kind),
		Office: r.Office, Reference: r.Reference, Data: json.RawMessage(r.Data), Status: domain.OnlineStatus(r.Status),
		CollabNo: r.CollabNo, CaseStatus: domain.CaseStatus(r.CaseStatus), Reason: r.Reason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
	if r.CaseID != nil {
		a.CaseID = *r.CaseID
	}
	if r.Result != "" {
		a.Result = json.RawMessage(r.Result)
	}
	if err := json.Unmarshal([]byte(r.Materials), &a.Materials); err != nil {
		return nil, fmt.Errorf("decode the materials of online application %s: %w", r.ID, err)
	}
	if r.Corrections != "" {
		if err := json.Unmarshal([]byte(r.Corrections), &a.CounterCorrections); err != nil {
			return nil, fmt.Errorf("decode the counter corrections of online application %s: %w", r.ID, err)
		}
	}
	return a, nil
}

// webhookRow is the bun model of webhook_deliveries.
type webhookRow struct {
	bun.BaseModel `bun:"table:webhook_deliveries"`
	ID            string     `bun:"id,pk"`
	ClientUserID  string     `bun:"client_user_id"`
	ApplicationID string     `bun:"application_id,nullzero"`
	Seq           int        `bun:"seq"`
	Payload       string     `bun:"payload"`
	Status        string     `bun:"status"`
	Attempts      int        `bun:"attempts"`
	LastError     string     `bun:"last_error"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
	DeliveredAt   *time.Time `bun:"delivered_at"`
}

func (r *webhookRow) toDomain() *domain.WebhookDelivery {
	return &domain.WebhookDelivery{ID: r.ID, ClientUserID: r.ClientUserID, ApplicationID: r.ApplicationID, Seq: r.Seq,
		Payload: json.RawMessage(r.Payload), Status: domain.WebhookStatus(r.Status), Attempts: r.Attempts, LastError: r.LastError,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DeliveredAt: r.DeliveredAt}
}

type onlineRepo struct{ idb bun.IDB }

func (r onlineRepo) CreateOnlineApplication(ctx context.Context, a *domain.OnlineApplication) error {
	row, err := onlineRowOf(a)
	if err != nil {
		return err
	}
	row.Version = 1
	_, err = r.idb.NewInsert().Model(row).Exec(ctx)
	if err == nil {
		a.Version = 1
	}
	return translate(err, "online application")
}

func (r onlineRepo) find(ctx context.Context, where string, arg any) (*domain.OnlineApplication, error) {
	var row onlineRow
	if err := r.idb.NewSelect().Model(&row).Where(where, arg).Scan(ctx); err != nil {
		return nil, translate(err, "online application")
	}
	return row.toDomain()
}

func (r onlineRepo) FindOnlineApplication(ctx context.Context, id string) (*domain.OnlineApplication, error) {
	return r.find(ctx, "id = ?", id)
}

func (r onlineRepo) FindOnlineApplicationByCase(ctx context.Context, caseID string) (*domain.OnlineApplication, error) {
	return r.find(ctx, "case_id = ?", caseID)
}

func (r onlineRepo) UpdateOnlineApplication(ctx context.Context, a *domain.OnlineApplication) error {
	row, err := onlineRowOf(a)
	if err != nil {
		return err
	}
	res, err := r.idb.NewUpdate().Model((*onlineRow)(nil)).
		Set("status = ?", row.Status).Set("case_id = ?", row.CaseID).Set("collab_no = ?", row.CollabNo).
		Set("case_status = ?", row.CaseStatus).Set("result = ?", row.Result).Set("reason = ?", row.Reason).
		Set("counter_corrections = ?", row.Corrections).
		Set("updated_at = ?", row.UpdatedAt).Set("version = version + 1").
		Where("id = ? AND version = ?", a.ID, a.Version).Exec(ctx)
	if err != nil {
		return translate(err, "online application")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the online application changed meanwhile; reload it").WithReason("online.stale")
	}
	a.Version++
	return nil
}

func (r onlineRepo) FindOnlineApplications(ctx context.Context, f domain.OnlineFilter, p domain.Page) (*domain.OnlinePage, error) {
	var rows []onlineRow
	q := r.idb.NewSelect().Model(&rows).Order("id DESC").Limit(int64(p.First + 1))
	if f.ClientUserID != "" {
		q = q.Where("client_user_id = ?", f.ClientUserID)
	}
	if f.OfficePrefix != "" {
		q = q.Where("office LIKE ? ESCAPE '\\'", likePrefix(f.OfficePrefix))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		q = q.Where("status IN (?)", bun.List(statuses))
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", string(f.Kind))
	}
	if p.After != "" {
		after, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		q = q.Where("id < ?", after) // IDs never change: the cursor is stable whatever else changes
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "online applications")
	}
	page := &domain.OnlinePage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	for i := range rows {
		a, err := rows[i].toDomain()
		if err != nil {
			return nil, err
		}
		page.Applications = append(page.Applications, a)
	}
	if n := len(page.Applications); n > 0 {
		page.EndCursor = domain.CursorFor(page.Applications[n-1].ID)
	}
	return page, nil
}

func (r onlineRepo) CreateWebhookDelivery(ctx context.Context, d *domain.WebhookDelivery) error {
	var last int
	if d.ApplicationID != "" { // deliveries about no application (a message's answer) stand alone
		if err := r.idb.NewSelect().Model((*webhookRow)(nil)).ColumnExpr("COALESCE(MAX(seq), 0)").
			Where("application_id = ?", d.ApplicationID).Scan(ctx, &last); err != nil {
			return translate(err, "webhook delivery")
		}
	}
	d.Seq = last + 1
	row := &webhookRow{ID: d.ID, ClientUserID: d.ClientUserID, ApplicationID: d.ApplicationID, Seq: d.Seq, Payload: string(d.Payload),
		Status: string(d.Status), Attempts: d.Attempts, LastError: d.LastError, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "webhook delivery")
}

func (r onlineRepo) FindWebhookDelivery(ctx context.Context, id string) (*domain.WebhookDelivery, error) {
	var row webhookRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "webhook delivery")
	}
	return row.toDomain(), nil
}

func (r onlineRepo) UpdateWebhookDelivery(ctx context.Context, d *domain.WebhookDelivery) error {
	var delivered *time.Time
	if d.DeliveredAt != nil {
		t := d.DeliveredAt.UTC()
		delivered = &t
	}
	_, err := r.idb.NewUpdate().Model((*webhookRow)(nil)).
		Set("payload = ?", string(d.Payload)).Set("status = ?", string(d.Status)).Set("attempts = ?", d.Attempts).
		Set("last_error = ?", d.LastError).Set("updated_at = ?", d.UpdatedAt.UTC()).Set("delivered_at = ?", delivered).
		Where("id = ?", d.ID).Exec(ctx)
	return translate(err, "webhook delivery")
}

func (r onlineRepo) FindWebhookDeliveries(ctx context.Context, status domain.WebhookStatus, limit int) ([]*domain.WebhookDelivery, error) {
	var rows []webhookRow
	q := r.idb.NewSelect().Model(&rows).Order("created_at", "id").Limit(int64(limit))
	if status != "" {
		q = q.Where("status = ?", string(status))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "webhook deliveries")
	}
	out := make([]*domain.WebhookDelivery, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}
