package documents_test

// These tests render real documents and read them back with poppler
// (pdftotext, pdftoppm). Without poppler or the font they skip loudly, and
// fail when CI=true. Set DOCUMENTS_OUT=/some/dir to keep the PDFs and PNGs
// for a look.

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/domain"
)

var (
	date      = time.Date(2026, 11, 25, 15, 4, 0, 0, time.Local)
	birthDate = time.Date(2026, 11, 2, 0, 0, 0, 0, time.Local)
	seal      = domain.Seal{Office: "石家庄市公安局长安分局建北派出所", Name: "户口专用章"}
)

// unavailable skips the test with a loud message, or fails it under CI.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf("!!! SKIPPED: "+format+" — the PDF checks did not run !!!", args...)
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		unavailable(t, "%s not found (apt-get install -y poppler-utils)", name)
	}
	return p
}

var shared = sync.OnceValues(func() (*documents.Renderer, error) { return documents.New(documents.Config{}) })

func renderer(t *testing.T) *documents.Renderer {
	t.Helper()
	r, err := shared()
	if err != nil {
		if _, statErr := os.Stat(documents.DefaultFontPath); statErr != nil {
			unavailable(t, "%v", err)
		}
		t.Fatal(err)
	}
	return r
}

// keep writes a rendered file to DOCUMENTS_OUT when it is set.
func keep(t *testing.T, name string, data []byte) {
	if dir := os.Getenv("DOCUMENTS_OUT"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
}

// pdfText extracts the text of pdf with pdftotext and checks that poppler
// found nothing malformed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := needTool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o644))
	var out, stderr bytes.Buffer
	cmd := exec.Command(bin, "-enc", "UTF-8", in, "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	require.Empty(t, stderr.String(), "poppler complained about the PDF")
	return out.String()
}

func requireContains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		require.Contains(t, text, w, "extracted text:\n%s", text)
	}
}

func registrationForm() *domain.RegistrationForm {
	return &domain.RegistrationForm{
		CollabNo:           "X130102202611250001",
		Name:               "张𠮷祥", // 𠮷 is U+20BB7, CJK Extension B
		Sex:                "1",
		Ethnicity:          "01",
		BirthDate:          birthDate,
		BirthplaceDivision: "211103",
		IDNumber:           "130102202611020019",
		Relation:           "20",
		HeadName:           "张建国",
		HouseholdNumber:    "130102004512",
		AddressDivision:    "130102",
		AddressDetail:      "长安区建北街道中山东路一百二十八号院三号楼二单元五〇二室",
		Clerk:              "户籍民警李强",
		RegisteredOn:       birthDate.AddDate(0, 0, 20),
		Station:            "石家庄市公安局长安分局建北派出所",
		Hcybsh:             "13010200451202",
		Office:             "石家庄市公安局长安分局建北派出所",
		Date:               date,
		Seals:              []domain.Seal{seal},
	}
}

func TestRegistrationForm(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	pdf, rep, err := r.RenderWithReport(context.Background(), registrationForm())
	require.NoError(t, err)
	require.Empty(t, rep.Missing, "the main font has 𠮷")
	keep(t, "registration-form.pdf", pdf)

	text := pdfText(t, pdf)
	requireContains(t, text,
		"常住人口登记表", "张𠮷祥", "130102202611020019", "X130102202611250001",
		"石家庄市公安局长安分局建北派出所", "2026年11月25日", "2026年11月2日",
		"男", "汉族", "子", "辽宁省盘锦市兴隆台区", "河北省石家庄市长安区建北街道", "13010200451202", "户口专用章",
		"曾用名", "宗教信仰", "文化程度", "婚姻状况", "兵役状况", "服务处所",
		"何时由何地迁来本市（县）", "何时由何地迁来本址", "承办人", "户籍民警李强", "登记日期", "2026年11月22日")
	require.Equal(t, 1, strings.Count(text, "\f"), "one page")
	require.NotContains(t, text, "〓")
	require.NotContains(t, text, "长安区长安区", "the address is printed once")

	// The page must render, and show ink and a red seal.
	bin := needTool(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "form.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o644))
	out, err := exec.Command(bin, "-r", "50", "-png", "-singlefile", in, filepath.Join(dir, "form")).CombinedOutput()
	require.NoError(t, err, string(out))
	raw, err := os.ReadFile(filepath.Join(dir, "form.png"))
	require.NoError(t, err)
	keep(t, "registration-form.png", raw)
	img, err := png.Decode(bytes.NewReader(raw))
	require.NoError(t, err)
	dark, reddish := inkStats(img)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	require.Greater(t, dark, total/100, "the page is (nearly) blank")
	require.Greater(t, reddish, 100, "no red seal on the page")
}

// inkStats counts dark pixels and red ones.
func inkStats(img image.Image) (dark, reddish int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r+g+bl < 3*128 {
				dark++
			}
			if r > 150 && g < 110 && bl < 110 {
				reddish++
			}
		}
	}
	return dark, reddish
}

func TestRegistrationFormRevision(t *testing.T) {
	t.Parallel()
	f := registrationForm()
	f.Revision = 2
	f.Corrections = []domain.FormCorrection{{Item: "name", From: "张吉祥", To: "张𠮷祥"}, {Item: "formerNames", To: "张小吉"},
		{Item: "relation", From: "21", To: "20"}}
	pdf, err := renderer(t).Render(context.Background(), f)
	require.NoError(t, err)
	keep(t, "registration-form-corrected.pdf", pdf)
	text := pdfText(t, pdf)
	require.Equal(t, 1, strings.Count(text, "\f"), "one page with the corrections")
	requireContains(t, text, "第2次更正", "张𠮷祥", "更正事项", "姓名由“张吉祥”更正为“张𠮷祥”",
		"曾用名由“（空）”更正为“张小吉”", "由“独生子”更正为“子”")
}

func TestRefusalNotice(t *testing.T) {
	t.Parallel()
	n := &domain.RefusalNotice{
		Business:      "新生儿出生登记",
		SubjectRole:   "新生儿",
		CollabNo:      "X211103202611250007",
		ApplicantName: "李秀英",
		SubjectName:   "王小明",
		Reasons:       []string{"出生医学证明编号与签发机构登记不符", "申请人与新生儿的亲属关系证明材料不全"},
		Office:        "石家庄市公安局长安分局建北派出所",
		Date:          date,
		Seals:         []domain.Seal{seal},
	}
	pdf, err := renderer(t).Render(context.Background(), n)
	require.NoError(t, err)
	keep(t, "refusal-notice.pdf", pdf)
	text := pdfText(t, pdf)
	requireContains(t, text, "不予办理通知书", "李秀英", "王小明", "X211103202611250007",
		"出生医学证明编号与签发机构登记不符", "亲属关系证明材料不全", "新生儿出生登记",
		"石家庄市公安局长安分局建北派出所", "2026年11月25日", "申请人留存联", "受理地派出所留存联")
	require.Equal(t, 2, strings.Count(text, "不予办理通知书\n"), "one page per copy")
}

func TestCompletionConfirmation(t *testing.T) {
	t.Parallel()
	c := &domain.CompletionConfirmation{
		Business:        "新生儿出生登记",
		CollabNo:        "X211103202611250001",
		NewbornName:     "张𠮷祥",
		IDNumber:        "130102202611020019",
		HouseholdNumber: "130102004512",
		Office:          "石家庄市公安局长安分局建北派出所",
		Date:            date,
		Seals:           []domain.Seal{seal},
	}
	pdf, err := renderer(t).Render(context.Background(), c)
	require.NoError(t, err)
	keep(t, "completion-confirmation.pdf", pdf)
	requireContains(t, pdfText(t, pdf), "办结确认书", "张𠮷祥", "130102202611020019", "X211103202611250001",
		"130102004512", "石家庄市公安局长安分局建北派出所", "2026年11月25日")
}

func TestMoveInRecord(t *testing.T) {
	t.Parallel()
	m := &domain.MoveInRecord{
		Business: "户口迁移", Category: "夫妻投靠", CollabNo: "X211102202611280003", LicenceID: "QYZ13012300000001",
		FromOffice: "石家庄市公安局正定县分局城关派出所", FromAddress: "正定县城关镇常山路8号",
		HouseholdNumber: "020100006", ToAddress: "双台子区红旗街道兴隆小区5号楼", Established: false,
		Persons: []domain.MovedPerson{
			{Name: "陈东", IDNumber: "130123199802049798", Sex: "1", Relation: "夫", Hcybsh: "02010000603"},
			{Name: "陈依诺", IDNumber: "13010820260715442X", Sex: "2", Relation: "女", Hcybsh: "02010000604"},
		},
		Office: "盘锦市公安局双台子分局红旗派出所", Date: date, Seals: []domain.Seal{seal},
	}
	pdf, err := renderer(t).Render(context.Background(), m)
	require.NoError(t, err)
	keep(t, "move-in-record.pdf", pdf)
	requireContains(t, pdfText(t, pdf), "准予迁入证明", "夫妻投靠", "QYZ13012300000001", "投靠入户", "陈东", "13010820260715442X",
		"02010000604", "020100006", "红旗派出所", "2026年11月25日", "公民身份号码不变")

	_, err = renderer(t).Render(context.Background(), &domain.MoveInRecord{CollabNo: "X1", HouseholdNumber: "1", Office: "o"})
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "a record without movers is refused")
}

// TestCertificate renders a household certificate (1.1.5, 2.2.8): title,
// number and verification code, the facts, validity note, office, date.
func TestCertificate(t *testing.T) {
	t.Parallel()
	c := &domain.Certificate{
		Title:            "户籍事项证明",
		Number:           "ZM2111032026112900000001",
		VerificationCode: "ABCDEFGH23",
		Lead:             "兹证明：",
		Facts:            []string{"证明事项：亲属关系证明", "当事人1：李秀英（公民身份号码 130602198706200268）", "核实结果：经核实，李秀英与张子轩系母子关系"},
		ValidityNote:     "本证明自出具之日起三个月内有效。",
		VerifyHint:       "可凭证明编号和验证码在公安机关证明查验页面查验。",
		Office:           "盘锦市公安局兴隆台分局兴隆派出所",
		Date:             date,
		Seals:            []domain.Seal{seal},
	}
	pdf, err := renderer(t).Render(context.Background(), c)
	require.NoError(t, err)
	keep(t, "certificate.pdf", pdf)
	requireContains(t, pdfText(t, pdf), "户籍事项证明", "ZM2111032026112900000001", "ABCDEFGH23", "有关单位", "李秀英与张子轩系母子关系",
		"三个月内有效", "盘锦市公安局兴隆台分局兴隆派出所", "2026年11月25日")
}

// A character no font has (𪚥 U+2A6A5 is not in LXGW WenKai) is printed as
// 〓, reported by RenderWithReport and logged by Render.
func TestMissingGlyphIsPlaceholderAndReported(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	f := registrationForm()
	f.Name = "王𪚥"
	pdf, rep, err := r.RenderWithReport(context.Background(), f)
	require.NoError(t, err)
	require.Equal(t, []rune{'𪚥'}, rep.Missing)
	keep(t, "missing-glyph.pdf", pdf)
	requireContains(t, pdfText(t, pdf), "王〓")

	var logs bytes.Buffer
	logged, err := documents.New(documents.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	_, err = logged.Render(context.Background(), f)
	require.NoError(t, err)
	require.Contains(t, logs.String(), "level=WARN")
	require.Contains(t, logs.String(), "U+2A6A5")
	require.Contains(t, logs.String(), f.CollabNo)
}

// A character the main font lacks is drawn with the fallback font.
func TestFallbackFont(t *testing.T) {
	t.Parallel()
	const fallback = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(fallback); err != nil {
		t.Skipf("no %s to test the fallback with", fallback)
	}
	renderer(t) // skips without the main font
	r, err := documents.New(documents.Config{FallbackFontPath: fallback})
	require.NoError(t, err)
	f := registrationForm()
	f.FormerNames = "Saʿid" // U+02BF is in DejaVu Sans, not in LXGW WenKai
	pdf, rep, err := r.RenderWithReport(context.Background(), f)
	require.NoError(t, err)
	require.Empty(t, rep.Missing)
	require.Equal(t, []rune{'ʿ'}, rep.Fallback)
	requireContains(t, pdfText(t, pdf), "Saʿid", "张𠮷祥")
}

func TestMissingFontNamesPathAndPackage(t *testing.T) {
	t.Parallel()
	_, err := documents.New(documents.Config{FontPath: "/nonexistent/LXGWWenKai-Regular.ttf"})
	require.ErrorContains(t, err, "/nonexistent/LXGWWenKai-Regular.ttf")
	require.ErrorContains(t, err, "apt-get install -y fonts-lxgw-wenkai")

	ttc := filepath.Join(t.TempDir(), "fonts.ttc")
	require.NoError(t, os.WriteFile(ttc, append([]byte("ttcf"), make([]byte, 64)...), 0o644))
	_, err = documents.New(documents.Config{FontPath: ttc})
	require.ErrorContains(t, err, "collection")
}

func TestInvalidDocuments(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	ctx := context.Background()
	bad := map[string]domain.Document{
		"unknown ethnicity": func() domain.Document { f := registrationForm(); f.Ethnicity = "99"; return f }(),
		"unknown division":  func() domain.Document { f := registrationForm(); f.BirthplaceDivision = "999999"; return f }(),
		"no name":           func() domain.Document { f := registrationForm(); f.Name = " "; return f }(),
		"no reasons": &domain.RefusalNotice{Business: "新生儿出生登记", CollabNo: "X1", ApplicantName: "李秀英",
			Office: "某派出所", Reasons: []string{" "}},
		"no ID number": &domain.CompletionConfirmation{CollabNo: "X1", NewbornName: "王小明", Office: "某派出所"},
		"no facts":     &domain.Certificate{Title: "户籍信息证明", Number: "ZM1", VerificationCode: "A", Office: "某派出所", Facts: []string{" "}},
		"no code":      &domain.Certificate{Title: "户籍信息证明", Number: "ZM1", Office: "某派出所", Facts: []string{"x"}},
		"nil":          nil,
	}
	for name, d := range bad {
		_, err := r.Render(ctx, d)
		var de *domain.Error
		require.True(t, errors.As(err, &de), "%s: %v", name, err)
		require.Equal(t, domain.CodeInvalid, de.Code, name)
	}
}

// The blob store is content-addressed: the same document must give the same bytes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	a, err := r.Render(context.Background(), registrationForm())
	require.NoError(t, err)
	b, err := r.Render(context.Background(), registrationForm())
	require.NoError(t, err)
	require.True(t, bytes.Equal(a, b), "two renderings differ")
}

// BenchmarkRender_RegistrationForm measures one form: the work a settlement
// does inside its transaction.
func BenchmarkRender_RegistrationForm(b *testing.B) {
	r, err := shared()
	if err != nil {
		b.Skip(err)
	}
	f := registrationForm()
	for b.Loop() {
		if _, err := r.Render(context.Background(), f); err != nil {
			b.Fatal(err)
		}
	}
}
