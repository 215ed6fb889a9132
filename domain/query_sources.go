package domain

import (
	"sort"

	"hukou/domain/codes"
)

// Queryable is a Module whose cases may be queried (1.5.x): the kind
// declares its own fields (stored in the case's applicant, ministry and
// result documents); the engine adds the fields every case has. Register
// discovers it, and QuerySources returns one source per such kind.
type Queryable interface {
	// QueryLabel names the kind's query view in the SPA.
	QueryLabel() string
	// QueryFields declares the kind's own fields.
	QueryFields() []QueryField
}

// CodesOf turns a code list into a field's codes.
func CodesOf(entries []codes.Entry) []QueryCodeValue {
	out := make([]QueryCodeValue, len(entries))
	for i, e := range entries {
		out[i] = QueryCodeValue{Code: e.Code, Name: e.Name}
	}
	return out
}

// CaseQuerySource is the source of w's cases: the common case fields, then
// the kind's own.
func CaseQuerySource(w *Workflow, label string, own []QueryField) *QuerySource {
	statuses := make([]QueryCodeValue, len(w.States))
	for i, st := range w.States {
		statuses[i] = QueryCodeValue{Code: string(st.Status), Name: string(st.Status)}
	}
	sides := []QueryCodeValue{{Code: string(SideAcceptance), Name: string(SideAcceptance)}, {Code: string(SideRegistration), Name: string(SideRegistration)}}
	col := func(c string) QueryStore { return QueryStore{Column: c} }
	fields := []QueryField{
		{Name: "collabNo", Label: "协同编号", Type: QueryString, Store: col("collab_no"), Sortable: true,
			Operators: []QueryOperator{OpEq, OpIn, OpPrefix}},
		{Name: "status", Label: "状态", Type: QueryCode, Codes: statuses, Store: col("status")},
		{Name: "side", Label: "办理方", Type: QueryCode, Codes: sides, Store: col("side")},
		{Name: "office", Label: "所属单位", Type: QueryOffice, Store: col("office")},
		{Name: "acceptanceOffice", Label: "受理地单位", Type: QueryOffice, Store: col("acceptance_office")},
		{Name: "registrationOffice", Label: "户籍地单位", Type: QueryOffice, Store: col("registration_office")},
		{Name: "createdAt", Label: "创建时间", Type: QueryDateTime, Store: col("created_at"), Sortable: true},
		{Name: "updatedAt", Label: "更新时间", Type: QueryDateTime, Store: col("updated_at"), Sortable: true},
		{Name: "deadlineAt", Label: "办理期限", Type: QueryDateTime, Store: col("deadline_at")},
	}
	fields = append(fields, own...)
	return &QuerySource{Name: string(w.Kind), Label: label, Table: "cases", KindColumn: "kind", Kind: string(w.Kind),
		OfficeColumn: "office", IDColumn: "id", Fields: fields,
		DefaultColumns: []string{"collabNo", "status", "side", "office", "updatedAt"}, DefaultSort: "updatedAt"}
}

// QuerySources returns the query source of every registered kind that is
// Queryable, by kind.
func (s *CaseService) QuerySources() []*QuerySource {
	var out []*QuerySource
	for _, m := range s.modules {
		if q, ok := m.(Queryable); ok {
			out = append(out, CaseQuerySource(m.Workflow(), q.QueryLabel(), q.QueryFields()))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ResidentQuerySource is the household register as a query source (6.1.1,
// 1.5.x): residents by their station.
func ResidentQuerySource() *QuerySource {
	col := func(c string) QueryStore { return QueryStore{Column: c} }
	statuses := []QueryCodeValue{{Code: string(ResidentActive), Name: "正常"},
		{Code: string(ResidentMovedOut), Name: "迁出"}, {Code: string(ResidentDeceased), Name: "死亡"}}
	return &QuerySource{Name: "RESIDENT", Label: "常住人口", Table: "residents", OfficeColumn: "station_code", IDColumn: "id",
		Fields: []QueryField{
			{Name: "name", Label: "姓名", Type: QueryString, PII: PIIName, Store: col("name")},
			{Name: "idNumber", Label: "公民身份号码", Type: QueryString, PII: PIIIDNumber, Store: col("id_number"),
				Operators: []QueryOperator{OpEq, OpIn, OpPrefix}},
			{Name: "sex", Label: "性别", Type: QueryCode, Codes: CodesOf(codes.Sexes()), Store: col("sex")},
			{Name: "ethnicity", Label: "民族", Type: QueryCode, Codes: CodesOf(codes.Ethnicities()), Store: col("ethnicity")},
			{Name: "birthDate", Label: "出生日期", Type: QueryDate, PII: PIIBirthDate, Store: col("birth_date")},
			{Name: "birthplace", Label: "出生地", Type: QueryDivision, Store: col("birthplace_division")},
			{Name: "relation", Label: "与户主关系", Type: QueryCode, Codes: CodesOf(codes.Relations()), Store: col("relation")},
			{Name: "status", Label: "人员状态", Type: QueryCode, Codes: statuses, Store: col("status")},
			{Name: "station", Label: "派出所", Type: QueryOffice, Store: col("station_code")},
			{Name: "hcybsh", Label: "户成员标识号", Type: QueryString, Store: col("hcybsh"), Operators: []QueryOperator{OpEq, OpPrefix, OpIsNull, OpNotNull}},
			{Name: "createdAt", Label: "登记时间", Type: QueryDateTime, Store: col("created_at"), Sortable: true},
			{Name: "updatedAt", Label: "更新时间", Type: QueryDateTime, Store: col("updated_at"), Sortable: true},
		},
		DefaultColumns: []string{"name", "idNumber", "sex", "birthDate", "station", "status"}, DefaultSort: "updatedAt"}
}
