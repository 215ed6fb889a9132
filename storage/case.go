package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// caseRow is the bun model of cases.
type caseRow struct {
	bun.BaseModel        `bun:"table:cases"`
	ID                   string     `bun:"id,pk"`
	Kind                 string     `bun:"kind"`
	Side                 string     `bun:"side"`
	CollabNo             string     `bun:"collab_no"`
	Status               string     `bun:"status"`
	AcceptanceOffice     string     `bun:"acceptance_office"`
	RegistrationOffice   string     `bun:"registration_office"`
	RegistrationProvince string     `bun:"registration_province"`
	Office               string     `bun:"office"`
	Applicant            string     `bun:"applicant"`
	Ministry             string     `bun:"ministry"`
	Result               string     `bun:"result"`
	DeadlineAt           *time.Time `bun:"deadline_at"`
	CreatedBy            string     `bun:"created_by"`
	CreatedAt            time.Time  `bun:"created_at"`
	UpdatedAt            time.Time  `bun:"updated_at"`
	Version              int        `bun:"version"`
}

func jsonText(b json.RawMessage) string {
	if len(b) == 0 {
		return "{}"
	}
	return string(b)
}

func caseFromDomain(c *domain.Case) *caseRow {
	return &caseRow{ID: c.ID, Kind: string(c.Kind), Side: string(c.Side), CollabNo: c.CollabNo, Status: string(c.Status),
		AcceptanceOffice: c.AcceptanceOffice, RegistrationOffice: c.RegistrationOffice, RegistrationProvince: c.RegistrationProvince,
		Office: c.Office, Applicant: jsonText(c.Applicant), Ministry: jsonText(c.Ministry), Result: jsonText(c.Result),
		DeadlineAt: c.DeadlineAt, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), Version: c.Version}
}

func (r *caseRow) toDomain() *domain.Case {
	return &domain.Case{ID: r.ID, Kind: domain.CaseKind(r.Kind), Side: domain.Side(r.Side), CollabNo: r.CollabNo,
		Status: domain.CaseStatus(r.Status), AcceptanceOffice: strings.TrimSpace(r.AcceptanceOffice),
		RegistrationOffice: strings.TrimSpace(r.RegistrationOffice), RegistrationProvince: strings.TrimSpace(r.RegistrationProvince),
		Office: strings.TrimSpace(r.Office), Applicant: json.RawMessage(r.Applicant), Ministry: json.RawMessage(r.Ministry),
		Result: json.RawMessage(r.Result), DeadlineAt: r.DeadlineAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// caseActionRow is the bun model of case_actions, which only ever gets INSERTs.
type caseActionRow struct {
	bun.BaseModel `bun:"table:case_actions"`
	ID            string    `bun:"id,pk"`
	CaseID        string    `bun:"case_id"`
	Seq           int       `bun:"seq"`
	Action        string    `bun:"action"`
	FromStatus    string    `bun:"from_status"`
	ToStatus      string    `bun:"to_status"`
	ActorID       string    `bun:"actor_id"`
	ActorName     string    `bun:"actor_name"`
	Office        string    `bun:"office"`
	MessageID     string    `bun:"message_id"`
	Note          string    `bun:"note"`
	Data          string    `bun:"data"`
	At            time.Time `bun:"at"`
}

type caseRepo struct{ idb bun.IDB }

// casePersonRow is the bun model of case_people.
type casePersonRow struct {
	bun.BaseModel `bun:"table:case_people"`
	CaseID        string `bun:"case_id,pk"`
	Seq           int    `bun:"seq,pk"`
	Name          string `bun:"name"`
	IDNumber      string `bun:"id_number"`
}

func (r caseRepo) CreateCase(ctx context.Context, c *domain.Case) error {
	c.Version = 1
	if _, err := r.idb.NewInsert().Model(caseFromDomain(c)).Exec(ctx); err != nil {
		return translate(err, "case "+c.CollabNo)
	}
	return r.savePeople(ctx, c)
}

// savePeople replaces the case's persons when the engine set them (nil
// leaves them as they are).
func (r caseRepo) savePeople(ctx context.Context, c *domain.Case) error {
	if c.People == nil {
		return nil
	}
	if _, err := r.idb.NewDelete().Model((*casePersonRow)(nil)).Where("case_id = ?", c.ID).Exec(ctx); err != nil {
		return translate(err, "case persons")
	}
	if len(c.People) == 0 {
		return nil
	}
	rows := make([]casePersonRow, len(c.People))
	for i, p := range c.People {
		rows[i] = casePersonRow{CaseID: c.ID, Seq: i + 1, Name: p.Name, IDNumber: p.IDNumber}
	}
	_, err := r.idb.NewInsert().Model(&rows).Exec(ctx)
	return translate(err, "case persons")
}

// loadPeople fills the People of cases with one query.
func (r caseRepo) loadPeople(ctx context.Context, cases ...*domain.Case) error {
	if len(cases) == 0 {
		return nil
	}
	ids := make([]string, len(cases))
	byID := make(map[string]*domain.Case, len(cases))
	for i, c := range cases {
		ids[i], byID[c.ID] = c.ID, c
		c.People = []domain.CasePerson{}
	}
	var rows []casePersonRow
	if err := r.idb.NewSelect().Model(&rows).Where("case_id IN (?)", bun.List(ids)).Order("case_id", "seq").Scan(ctx); err != nil {
		return translate(err, "case persons")
	}
	for _, p := range rows {
		c := byID[p.CaseID]
		c.People = append(c.People, domain.CasePerson{Name: p.Name, IDNumber: strings.TrimSpace(p.IDNumber)})
	}
	return nil
}

func (r caseRepo) FindCaseByID(ctx context.Context, id string) (*domain.Case, error) {
	var row caseRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "case")
	}
	c := row.toDomain()
	return c, r.loadPeople(ctx, c)
}

func (r caseRepo) FindCaseByCollabNo(ctx context.Context, collabNo string, side domain.Side) (*domain.Case, error) {
	var row caseRow
	if err := r.idb.NewSelect().Model(&row).Where("collab_no = ? AND side = ?", collabNo, side).Scan(ctx); err != nil {
		return nil, translate(err, "case "+collabNo)
	}
	c := row.toDomain()
	return c, r.loadPeople(ctx, c)
}

func (r caseRepo) UpdateCase(ctx context.Context, c *domain.Case) error {
	row := caseFromDomain(c)
	row.Version = c.Version + 1
	res, err := r.idb.NewUpdate().Model(row).
		Column("status", "registration_office", "office", "applicant", "ministry", "result", "deadline_at", "updated_at", "version").
		Where("id = ? AND version = ?", c.ID, c.Version).Exec(ctx)
	if err != nil {
		return translate(err, "case")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the case was changed by someone else meanwhile; reload it and try again").WithReason("case.stale")
	}
	c.Version = row.Version
	return r.savePeople(ctx, c)
}

func (r caseRepo) AppendCaseAction(ctx context.Context, a *domain.CaseAction) error {
	var seq int
	if err := r.idb.NewRaw("SELECT coalesce(max(seq), 0) + 1 FROM case_actions WHERE case_id = ?", a.CaseID).Scan(ctx, &seq); err != nil {
		return translate(err, "case history")
	}
	a.Seq = seq
	row := &caseActionRow{ID: a.ID, CaseID: a.CaseID, Seq: a.Seq, Action: string(a.Action), FromStatus: string(a.From), ToStatus: string(a.To),
		ActorID: a.ActorID, ActorName: a.ActorName, Office: a.Office, MessageID: a.MessageID, Note: a.Note,
		Data: jsonText(a.Data), At: a.At.UTC()}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "case history")
}

func (r caseRepo) FindCaseActions(ctx context.Context, caseID string) ([]*domain.CaseAction, error) {
	var rows []caseActionRow
	if err := r.idb.NewSelect().Model(&rows).Where("case_id = ?", caseID).Order("seq").Scan(ctx); err != nil {
		return nil, translate(err, "case history")
	}
	out := make([]*domain.CaseAction, len(rows))
	for i, a := range rows {
		out[i] = &domain.CaseAction{ID: a.ID, CaseID: a.CaseID, Seq: a.Seq, Action: domain.Action(a.Action), From: domain.CaseStatus(a.FromStatus),
			To: domain.CaseStatus(a.ToStatus), ActorID: a.ActorID, ActorName: a.ActorName, Office: a.Office,
			MessageID: a.MessageID, Note: a.Note, Data: json.RawMessage(a.Data), At: a.At}
	}
	return out, nil
}

func (r caseRepo) FindCases(ctx context.Context, f domain.CaseFilter, p domain.Page) (*domain.CasePage, error) {
	order := cmp.Or(f.Order, domain.CaseOrderUpdatedDesc)
	col, desc, ok := caseOrderColumn(order)
	if !ok {
		return nil, domain.FieldErrorf("orderBy", "unknown order %q", order).WithReason("case.order")
	}
	dir, cmpOp := "ASC", ">"
	if desc {
		dir, cmpOp = "DESC", "<"
	}
	var rows []caseRow
	q := r.filterCases(r.idb.NewSelect().Model(&rows), f).Order(col+" "+dir, "id "+dir).Limit(int64(p.First + 1))
	if p.After != "" {
		key, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		// A cursor is "<order>|<value>|<id>" (time values in Unix nanoseconds); the
		// first pages' cursors, before orders, are "<nanos>|<id>" of UPDATED_DESC.
		parts := strings.SplitN(key, "|", 3)
		if len(parts) == 2 {
			parts = []string{string(domain.CaseOrderUpdatedDesc), parts[0], parts[1]}
		}
		if len(parts) != 3 || domain.CaseOrder(parts[0]) != order {
			return nil, domain.FieldErrorf("after", "the cursor is not one of this order; start again from the first page").WithReason("page.cursor")
		}
		var value any = parts[1]
		if col != "collab_no" {
			nanos, err := strconv.ParseInt(parts[1], 10, 64)
			if err != nil {
				return nil, domain.FieldErrorf("after", "the cursor is not one this server issued; start again from the first page").WithReason("page.cursor")
			}
			value = time.Unix(0, nanos).UTC()
		}
		q = q.Where("("+col+" "+cmpOp+" ? OR ("+col+" = ? AND id "+cmpOp+" ?))", value, value, parts[2])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "cases")
	}
	page := &domain.CasePage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	page.Cases = mapRows(rows, (*caseRow).toDomain)
	if err := r.loadPeople(ctx, page.Cases...); err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		value := last.CollabNo
		switch col {
		case "updated_at":
			value = strconv.FormatInt(last.UpdatedAt.UnixNano(), 10)
		case "created_at":
			value = strconv.FormatInt(last.CreatedAt.UnixNano(), 10)
		}
		page.EndCursor = encodeCursor(string(order) + "|" + value + "|" + last.ID)
	}
	return page, nil
}

// caseOrderColumn is the column an order sorts on and whether descending.
func caseOrderColumn(o domain.CaseOrder) (col string, desc, ok bool) {
	switch o {
	case domain.CaseOrderUpdatedDesc:
		return "updated_at", true, true
	case domain.CaseOrderUpdatedAsc:
		return "updated_at", false, true
	case domain.CaseOrderCreatedDesc:
		return "created_at", true, true
	case domain.CaseOrderCreatedAsc:
		return "created_at", false, true
	case domain.CaseOrderCollabNoAsc:
		return "collab_no", false, true
	case domain.CaseOrderCollabNoDesc:
		return "collab_no", true, true
	}
	return "", false, false
}

// filterCases adds f's conditions to q, a select of caseRow.
func (r caseRepo) filterCases(q *bun.SelectQuery, f domain.CaseFilter) *bun.SelectQuery {
	if f.OfficePrefix != "" {
		q = q.Where("office LIKE ? ESCAPE '\\'", likePrefix(f.OfficePrefix))
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Side != "" {
		q = q.Where("side = ?", f.Side)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN (?)", bun.List(f.Statuses))
	}
	if f.CollabNo != "" {
		q = q.Where("collab_no = ?", f.CollabNo)
	}
	if f.OverdueAt != nil {
		q = q.Where("deadline_at < ?", f.OverdueAt.UTC())
	}
	if f.Person != "" {
		people := r.idb.NewSelect().TableExpr("case_people AS p").ColumnExpr("1").Where("p.case_id = case_row.id")
		if domain.IsCaseIDNumberSearch(f.Person) {
			people = people.Where("p.id_number = ?", f.Person)
		} else {
			people = people.Where("p.name LIKE ? ESCAPE '\\'", likePrefix(f.Person))
		}
		q = q.Where("EXISTS (?)", people)
	}
	if f.CreatedFrom != nil {
		q = q.Where("created_at >= ?", f.CreatedFrom.UTC())
	}
	if f.CreatedBefore != nil {
		q = q.Where("created_at < ?", f.CreatedBefore.UTC())
	}
	return q
}

// CountCases counts the cases f selects (the case list's total, asked for on demand).
func (r caseRepo) CountCases(ctx context.Context, f domain.CaseFilter) (int, error) {
	n, err := r.filterCases(r.idb.NewSelect().Model((*caseRow)(nil)), f).Count(ctx)
	if err != nil {
		return 0, translate(err, "cases")
	}
	return int(n), nil
}

func (r caseRepo) CountQueues(ctx context.Context, officePrefix string, now time.Time) ([]domain.QueueCount, error) {
	var rows []struct {
		Kind         string     `bun:"kind"`
		Side         string     `bun:"side"`
		Status       string     `bun:"status"`
		N            int        `bun:"n"`
		Overdue      int        `bun:"overdue"`
		NextDeadline *time.Time `bun:"next_deadline"`
	}
	err := r.idb.NewRaw(`SELECT kind, side, status, count(*) AS n,
		COALESCE(sum(CASE WHEN deadline_at < ? THEN 1 ELSE 0 END), 0) AS overdue, min(deadline_at) AS next_deadline
		FROM cases WHERE office LIKE ? ESCAPE '\'
		GROUP BY kind, side, status ORDER BY kind, side, status`, now.UTC(), likePrefix(officePrefix)).Scan(ctx, &rows)
	if err != nil {
		return nil, translate(err, "queues")
	}
	out := make([]domain.QueueCount, len(rows))
	for i, row := range rows {
		out[i] = domain.QueueCount{Kind: domain.CaseKind(row.Kind), Side: domain.Side(row.Side), Status: domain.CaseStatus(row.Status),
			Count: row.N, Overdue: row.Overdue, NextDeadline: row.NextDeadline}
	}
	return out, nil
}

// caseKeyRow is the bun model of case_keys: the unique keys live cases hold.
type caseKeyRow struct {
	bun.BaseModel `bun:"table:case_keys"`
	Kind          string    `bun:"kind,pk"`
	Side          string    `bun:"side,pk"`
	Key           string    `bun:"key,pk"`
	CaseID        string    `bun:"case_id"`
	CollabNo      string    `bun:"collab_no"`
	CreatedAt     time.Time `bun:"created_at"`
}

func (r caseRepo) ClaimCaseKey(ctx context.Context, k *domain.CaseKey) error {
	_, err := r.idb.NewInsert().Model(&caseKeyRow{Kind: string(k.Kind), Side: string(k.Side), Key: k.Key, CaseID: k.CaseID,
		CollabNo: k.CollabNo, CreatedAt: k.CreatedAt.UTC()}).Exec(ctx)
	return translate(err, "case key "+k.Key)
}

func (r caseRepo) FindCaseKey(ctx context.Context, kind domain.CaseKind, side domain.Side, key string) (*domain.CaseKey, error) {
	var row caseKeyRow
	if err := r.idb.NewSelect().Model(&row).Where("kind = ? AND side = ? AND key = ?", kind, side, key).Scan(ctx); err != nil {
		return nil, translate(err, "case key "+key)
	}
	return &domain.CaseKey{Kind: domain.CaseKind(row.Kind), Side: domain.Side(row.Side), Key: row.Key, CaseID: row.CaseID,
		CollabNo: row.CollabNo, CreatedAt: row.CreatedAt}, nil
}

func (r caseRepo) ReleaseCaseKeys(ctx context.Context, caseID string) error {
	_, err := r.idb.NewDelete().TableExpr("case_keys").Where("case_id = ?", caseID).Exec(ctx)
	return translate(err, "case keys")
}

// caseForwardRow is the bun model of case_forwards: scheduled messages.
type caseForwardRow struct {
	bun.BaseModel `bun:"table:case_forwards"`
	ID            string     `bun:"id,pk"`
	CaseID        string     `bun:"case_id"`
	Kind          string     `bun:"kind"`
	MessageType   string     `bun:"message_type"`
	Message       string     `bun:"message"`
	SavedBy       string     `bun:"saved_by"`
	CreatedAt     time.Time  `bun:"created_at"`
	DueAt         time.Time  `bun:"due_at"`
	SentAt        *time.Time `bun:"sent_at"`
	MessageID     string     `bun:"message_id"`
}

func (r *caseForwardRow) toDomain() *domain.CaseForward {
	return &domain.CaseForward{ID: r.ID, CaseID: r.CaseID, Kind: domain.CaseKind(r.Kind), MessageType: domain.MessageType(r.MessageType),
		Message: json.RawMessage(r.Message), SavedBy: r.SavedBy, CreatedAt: r.CreatedAt, DueAt: r.DueAt, SentAt: r.SentAt, MessageID: r.MessageID}
}

func (r caseRepo) CreateCaseForward(ctx context.Context, f *domain.CaseForward) error {
	_, err := r.idb.NewInsert().Model(&caseForwardRow{ID: f.ID, CaseID: f.CaseID, Kind: string(f.Kind), MessageType: string(f.MessageType),
		Message: jsonText(f.Message), SavedBy: f.SavedBy, CreatedAt: f.CreatedAt.UTC(), DueAt: f.DueAt.UTC()}).Exec(ctx)
	return translate(err, "case forward")
}

func (r caseRepo) FindPendingForwards(ctx context.Context, limit int) ([]*domain.CaseForward, error) {
	var rows []caseForwardRow
	if err := r.idb.NewSelect().Model(&rows).Where("sent_at IS NULL").Order("created_at", "id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, translate(err, "case forwards")
	}
	return mapRows(rows, (*caseForwardRow).toDomain), nil
}

func (r caseRepo) MarkForwardSent(ctx context.Context, id string, at time.Time, messageID string) error {
	res, err := r.idb.NewUpdate().TableExpr("case_forwards").Set("sent_at = ?", at.UTC()).Set("message_id = ?", messageID).
		Where("id = ? AND sent_at IS NULL", id).Exec(ctx)
	if err != nil {
		return translate(err, "case forward")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "forward %s was already sent", id).WithReason("case.forward_sent")
	}
	return nil
}

func (r caseRepo) FindCaseForwards(ctx context.Context, caseID string) ([]*domain.CaseForward, error) {
	var rows []caseForwardRow
	if err := r.idb.NewSelect().Model(&rows).Where("case_id = ?", caseID).Order("created_at", "id").Scan(ctx); err != nil {
		return nil, translate(err, "case forwards")
	}
	return mapRows(rows, (*caseForwardRow).toDomain), nil
}
