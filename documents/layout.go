package documents

import (
	"fmt"
	"strings"

	"hukou/domain"
	"hukou/domain/codes"
)

// sexOnForms are the short names forms print for GB/T 2261.1 codes whose
// standard names are long (男性 → 男).
var sexOnForms = map[string]string{"1": "男", "2": "女"}

// codeName returns the printed name of a code; "" for an empty code.
func codeName(field, code string, lookup func(string) (codes.Entry, bool)) (string, error) {
	if code == "" {
		return "", nil
	}
	e, ok := lookup(code)
	if !ok {
		return "", domain.FieldErrorf(field, "unknown %s code %q", field, code)
	}
	return e.Name, nil
}

func divisionName(field, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	name := codes.FullName(code)
	if name == "" {
		return "", domain.FieldErrorf(field, "unknown division code %q", code)
	}
	return name, nil
}

func required(field, value, what string) error {
	if strings.TrimSpace(value) == "" {
		return domain.FieldErrorf(field, "the document needs %s", what)
	}
	return nil
}

func seals(ss []domain.Seal) []sealSpec {
	out := make([]sealSpec, len(ss))
	for i, s := range ss {
		out[i] = sealSpec{s.Office, s.Name}
	}
	return out
}

// title draws a document title centred at baseline y.
func (c *canvas) title(y float64, s string) {
	c.size = 24
	c.color = black
	c.textCenter(pageW/2, y, s)
}

// cell is one label/value pair of a form row; a row of one cell spans the
// full width.
type cell struct{ label, value string }

// formTable draws a bordered table of rows of one or two label/value cells,
// like the paper form, from y; it returns the y of its bottom edge. minH is
// the smallest row height.
func (c *canvas) formTable(y float64, rows [][]cell, labelW, minH float64) float64 {
	const pad, lineH = 8.0, 17.0
	fullW := right - left
	c.stroke(black, 0.6)
	top := y
	for _, row := range rows {
		cellW := fullW / float64(len(row))
		valueW := cellW - labelW
		c.size = 12
		h := minH
		wrapped := make([][]string, len(row))
		for i, cl := range row {
			wrapped[i] = c.wrap(cl.value, valueW-2*pad)
			h = max(h, float64(len(wrapped[i]))*lineH+2*pad)
		}
		c.pdf.Line(left, y+h, right, y+h)
		for i, cl := range row {
			x := left + float64(i)*cellW
			if i > 0 {
				c.pdf.Line(x, y, x, y+h)
			}
			c.pdf.Line(x+labelW, y, x+labelW, y+h)
			c.size = 12
			c.color = black
			c.textCenter(x+labelW/2, c.baseline(y+h/2), cl.label)
			lines := wrapped[i]
			first := y + h/2 - float64(len(lines)-1)*lineH/2
			for j, ln := range lines {
				c.text(x+labelW+pad, c.baseline(first+float64(j)*lineH), ln)
			}
		}
		y += h
	}
	c.stroke(black, 1.4)
	c.rect(left, top, fullW, y-top)
	return y
}

// registrationForm lays out the 常住人口登记表 of one person on one page.
func (c *canvas) registrationForm(f *domain.RegistrationForm) error {
	for _, r := range []struct{ field, value, what string }{
		{"collabNo", f.CollabNo, "a collaboration number"},
		{"name", f.Name, "the person's name"},
		{"idNumber", f.IDNumber, "the person's ID number"},
		{"office", f.Office, "the issuing office"},
	} {
		if err := required(r.field, r.value, r.what); err != nil {
			return err
		}
	}
	if f.Revision < 0 {
		return domain.FieldErrorf("revision", "revision %d is negative", f.Revision)
	}
	sex, err := codeName("sex", f.Sex, codes.Sex)
	if err != nil {
		return err
	}
	if short, ok := sexOnForms[f.Sex]; ok {
		sex = short
	}
	ethnicity, err := codeName("ethnicity", f.Ethnicity, codes.Ethnicity)
	if err != nil {
		return err
	}
	relation, err := codeName("relation", f.Relation, codes.Relation)
	if err != nil {
		return err
	}
	birthplace, err := divisionName("birthplaceDivision", f.BirthplaceDivision)
	if err != nil {
		return err
	}
	address, err := divisionName("addressDivision", f.AddressDivision)
	if err != nil {
		return err
	}
	address += f.AddressDetail

	c.pdf.AddPage()
	c.setInfo("常住人口登记表", f.Date)
	y := 80.0
	c.title(y, "常住人口登记表")
	if f.Revision > 0 {
		y += 24
		c.size = 12
		c.textCenter(pageW/2, y, fmt.Sprintf("（第%d次更正）", f.Revision))
	}
	y += 36
	c.size = 11
	c.text(left, y, "协同编号："+f.CollabNo)
	c.textRight(right, y, "户号："+f.HouseholdNumber)
	y += 10

	y = c.formTable(y, [][]cell{
		{{"姓　　名", f.Name}, {"户主姓名", f.HeadName}},
		{{"与户主关系", relation}, {"曾 用 名", f.FormerNames}},
		{{"性　　别", sex}, {"民　　族", ethnicity}},
		{{"出生日期", chineseDate(f.BirthDate)}, {"公民身份号码", f.IDNumber}},
		{{"出 生 地", birthplace}},
		{{"户　　号", f.HouseholdNumber}, {"户成员标识号", f.Hcybsh}},
		{{"住　　址", address}},
		{{"所属派出所", f.Station}},
		{{"户籍登记机关", f.Office}, {"登记日期", chineseDate(f.Date)}},
	}, 92, 34)
	y = c.formTable(y, [][]cell{{{"申请人签字", ""}, {"承办人签章", ""}}}, 92, 58)

	c.size = 10
	c.color = grey
	y = c.paragraph("注：本表由户籍地公安机关打印。申请人核对无误后签字确认；如有错误，请告知受理地派出所，写明错误内容及改正意见。", left, y+20, 0, 15)
	c.footer(y+50, f.Office, f.Date, seals(f.Seals))
	return nil
}

// chineseNumerals numbers the reasons of a refusal (一、二、…).
var chineseNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func itemNumber(i int) string {
	if i < len(chineseNumerals) {
		return chineseNumerals[i] + "、"
	}
	return fmt.Sprintf("%d.", i+1)
}

// refusalCopies are the copies of a refusal notice the registration office
// prints, each on its own page (feature 2.1.1).
var refusalCopies = []string{"申请人留存联", "受理地派出所留存联"}

// refusalNotice lays out the 不予办理通知书, one page per copy.
func (c *canvas) refusalNotice(n *domain.RefusalNotice) error {
	for _, r := range []struct{ field, value, what string }{
		{"collabNo", n.CollabNo, "a collaboration number"},
		{"applicantName", n.ApplicantName, "the applicant's name"},
		{"office", n.Office, "the refusing office"},
	} {
		if err := required(r.field, r.value, r.what); err != nil {
			return err
		}
	}
	var reasons []string
	for _, r := range n.Reasons {
		if r = strings.TrimSpace(r); r != "" {
			reasons = append(reasons, r)
		}
	}
	if len(reasons) == 0 {
		return domain.FieldErrorf("reasons", "a refusal notice needs at least one reason")
	}
	kind := n.Business
	if kind == "" {
		kind = "户籍"
	}
	about := "协同编号：" + n.CollabNo
	if n.SubjectName != "" {
		who := n.SubjectRole
		if who == "" {
			who = "当事人"
		}
		about = who + "：" + n.SubjectName + "，" + about
	}

	c.setInfo("不予办理通知书", n.Date)
	for _, copyName := range refusalCopies {
		c.pdf.AddPage()
		y := 90.0
		c.title(y, "不予办理通知书")
		y += 26
		c.size = 12
		c.textCenter(pageW/2, y, "（"+copyName+"）")
		y += 34
		c.size = 11
		c.textRight(right, y, "协同编号："+n.CollabNo)
		y += 40
		c.size = 14
		c.text(left, y, n.ApplicantName+"：")
		y += 32
		const lineH, indent = 26.0, 28.0
		y = c.paragraph(fmt.Sprintf("你申请办理的%s业务（%s），经审查，不符合办理条件，决定不予办理。理由如下：", kind, about), left, y, indent, lineH)
		for i, r := range reasons {
			y = c.paragraph(itemNumber(i)+r, left, y, indent, lineH)
		}
		y = c.paragraph("特此通知。", left, y, indent, lineH)
		c.size = 11
		c.color = grey
		y = c.paragraph("如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。", left, y+8, 22, 20)
		c.color = black
		c.footer(y+60, n.Office, n.Date, seals(n.Seals))
	}
	return nil
}

// completionConfirmation lays out the 办结确认书 on one page.
func (c *canvas) completionConfirmation(cc *domain.CompletionConfirmation) error {
	for _, r := range []struct{ field, value, what string }{
		{"collabNo", cc.CollabNo, "a collaboration number"},
		{"newbornName", cc.NewbornName, "the newborn's name"},
		{"idNumber", cc.IDNumber, "the newborn's ID number"},
		{"office", cc.Office, "the registering office"},
	} {
		if err := required(r.field, r.value, r.what); err != nil {
			return err
		}
	}
	kind := cc.Business
	if kind == "" {
		kind = "户籍"
	}

	c.pdf.AddPage()
	c.setInfo("办结确认书", cc.Date)
	y := 90.0
	c.title(y, "办结确认书")
	y += 40
	y = c.formTable(y, [][]cell{
		{{"业务类别", kind}},
		{{"协同编号", cc.CollabNo}},
		{{"新生儿姓名", cc.NewbornName}},
		{{"公民身份号码", cc.IDNumber}},
		{{"户　　号", cc.HouseholdNumber}},
		{{"办结机关", cc.Office}},
		{{"办结日期", chineseDate(cc.Date)}},
	}, 120, 36)
	c.size = 14
	c.color = black
	y = c.paragraph(fmt.Sprintf("上述%s业务已办理完毕，新生儿%s已登记入户，公民身份号码%s，特此确认。", kind, cc.NewbornName, cc.IDNumber), left, y+44, 28, 26)
	c.footer(y+60, cc.Office, cc.Date, seals(cc.Seals))
	return nil
}
