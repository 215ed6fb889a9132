package idcard

import "hukou/domain"

// QueryLabel implements domain.Queryable: the ID card query view (1.5.4).
func (*Service) QueryLabel() string { return "居民身份证异地办理" }

// QueryFields implements domain.Queryable: the ID card's own fields, as
// stored in its applicant (Applicant), ministry (MinistryData) and result
// (Outcome) documents (1.5.4): who applied for what and why, how the card
// goes out, the validity signed, the card produced and its collection.
func (*Service) QueryFields() []domain.QueryField {
	applicant := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "applicant", Path: p} }
	ministry := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "ministry", Path: p} }
	result := func(p ...string) domain.QueryStore { return domain.QueryStore{Doc: "result", Path: p} }
	kinds := []domain.QueryCodeValue{{Code: string(domain.IDCardFirst), Name: "首次申领"}, {Code: string(domain.IDCardRenewal), Name: "换领"},
		{Code: string(domain.IDCardReplacement), Name: "补领"}}
	var reasons []domain.QueryCodeValue
	for _, r := range Reasons() {
		reasons = append(reasons, domain.QueryCodeValue{Code: r.Code, Name: r.Name})
	}
	pickups := []domain.QueryCodeValue{{Code: PickupInPerson, Name: "受理地领取"}, {Code: PickupByPost, Name: "邮寄"}}
	present := []domain.QueryOperator{domain.OpEq, domain.OpPrefix, domain.OpIsNull, domain.OpNotNull}
	return []domain.QueryField{
		{Name: "applicationKind", Label: "申领类型", Type: domain.QueryCode, Codes: kinds, Store: applicant("applicationKind")},
		{Name: "reason", Label: "申领原因", Type: domain.QueryCode, Codes: reasons, Store: applicant("reason")},
		{Name: "idNumber", Label: "公民身份号码", Type: domain.QueryString, PII: domain.PIIIDNumber, Store: applicant("idNumber"),
			Operators: []domain.QueryOperator{domain.OpEq, domain.OpPrefix}},
		{Name: "name", Label: "姓名", Type: domain.QueryString, PII: domain.PIIName, Store: ministry("person", "Name")},
		{Name: "phone", Label: "联系电话", Type: domain.QueryString, PII: domain.PIIPhone, Store: applicant("phone")},
		{Name: "pickup", Label: "领证方式", Type: domain.QueryCode, Codes: pickups, Store: applicant("pickup")},
		{Name: "applicationDate", Label: "申请日期", Type: domain.QueryDate, Store: applicant("applicationDate")},
		{Name: "homeDivision", Label: "户籍地", Type: domain.QueryDivision, Store: ministry("division")},
		{Name: "validFrom", Label: "有效期起始日期", Type: domain.QueryDate, Store: result("issue", "validFrom")},
		{Name: "validUntil", Label: "有效期截止日期", Type: domain.QueryDate, Store: result("issue", "validUntil")},
		{Name: "authority", Label: "签发机关", Type: domain.QueryString, Store: result("issue", "authority")},
		{Name: "rejectionReason", Label: "审核不通过原因", Type: domain.QueryString, PII: domain.PIIText, Store: result("review", "reason")},
		{Name: "cardNumber", Label: "卡号", Type: domain.QueryString, Store: result("production", "cardNumber"), Operators: present},
		{Name: "producedAt", Label: "制证完成时间", Type: domain.QueryDateTime, Store: result("production", "producedAt")},
		{Name: "licenceId", Label: "电子身份证照标识", Type: domain.QueryString, Store: result("licence", "licenceId"), Operators: present},
		{Name: "collectedAt", Label: "领取时间", Type: domain.QueryDateTime, Store: result("collection", "collectedAt")},
		{Name: "collectorName", Label: "领取人姓名", Type: domain.QueryString, PII: domain.PIIName, Store: result("collection", "collectorName")},
	}
}
