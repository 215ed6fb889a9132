package birth

import (
	"hukou/domain"
	"hukou/domain/codes"
)

// QueryLabel implements domain.Queryable: the birth query view (1.5.1).
func (*Service) QueryLabel() string { return "出生登记" }

// QueryFields implements domain.Queryable: the birth case's own fields, as
// stored in its applicant (Applicant), ministry (MinistryData) and result
// (Outcome) documents (1.5.1).
func (*Service) QueryFields() []domain.QueryField {
	applicant := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "applicant", Path: p} }
	ministry := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "ministry", Path: p} }
	result := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "result", Path: p} }
	settleWith := []domain.QueryCodeValue{{Code: "FATHER", Name: "随父"}, {Code: "MOTHER", Name: "随母"}}
	return []domain.QueryField{
		{Name: "certificateNumber", Label: "出生医学证明编号", Type: domain.QueryString, Store: ministry("certificate", "Number"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpIn, domain.OpPrefix}},
		{Name: "newbornName", Label: "新生儿姓名", Type: domain.QueryString, PII: domain.PIIName, Store: applicant("newbornName")},
		{Name: "newbornSex", Label: "性别", Type: domain.QueryCode, Codes: domain.CodesOf(codes.Sexes()), Store: ministry("certificate", "Sex")},
		{Name: "birthTime", Label: "出生时间", Type: domain.QueryDateTime, PII: domain.PIIBirthDate, Store: ministry("certificate", "BirthTime")},
		{Name: "ethnicity", Label: "民族", Type: domain.QueryCode, Codes: domain.CodesOf(codes.Ethnicities()), Store: applicant("ethnicity")},
		{Name: "settleWith", Label: "落户方式", Type: domain.QueryCode, Codes: settleWith, Store: applicant("settleWith")},
		{Name: "birthplace", Label: "出生地", Type: domain.QueryDivision, Store: ministry("certificate", "BirthplaceDivision")},
		{Name: "hospital", Label: "接生机构", Type: domain.QueryString, Store: ministry("certificate", "Hospital")},
		{Name: "motherName", Label: "母亲姓名", Type: domain.QueryString, PII: domain.PIIName, Store: ministry("certificate", "MotherName")},
		{Name: "motherIdNumber", Label: "母亲公民身份号码", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: ministry("certificate", "MotherIDNumber"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix}},
		{Name: "declarantName", Label: "申报人姓名", Type: domain.QueryString, PII: domain.PIIName, Store: applicant("declarantName")},
		{Name: "declarantPhone", Label: "申报人联系电话", Type: domain.QueryString, PII: domain.PIIPhone, Store: applicant("declarantPhone")},
		{Name: "householdNumber", Label: "户号", Type: domain.QueryString, Store: ministry("household", "Number")},
		{Name: "newIdNumber", Label: "新生儿公民身份号码", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: result("idNumber"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix, domain.OpIsNull, domain.OpNotNull}},
	}
}
