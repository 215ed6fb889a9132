package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// officeRow is the bun model of offices.
type officeRow struct {
	bun.BaseModel `bun:"table:offices"`
	Code          string    `bun:"code,pk"`
	Name          string    `bun:"name"`
	Level         string    `bun:"level"`
	ParentCode    *string   `bun:"parent_code"`
	Division      string    `bun:"division"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:current_timestamp"`
	UpdatedAt     time.Time `bun:"updated_at,nullzero,default:current_timestamp"`
	Version       int       `bun:"version"`
}

func (r *officeRow) toDomain() *domain.Office {
	o := &domain.Office{Code: r.Code, Name: r.Name, Level: domain.OfficeLevel(r.Level), Division: r.Division,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
	if r.ParentCode != nil {
		o.ParentCode = *r.ParentCode
	}
	return o
}

func officeFromDomain(o *domain.Office) *officeRow {
	r := &officeRow{Code: o.Code, Name: o.Name, Level: string(o.Level), Division: o.Division,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Version: max(o.Version, 1)}
	if o.ParentCode != "" {
		r.ParentCode = &o.ParentCode
	}
	return r
}

type officeRepo struct{ idb bun.IDB }

func (r officeRepo) FindOfficeByCode(ctx context.Context, code string) (*domain.Office, error) {
	var row officeRow
	if err := r.idb.NewSelect().Model(&row).Where("code = ?", code).Scan(ctx); err != nil {
		return nil, translate(err, "office "+code)
	}
	return row.toDomain(), nil
}

func (r officeRepo) FindOfficesByCodes(ctx context.Context, codes []string) ([]*domain.Office, error) {
	var rows []officeRow
	if err := r.idb.NewSelect().Model(&rows).Where("code IN (?)", bun.List(codes)).Scan(ctx); err != nil {
		return nil, translate(err, "offices")
	}
	return mapRows(rows, (*officeRow).toDomain), nil
}

func (r officeRepo) FindOffices(ctx context.Context, prefix string) ([]*domain.Office, error) {
	var rows []officeRow
	if err := r.idb.NewSelect().Model(&rows).Where("code LIKE ? ESCAPE '\\'", likePrefix(prefix)).Order("code").Scan(ctx); err != nil {
		return nil, translate(err, "offices")
	}
	return mapRows(rows, (*officeRow).toDomain), nil
}

func (r officeRepo) UpsertOffice(ctx context.Context, o *domain.Office) error {
	row := officeFromDomain(o)
	_, err := r.idb.NewInsert().Model(row).
		On("CONFLICT (code) DO UPDATE").
		Set("name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code, division = EXCLUDED.division").
		Set("updated_at = CURRENT_TIMESTAMP, version = ?TableAlias.version + 1").
		Exec(ctx)
	return translate(err, "office "+o.Code)
}

// addressRow is the bun model of addresses.
type addressRow struct {
	bun.BaseModel `bun:"table:addresses"`
	ID            string    `bun:"id,pk"`
	Division      string    `bun:"division"`
	Detail        string    `bun:"detail"`
	UrbanRural    string    `bun:"urban_rural"`
	StationCode   string    `bun:"station_code"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:current_timestamp"`
	UpdatedAt     time.Time `bun:"updated_at,nullzero,default:current_timestamp"`
	Version       int       `bun:"version"`
}

func (r *addressRow) toDomain() *domain.Address {
	return &domain.Address{ID: r.ID, Division: r.Division, Detail: r.Detail, UrbanRural: r.UrbanRural,
		StationCode: r.StationCode, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// householdRow is the bun model of households.
type householdRow struct {
	bun.BaseModel `bun:"table:households"`
	ID            string     `bun:"id,pk"`
	Number        string     `bun:"number"`
	Type          string     `bun:"type"`
	AddressID     string     `bun:"address_id"`
	StationCode   string     `bun:"station_code"`
	ClosedAt      *time.Time `bun:"closed_at"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:current_timestamp"`
	UpdatedAt     time.Time  `bun:"updated_at,nullzero,default:current_timestamp"`
	Version       int        `bun:"version"`
}

func (r *householdRow) toDomain() *domain.Household {
	return &domain.Household{ID: r.ID, Number: r.Number, Type: domain.HouseholdType(r.Type), AddressID: r.AddressID,
		StationCode: r.StationCode, ClosedAt: r.ClosedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

// residentMoveRow is the bun model of resident_moves.
type residentMoveRow struct {
	bun.BaseModel `bun:"table:resident_moves"`
	ID            string    `bun:"id,pk"`
	ResidentID    string    `bun:"resident_id"`
	Direction     string    `bun:"direction"`
	CollabNo      string    `bun:"collab_no"`
	Office        string    `bun:"office"`
	Place         string    `bun:"place"`
	MovedOn       time.Time `bun:"moved_on,type:date"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:current_timestamp"`
}

func (r *residentMoveRow) toDomain() *domain.ResidentMove {
	return &domain.ResidentMove{ID: r.ID, ResidentID: r.ResidentID, Direction: domain.MoveDirection(r.Direction), CollabNo: r.CollabNo,
		Office: r.Office, Place: r.Place, MovedOn: time.Date(r.MovedOn.Year(), r.MovedOn.Month(), r.MovedOn.Day(), 0, 0, 0, 0, time.UTC),
		CreatedAt: r.CreatedAt}
}

// residentRow is the bun model of residents (the resident table).
type residentRow struct {
	bun.BaseModel      `bun:"table:residents"`
	ID                 string    `bun:"id,pk"`
	HouseholdID        string    `bun:"household_id"`
	StationCode        string    `bun:"station_code"`
	Name               string    `bun:"name"`
	FormerNames        string    `bun:"former_names"`
	Sex                string    `bun:"sex"`
	Ethnicity          string    `bun:"ethnicity"`
	BirthDate          time.Time `bun:"birth_date,type:date"`
	BirthplaceDivision string    `bun:"birthplace_division"`
	IDNumber           string    `bun:"id_number"`
	Relation           string    `bun:"relation"`
	Status             string    `bun:"status"`
	Hcybsh             *string   `bun:"hcybsh"`
	CreatedAt          time.Time `bun:"created_at,nullzero,default:current_timestamp"`
	UpdatedAt          time.Time `bun:"updated_at,nullzero,default:current_timestamp"`
	Version            int       `bun:"version"`
}

func (r *residentRow) toDomain() *domain.Resident {
	return &domain.Resident{ID: r.ID, HouseholdID: r.HouseholdID, StationCode: r.StationCode, Name: r.Name,
		FormerNames: r.FormerNames, Sex: r.Sex, Ethnicity: r.Ethnicity,
		BirthDate:          time.Date(r.BirthDate.Year(), r.BirthDate.Month(), r.BirthDate.Day(), 0, 0, 0, 0, time.UTC),
		BirthplaceDivision: r.BirthplaceDivision, IDNumber: r.IDNumber, Relation: r.Relation,
		Status: domain.ResidentStatus(r.Status), Hcybsh: r.Hcybsh,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version}
}

type registerRepo struct {
	idb   bun.IDB
	stmts *stmtCache // non-nil on the PostgreSQL pool: the hot reads use prepared statements
}

// residentSelect selects the columns of residentRow, in scanResidentRow's order.
const residentSelect = `SELECT "id", "household_id", "station_code", "name", "former_names", "sex", "ethnicity", "birth_date", ` +
	`"birthplace_division", "id_number", "relation", "status", "hcybsh", "created_at", "updated_at", "version" FROM "residents"`

func scanResidentRow(s interface{ Scan(...any) error }, r *residentRow) error {
	return s.Scan(&r.ID, &r.HouseholdID, &r.StationCode, &r.Name, &r.FormerNames, &r.Sex, &r.Ethnicity, &r.BirthDate,
		&r.BirthplaceDivision, &r.IDNumber, &r.Relation, &r.Status, &r.Hcybsh, &r.CreatedAt, &r.UpdatedAt, &r.Version)
}

func (r registerRepo) FindResidentByIDNumber(ctx context.Context, idNumber string) (*domain.Resident, error) {
	var row residentRow
	if r.stmts != nil {
		st, ok, err := r.stmts.stmt(ctx, residentSelect+` WHERE "id_number" = $1`)
		if err != nil {
			return nil, translate(err, "resident with ID number "+idNumber)
		}
		if ok {
			if err := scanResidentRow(st.QueryRowContext(ctx, idNumber), &row); err != nil {
				return nil, translate(err, "resident with ID number "+idNumber)
			}
			return row.toDomain(), nil
		}
	}
	if err := r.idb.NewSelect().Model(&row).Where("id_number = ?", idNumber).Scan(ctx); err != nil {
		return nil, translate(err, "resident with ID number "+idNumber)
	}
	return row.toDomain(), nil
}

func (r registerRepo) FindResidentByID(ctx context.Context, id string) (*domain.Resident, error) {
	var row residentRow
	if err := r.idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "resident")
	}
	return row.toDomain(), nil
}

// needsJurisdictionLike reports whether f's jurisdiction prefix must be
// tested in SQL: an exact station inside the prefix already implies it (and
// the LIKE, evaluated on every row the scan visits, costs as much as the rest
// of the filter); a station outside it keeps the LIKE, which then matches nothing.
func needsJurisdictionLike(f domain.ResidentFilter) bool {
	return f.JurisdictionPrefix != "" && !(f.StationCode != "" && strings.HasPrefix(f.StationCode, f.JurisdictionPrefix))
}

func residentFilter(q *bun.SelectQuery, f domain.ResidentFilter) *bun.SelectQuery {
	if needsJurisdictionLike(f) {
		q = q.Where("station_code LIKE ? ESCAPE '\\'", likePrefix(f.JurisdictionPrefix))
	}
	if f.StationCode != "" {
		q = q.Where("station_code = ?", f.StationCode)
	}
	if f.HouseholdID != "" {
		q = q.Where("household_id = ?", f.HouseholdID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.NamePrefix != "" {
		q = q.Where("name LIKE ? ESCAPE '\\'", likePrefix(f.NamePrefix))
	}
	return q
}

// residentPageQuery is FindResidents' statement with $n placeholders for
// f and after, the same conditions as residentFilter in the same order.
func residentPageQuery(f domain.ResidentFilter, after string, limit int) (string, []any) {
	var b strings.Builder
	b.WriteString(residentSelect)
	args := make([]any, 0, 6)
	cond := func(sql string, arg any) {
		if len(args) == 0 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		args = append(args, arg)
		b.WriteString(strings.Replace(sql, "?", "$"+strconv.Itoa(len(args)), 1))
	}
	if needsJurisdictionLike(f) {
		cond(`("station_code" LIKE ? ESCAPE '\')`, likePrefix(f.JurisdictionPrefix))
	}
	if f.StationCode != "" {
		cond(`("station_code" = ?)`, f.StationCode)
	}
	if f.HouseholdID != "" {
		cond(`("household_id" = ?)`, f.HouseholdID)
	}
	if f.Status != "" {
		cond(`("status" = ?)`, string(f.Status))
	}
	if f.NamePrefix != "" {
		cond(`("name" LIKE ? ESCAPE '\')`, likePrefix(f.NamePrefix))
	}
	if after != "" {
		cond(`("id" < ?)`, after)
	}
	// The limit is part of the text, as a literal, so a generic plan knows it.
	b.WriteString(` ORDER BY "id" DESC LIMIT `)
	b.WriteString(strconv.Itoa(limit))
	return b.String(), args
}

func (r registerRepo) FindResidents(ctx context.Context, f domain.ResidentFilter, p domain.Page) (*domain.ResidentPage, error) {
	var after string
	if p.After != "" {
		var err error
		if after, err = decodeCursor(p.After); err != nil {
			return nil, err
		}
	}
	rows, err := r.findResidentPage(ctx, f, after, p.First+1)
	if err != nil {
		return nil, translate(err, "residents")
	}
	page := &domain.ResidentPage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	page.Residents = mapRows(rows, (*residentRow).toDomain)
	if len(rows) > 0 {
		page.EndCursor = encodeCursor(rows[len(rows)-1].ID)
	}
	return page, nil
}

func (r registerRepo) findResidentPage(ctx context.Context, f domain.ResidentFilter, after string, limit int) ([]residentRow, error) {
	if r.stmts != nil {
		query, args := residentPageQuery(f, after, limit)
		st, ok, err := r.stmts.stmt(ctx, query)
		if err != nil {
			return nil, err
		}
		if ok {
			rs, err := st.QueryContext(ctx, args...)
			if err != nil {
				return nil, err
			}
			defer rs.Close()
			rows := make([]residentRow, 0, limit)
			for rs.Next() {
				rows = append(rows, residentRow{})
				if err := scanResidentRow(rs, &rows[len(rows)-1]); err != nil {
					return nil, err
				}
			}
			return rows, rs.Err()
		}
	}
	var rows []residentRow
	q := residentFilter(r.idb.NewSelect().Model(&rows), f).Order("id DESC").Limit(int64(limit))
	if after != "" {
		q = q.Where("id < ?", after)
	}
	return rows, q.Scan(ctx)
}

func (r registerRepo) CountResidents(ctx context.Context, f domain.ResidentFilter) (int, error) {
	n, err := residentFilter(r.idb.NewSelect().Model((*residentRow)(nil)), f).Count(ctx)
	return int(n), translate(err, "residents")
}

func (r registerRepo) FindResidentsByHouseholdIDs(ctx context.Context, ids []string) ([]*domain.Resident, error) {
	var rows []residentRow
	if err := r.idb.NewSelect().Model(&rows).Where("household_id IN (?)", bun.List(ids)).Order("relation", "birth_date").Scan(ctx); err != nil {
		return nil, translate(err, "residents")
	}
	return mapRows(rows, (*residentRow).toDomain), nil
}

func (r registerRepo) FindHouseholdByNumber(ctx context.Context, number string) (*domain.Household, error) {
	var row householdRow
	if err := r.idb.NewSelect().Model(&row).Where("number = ?", number).Scan(ctx); err != nil {
		return nil, translate(err, "household "+number)
	}
	return row.toDomain(), nil
}

func (r registerRepo) FindHouseholdsByIDs(ctx context.Context, ids []string) ([]*domain.Household, error) {
	var rows []householdRow
	if err := r.idb.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, translate(err, "households")
	}
	return mapRows(rows, (*householdRow).toDomain), nil
}

func (r registerRepo) FindAddressesByIDs(ctx context.Context, ids []string) ([]*domain.Address, error) {
	var rows []addressRow
	if err := r.idb.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, translate(err, "addresses")
	}
	return mapRows(rows, (*addressRow).toDomain), nil
}

func (r registerRepo) CreateResident(ctx context.Context, res *domain.Resident) error {
	row := &residentRow{ID: res.ID, HouseholdID: res.HouseholdID, StationCode: res.StationCode, Name: res.Name,
		FormerNames: res.FormerNames, Sex: res.Sex, Ethnicity: res.Ethnicity, BirthDate: res.BirthDate,
		BirthplaceDivision: res.BirthplaceDivision, IDNumber: res.IDNumber, Relation: res.Relation, Status: string(res.Status),
		Hcybsh: res.Hcybsh, CreatedAt: res.CreatedAt, UpdatedAt: res.UpdatedAt, Version: 1}
	_, err := r.idb.NewInsert().Model(row).ExcludeColumn("hcybsh").Exec(ctx)
	return translate(err, "resident with ID number "+res.IDNumber)
}

func (r registerRepo) UpdateResident(ctx context.Context, res *domain.Resident) error {
	row := &residentRow{ID: res.ID, Name: res.Name, FormerNames: res.FormerNames, Sex: res.Sex, Ethnicity: res.Ethnicity,
		BirthDate: res.BirthDate, BirthplaceDivision: res.BirthplaceDivision, IDNumber: res.IDNumber, Relation: res.Relation,
		Status: string(res.Status), UpdatedAt: res.UpdatedAt, Version: res.Version + 1}
	result, err := r.idb.NewUpdate().Model(row).
		Column("name", "former_names", "sex", "ethnicity", "birth_date", "birthplace_division", "id_number", "relation", "status", "updated_at", "version").
		Where("id = ? AND version = ?", res.ID, res.Version).Exec(ctx)
	if err != nil {
		return translate(err, "resident with ID number "+res.IDNumber)
	}
	if n, _ := result.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "the resident was changed by someone else meanwhile; reload and try again").WithReason("resident.stale")
	}
	res.Version++
	return nil
}

func (r registerRepo) IDNumbersWithPrefix(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	err := r.idb.NewSelect().Model((*residentRow)(nil)).Column("id_number").
		Where("id_number LIKE ? ESCAPE '\\'", likePrefix(prefix)).Scan(ctx, &out)
	return out, translate(err, "ID numbers")
}

func (r registerRepo) LastHouseholdNumber(ctx context.Context, prefix string) (string, error) {
	var out []string
	// A range on equal-length digit strings, not LIKE: it uses the unique
	// index on number whatever the column's collation.
	err := r.idb.NewSelect().Model((*householdRow)(nil)).Column("number").
		Where("number BETWEEN ? AND ?", prefix+"00000", prefix+"99999").Where("length(number) = ?", len(prefix)+5).
		OrderExpr("number DESC").Limit(1).Scan(ctx, &out)
	if err != nil {
		return "", translate(err, "household numbers")
	}
	if len(out) == 0 {
		return "", nil
	}
	return out[0], nil
}

func (r registerRepo) CreateAddress(ctx context.Context, a *domain.Address) error {
	row := &addressRow{ID: a.ID, Division: a.Division, Detail: a.Detail, UrbanRural: a.UrbanRural, StationCode: a.StationCode,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: 1}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "address")
}

func (r registerRepo) CreateHousehold(ctx context.Context, h *domain.Household) error {
	row := &householdRow{ID: h.ID, Number: h.Number, Type: string(h.Type), AddressID: h.AddressID, StationCode: h.StationCode,
		CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt, Version: 1}
	_, err := r.idb.NewInsert().Model(row).ExcludeColumn("closed_at").Exec(ctx)
	return translate(err, "household "+h.Number)
}

func (r registerRepo) CloseHousehold(ctx context.Context, id string, at time.Time) error {
	_, err := r.idb.NewUpdate().Model((*householdRow)(nil)).
		Set("closed_at = ?", at).Set("updated_at = ?", at).Set("version = version + 1").
		Where("id = ? AND closed_at IS NULL", id).Exec(ctx)
	return translate(err, "household")
}

func (r registerRepo) RecordMove(ctx context.Context, m *domain.ResidentMove) error {
	row := &residentMoveRow{ID: m.ID, ResidentID: m.ResidentID, Direction: string(m.Direction), CollabNo: m.CollabNo,
		Office: m.Office, Place: m.Place, MovedOn: m.MovedOn, CreatedAt: m.CreatedAt}
	_, err := r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "move of resident "+m.ResidentID)
}

func (r registerRepo) FindMoves(ctx context.Context, residentIDs []string) ([]*domain.ResidentMove, error) {
	if len(residentIDs) == 0 {
		return nil, nil
	}
	var rows []residentMoveRow
	if err := r.idb.NewSelect().Model(&rows).Where("resident_id IN (?)", bun.List(residentIDs)).Order("created_at", "id").Scan(ctx); err != nil {
		return nil, translate(err, "resident moves")
	}
	return mapRows(rows, (*residentMoveRow).toDomain), nil
}

// mapRows converts bun rows to domain values.
func mapRows[R any, D any](rows []R, f func(*R) D) []D {
	out := make([]D, len(rows))
	for i := range rows {
		out[i] = f(&rows[i])
	}
	return out
}

// likePrefix escapes LIKE wildcards in prefix and appends %.
func likePrefix(prefix string) string {
	out := make([]byte, 0, len(prefix)+1)
	for i := 0; i < len(prefix); i++ {
		if c := prefix[i]; c == '%' || c == '_' || c == '\\' {
			out = append(out, '\\')
		}
		out = append(out, prefix[i])
	}
	return string(append(out, '%'))
}

func encodeCursor(key string) string { return domain.CursorFor(key) }

func decodeCursor(c string) (string, error) { return domain.CursorKey(c) }
