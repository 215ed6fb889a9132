package documents

import (
	"fmt"

	"hukou/domain"
)

// acceptanceReceipt lays out the 受理回执 on one page (more with a long
// materials list): the case, the applicant, the materials received, the
// deadline, where to ask, then the accepting office with its seal.
func (c *canvas) acceptanceReceipt(r *domain.AcceptanceReceipt) error {
	for _, f := range []struct{ field, value, what string }{
		{"collabNo", r.CollabNo, "a collaboration number"},
		{"business", r.Business, "the business"},
		{"applicantName", r.ApplicantName, "the applicant's name"},
		{"office", r.Office, "the accepting office"},
	} {
		if err := required(f.field, f.value, f.what); err != nil {
			return err
		}
	}
	c.pdf.AddPage()
	c.setInfo("受理回执", r.Date)
	y := 90.0
	c.title(y, "受理回执")
	y += 30
	c.size = 11
	c.textRight(right, y, "协同编号："+r.CollabNo)
	y += 14
	applicant := r.ApplicantName
	if r.ApplicantIDNumber != "" {
		applicant += "（" + r.ApplicantIDNumber + "）"
	}
	deadline := "以受理单位通知为准"
	if !r.Deadline.IsZero() {
		deadline = chineseDate(r.Deadline) + "前"
	}
	y = c.formTable(y, [][]cell{
		{{"业务类别", r.Business}},
		{{"协同编号", r.CollabNo}},
		{{"申 请 人", applicant}},
		{{"受理日期", chineseDate(r.AcceptedAt)}, {"承诺办结", deadline}},
		{{"受理单位", r.Office}},
	}, 92, 30)
	y += 16
	rows := [][]cell{}
	for i, m := range r.Materials {
		rows = append(rows, []cell{{fmt.Sprintf("材料%d", i+1), fmt.Sprintf("%s（%d页）", m.Name, max(m.Pages, 1))}})
	}
	if len(rows) == 0 {
		rows = append(rows, []cell{{"已收材料", "无（材料待补齐）"}})
	}
	c.size = 12
	c.color = black
	c.text(left, y+4, "已收材料：")
	y = c.formTable(y+14, rows, 92, 26)
	c.size = 12
	ask := "办理进度及结果请凭本回执和协同编号向" + r.Office + "咨询"
	if r.Contact != "" {
		ask += "（" + r.Contact + "）"
	}
	ask += "。"
	if r.Supervisor != "" {
		ask += "对办理有异议的，可向" + r.Supervisor + "反映。"
	}
	y = c.paragraph(ask, left, y+30, 24, 22)
	c.size = 10
	c.color = grey
	y = c.paragraph("注：本回执仅证明申请已受理，不作为办结凭证；领取证件、证明时请携带本回执。", left, y+6, 0, 16)
	c.color = black
	c.footer(y+50, r.Office, r.Date, seals(r.Seals))
	return nil
}
