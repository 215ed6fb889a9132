package certificate

import "hukou/domain"

// QueryLabel implements domain.Queryable: the matter certificate query view (1.5.1).
func (*Service) QueryLabel() string { return "户籍事项证明" }

// QueryFields implements domain.Queryable: the matter certificate's own
// fields, as stored in its applicant (Matter) and result documents (1.5.1),
// e.g. which certificates were refused and why.
func (*Service) QueryFields() []domain.QueryField {
	applicant := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "applicant", Path: p} }
	result := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "result", Path: p} }
	var types []domain.QueryCodeValue
	for _, m := range MatterTypes {
		types = append(types, domain.QueryCodeValue{Code: m.Code, Name: m.Title})
	}
	verdicts := []domain.QueryCodeValue{{Code: string(VerdictTrue), Name: "核实属实"}, {Code: string(VerdictNotTrue), Name: "核实不属实"},
		{Code: string(VerdictNoResult), Name: "无法核实"}}
	return append([]domain.QueryField{
		{Name: "matterType", Label: "证明事项", Type: domain.QueryCode, Codes: types, Store: applicant("matterType")},
		{Name: "applicantName", Label: "申请人姓名", Type: domain.QueryString, PII: domain.PIIName, Store: applicant("applicantName")},
		{Name: "applicantIdNumber", Label: "申请人公民身份号码", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: applicant("applicantIdNumber"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix}},
		{Name: "purpose", Label: "证明用途", Type: domain.QueryString, PII: domain.PIIText, Store: applicant("purpose")},
		{Name: "homeStation", Label: "户籍地派出所", Type: domain.QueryOffice, Store: applicant("registrationOffice")},
		{Name: "verdict", Label: "核实结果", Type: domain.QueryCode, Codes: verdicts, Store: result("decision", "verdict")},
		{Name: "verifiedAt", Label: "核实时间", Type: domain.QueryDateTime, Store: result("decision", "at")},
		{Name: "routedProvince", Label: "协查省份代码", Type: domain.QueryString, Store: result("route", "province"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpIn, domain.OpIsNull, domain.OpNotNull}},
		{Name: "refusalNumber", Label: "不予出具告知书编号", Type: domain.QueryString, Store: result("refusal", "number"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix, domain.OpIsNull, domain.OpNotNull}},
	}, issuedFields(result)...)
}

// QueryLabel implements domain.Queryable: the information certificate query view (1.5.1).
func (infoModule) QueryLabel() string { return "户籍信息证明" }

// QueryFields implements domain.Queryable: the information certificate's
// own fields (applicant InfoRequest, result).
func (infoModule) QueryFields() []domain.QueryField {
	applicant := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "applicant", Path: p} }
	result := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "result", Path: p} }
	return append([]domain.QueryField{
		{Name: "idNumber", Label: "被证明人公民身份号码", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: applicant("idNumber"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix}},
		{Name: "name", Label: "被证明人姓名", Type: domain.QueryString, PII: domain.PIIName, Store: applicant("name")},
		{Name: "purpose", Label: "证明用途", Type: domain.QueryString, PII: domain.PIIText, Store: applicant("purpose")},
	}, issuedFields(result)...)
}

// issuedFields are the fields of an issued certificate and its revocation,
// which both kinds keep in their result.
func issuedFields(result func(p ...string) domain.QueryStore) []domain.QueryField {
	return []domain.QueryField{
		{Name: "certificateNumber", Label: "证明编号", Type: domain.QueryString, Store: result("certificate", "number"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix, domain.OpIsNull, domain.OpNotNull}},
		{Name: "issuedAt", Label: "出具时间", Type: domain.QueryDateTime, Store: result("certificate", "issuedAt")},
		{Name: "revokedAt", Label: "撤销时间", Type: domain.QueryDateTime, Store: result("revocation", "at")},
	}
}
