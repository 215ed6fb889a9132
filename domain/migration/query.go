package migration

import "hukou/domain"

// QueryLabel implements domain.Queryable: the migration query view (1.5.1).
func (*Service) QueryLabel() string { return "户口迁移" }

// QueryFields implements domain.Queryable: the migration case's own fields,
// as stored in its applicant (Applicant), ministry (MinistryData) and result
// (Outcome) documents (1.5.1), e.g. how long migrations take by category.
func (*Service) QueryFields() []domain.QueryField {
	applicant := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "applicant", Path: p} }
	ministry := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "ministry", Path: p} }
	result := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "result", Path: p} }
	var categories []domain.QueryCodeValue
	for _, c := range Categories() {
		categories = append(categories, domain.QueryCodeValue{Code: c.Code, Name: c.Name})
	}
	ways := []domain.QueryCodeValue{{Code: WayJoin, Name: "投靠入户"}, {Code: WayEstablish, Name: "新立户"}}
	exact := []domain.QueryOperator{domain.OpEq, domain.OpIn, domain.OpPrefix, domain.OpIsNull, domain.OpNotNull}
	return []domain.QueryField{
		{Name: "category", Label: "迁移类别", Type: domain.QueryCode, Codes: categories, Store: applicant("category")},
		{Name: "way", Label: "迁入方式", Type: domain.QueryCode, Codes: ways, Store: applicant("way")},
		{Name: "applicantIdNumber", Label: "申请人公民身份号码", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: applicant("applicantIdNumber"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix}},
		{Name: "phone", Label: "联系电话", Type: domain.QueryString, PII: domain.PIIPhone, Store: applicant("phone")},
		{Name: "homeHouseholdNumber", Label: "迁出户户号", Type: domain.QueryString, Store: ministry("household", "Number"), Operators: exact},
		{Name: "homeClass", Label: "户籍地城乡分类", Type: domain.QueryString, Store: ministry("homeClass"), Operators: exact},
		{Name: "destClass", Label: "迁入地城乡分类", Type: domain.QueryString, Store: ministry("destClass"), Operators: exact},
		{Name: "destDivision", Label: "迁入地区县", Type: domain.QueryDivision, Store: ministry("destDivision")},
		{Name: "destHouseholdNumber", Label: "投靠户户号", Type: domain.QueryString, Store: applicant("householdNumber"), Operators: exact},
		{Name: "licenceId", Label: "电子迁移证编号", Type: domain.QueryString, Store: result("certificate", "licenceId"), Operators: exact},
		{Name: "movedOutOn", Label: "迁出日期", Type: domain.QueryDateTime, Store: result("movedOutOn")},
		{Name: "movedInOn", Label: "迁入日期", Type: domain.QueryDateTime, Store: result("movedInOn")},
		{Name: "newHouseholdNumber", Label: "迁入户号", Type: domain.QueryString, Store: result("householdNumber"), Operators: exact},
	}
}
