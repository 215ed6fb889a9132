package documents

import (
	"fmt"
	"strings"
	"time"

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
	const lineH = 17.0
	pad := min(8, (minH-lineH)/2) // dense forms (small minH) pad less
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

// registrationForm lays out the 常住人口登记表 of one person on one page,
// with every item of the paper form (blank where the register has nothing
// yet) and, on a corrected form, what the correction changed.
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
	sex, err := sexOnForm(f.Sex)
	if err != nil {
		return err
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
	address, err := addressLine(f.AddressDivision, f.AddressDetail)
	if err != nil {
		return err
	}
	nativePlace := f.NativePlace
	if name := codes.FullName(nativePlace); name != "" {
		nativePlace = name
	}
	registered := f.RegisteredOn
	if registered.IsZero() {
		registered = f.Date
	}
	corrections, err := correctionLines(f.Corrections)
	if err != nil {
		return err
	}

	c.pdf.AddPage()
	c.setInfo("常住人口登记表", f.Date)
	y := 70.0
	c.title(y, "常住人口登记表")
	if f.Revision > 0 {
		y += 22
		c.size = 12
		c.textCenter(pageW/2, y, fmt.Sprintf("（第%d次更正）", f.Revision))
	}
	y += 30
	c.size = 11
	c.text(left, y, "协同编号："+f.CollabNo)
	c.textRight(right, y, "户号："+f.HouseholdNumber)
	y += 8

	const rowH = 22
	y = c.formTable(y, [][]cell{
		{{"姓　　名", f.Name}, {"户主姓名", f.HeadName}},
		{{"与户主关系", relation}, {"曾 用 名", f.FormerNames}},
		{{"性　　别", sex}, {"民　　族", ethnicity}},
		{{"出生日期", chineseDate(f.BirthDate)}, {"籍　　贯", nativePlace}},
		{{"出 生 地", birthplace}},
		{{"公民身份号码", f.IDNumber}, {"户成员标识号", f.Hcybsh}},
		{{"宗教信仰", f.Religion}, {"身　　高", f.Height}},
		{{"血　　型", f.BloodType}, {"文化程度", f.Education}},
		{{"婚姻状况", f.MaritalStatus}, {"兵役状况", f.MilitaryService}},
		{{"服务处所", f.Employer}, {"职　　业", f.Occupation}},
		{{"住　　址", address}},
	}, 92, rowH)
	y = c.formTable(y, [][]cell{
		{{"本市（县）其他住址", f.OtherAddress}},
		{{"何时由何地迁来本市（县）", f.CameToCity}},
		{{"何时由何地迁来本址", f.CameToAddress}},
	}, 184, rowH)
	rows := [][]cell{
		{{"所属派出所", f.Station}},
		{{"承 办 人", f.Clerk}, {"登记日期", chineseDate(registered)}},
		{{"户籍登记机关", f.Office}},
	}
	if f.Revision > 0 && len(corrections) > 0 {
		rows = append(rows, []cell{{"更正事项", strings.Join(corrections, "；")}})
	}
	y = c.formTable(y, rows, 92, rowH)
	y = c.formTable(y, [][]cell{{{"申请人签字", ""}, {"承办人签章", ""}}}, 92, 44)

	c.size = 10
	c.color = grey
	y = c.paragraph("注：本表由户籍地公安机关打印。申请人核对无误后签字确认；如有错误，请告知受理地派出所，写明错误内容及改正意见。", left, y+16, 0, 14)
	c.footer(y+36, f.Office, f.Date, seals(f.Seals))
	return nil
}

// sexOnForm is the printed sex: the short name (男, 女) where there is one.
func sexOnForm(code string) (string, error) {
	if short, ok := sexOnForms[code]; ok {
		return short, nil
	}
	return codeName("sex", code, codes.Sex)
}

// addressLine prints an address once: the division's full name, then the
// detail without the division names it may repeat (the register keeps
// details that start with the county: "正定县城关镇…").
func addressLine(division, detail string) (string, error) {
	full, err := divisionName("addressDivision", division)
	if err != nil {
		return "", err
	}
	detail = strings.TrimSpace(detail)
	if d, ok := codes.LookupDivision(division); ok {
		for _, prefix := range []string{full, d.Name} {
			if prefix != "" && strings.HasPrefix(detail, prefix) {
				detail = detail[len(prefix):]
				break
			}
		}
	}
	return full + detail, nil
}

// correctionItems are the printed labels of the items a correction changes.
var correctionItems = map[string]string{
	"name": "姓名", "formerNames": "曾用名", "sex": "性别", "ethnicity": "民族", "birthDate": "出生日期",
	"birthplaceDivision": "出生地", "idNumber": "公民身份号码", "relation": "与户主关系",
}

// correctionLines prints each correction as "姓名由“陈晓明”更正为“陈晓鸣”",
// code values by their names.
func correctionLines(cs []domain.FormCorrection) ([]string, error) {
	out := make([]string, 0, len(cs))
	for _, cr := range cs {
		label, ok := correctionItems[cr.Item]
		if !ok {
			return nil, domain.FieldErrorf("corrections", "unknown form item %q", cr.Item)
		}
		from, err := correctionValue(cr.Item, cr.From)
		if err != nil {
			return nil, err
		}
		to, err := correctionValue(cr.Item, cr.To)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s由“%s”更正为“%s”", label, from, to))
	}
	return out, nil
}

func correctionValue(item, v string) (string, error) {
	if v == "" {
		return "（空）", nil
	}
	switch item {
	case "sex":
		return sexOnForm(v)
	case "ethnicity":
		return codeName("corrections", v, codes.Ethnicity)
	case "relation":
		return codeName("corrections", v, codes.Relation)
	case "birthplaceDivision":
		return divisionName("corrections", v)
	case "birthDate":
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return "", domain.FieldErrorf("corrections", "birth date %q is not YYYY-MM-DD", v)
		}
		return chineseDate(d), nil
	}
	return v, nil
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

// moveInRecord lays out the 准予迁入证明 of a migration on one page: the
// case, the e-migration certificate, where the movers came from and which
// household they joined or established, then one row per mover.
func (c *canvas) moveInRecord(m *domain.MoveInRecord) error {
	for _, r := range []struct{ field, value, what string }{
		{"collabNo", m.CollabNo, "a collaboration number"},
		{"householdNumber", m.HouseholdNumber, "the household moved into"},
		{"office", m.Office, "the move-in office"},
	} {
		if err := required(r.field, r.value, r.what); err != nil {
			return err
		}
	}
	if len(m.Persons) == 0 {
		return domain.FieldErrorf("persons", "a move-in record needs at least one mover")
	}
	kind := m.Business
	if kind == "" {
		kind = "户口迁移"
	}
	way := "投靠入户"
	if m.Established {
		way = "新立户"
	}
	c.pdf.AddPage()
	c.setInfo("准予迁入证明", m.Date)
	y := 90.0
	c.title(y, "准予迁入证明")
	y += 26
	c.size = 11
	c.textRight(right, y, "协同编号："+m.CollabNo)
	y += 20
	y = c.formTable(y, [][]cell{
		{{"业务类别", kind}, {"迁移类别", m.Category}},
		{{"电子迁移证", m.LicenceID}, {"迁入方式", way}},
		{{"迁出地", m.FromOffice}},
		{{"迁出地址", m.FromAddress}},
		{{"迁入户号", m.HouseholdNumber}},
		{{"迁入地址", m.ToAddress}},
	}, 90, 30)
	y += 16
	rows := [][]cell{}
	for i, p := range m.Persons {
		rows = append(rows, []cell{{fmt.Sprintf("迁入人%d", i+1), p.Name + "（" + sexName(p.Sex) + "）"}, {"公民身份号码", p.IDNumber}})
		rows = append(rows, []cell{{"与户主关系", p.Relation}, {"户成员标识号", p.Hcybsh}})
	}
	y = c.formTable(y, rows, 90, 26)
	c.size = 14
	c.color = black
	y = c.paragraph(fmt.Sprintf("上述%d人经迁出地准予迁出并核验电子迁移证，已准予迁入并登记常住户口，公民身份号码不变。", len(m.Persons)), left, y+30, 28, 26)
	c.footer(y+50, m.Office, m.Date, seals(m.Seals))
	return nil
}

// sexName is the printed name of a GB/T 2261.1 sex code.
func sexName(code string) string {
	switch code {
	case "1":
		return "男"
	case "2":
		return "女"
	}
	return "未说明"
}

// certificate lays out a household certificate or refusal to certify on one
// page (more when the facts are long): title, number and verification code,
// addressee, the facts, the validity note, the issuing office, date and seal.
func (c *canvas) certificate(d *domain.Certificate) error {
	for _, r := range []struct{ field, value, what string }{
		{"title", d.Title, "a title"},
		{"number", d.Number, "a certificate number"},
		{"verificationCode", d.VerificationCode, "a verification code"},
		{"office", d.Office, "the issuing office"},
	} {
		if err := required(r.field, r.value, r.what); err != nil {
			return err
		}
	}
	var facts []string
	for _, f := range d.Facts {
		if f = strings.TrimSpace(f); f != "" {
			facts = append(facts, f)
		}
	}
	if len(facts) == 0 {
		return domain.FieldErrorf("facts", "a certificate needs at least one fact")
	}
	addressee := d.Addressee
	if addressee == "" {
		addressee = "有关单位"
	}
	c.setInfo(d.Title, d.Date)
	c.pdf.AddPage()
	y := 90.0
	c.title(y, d.Title)
	y += 34
	c.size = 11
	c.textRight(right, y, "证明编号："+d.Number)
	y += 18
	c.textRight(right, y, "验证码："+d.VerificationCode)
	y += 36
	c.size = 14
	c.text(left, y, addressee+"：")
	y += 32
	const lineH, indent = 26.0, 28.0
	if d.Lead != "" {
		y = c.paragraph(d.Lead, left, y, indent, lineH)
	}
	for _, f := range facts {
		y = c.paragraph(f, left, y, indent, lineH)
	}
	c.size = 11
	c.color = grey
	if d.ValidityNote != "" {
		y = c.paragraph(d.ValidityNote, left, y+8, 22, 20)
	}
	if d.VerifyHint != "" {
		y = c.paragraph(d.VerifyHint, left, y, 22, 20)
	}
	c.color = black
	c.footer(y+60, d.Office, d.Date, seals(d.Seals))
	return nil
}
