package documents_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

func acceptanceReceipt() *domain.AcceptanceReceipt {
	return &domain.AcceptanceReceipt{
		Business: "新生儿出生登记", CollabNo: "X211103202612100001", ApplicantName: "李秀英", ApplicantIDNumber: "130102199001011234",
		Materials:  []domain.ReceivedMaterial{{Name: "出生医学证明", Pages: 1}, {Name: "父母双方居民户口簿", Pages: 3}},
		AcceptedAt: date, Deadline: date.Add(15 * 24 * time.Hour),
		Office: "石家庄市公安局长安分局建北派出所", Supervisor: "石家庄市公安局长安分局", Date: date,
		Seals: []domain.Seal{{Office: "石家庄市公安局长安分局建北派出所", Name: "户口专用章", OfficeCode: stationCode}},
	}
}

// TestAcceptanceReceipt renders the 受理回执 (issue 19): the collaboration
// number, applicant, business, every material received with its pages, the
// promised date and where to ask; a receipt without an applicant is refused.
func TestAcceptanceReceipt(t *testing.T) {
	t.Parallel()
	pdf, err := renderer(t).Render(context.Background(), acceptanceReceipt())
	require.NoError(t, err)
	keep(t, "acceptance-receipt.pdf", pdf)
	requireContains(t, pdfText(t, pdf), "受理回执", "X211103202612100001", "李秀英", "130102199001011234", "新生儿出生登记",
		"出生医学证明（1页）", "父母双方居民户口簿（3页）", "2026年12月10日前", "石家庄市公安局长安分局建北派出所", "石家庄市公安局长安分局反映")

	bad := acceptanceReceipt()
	bad.ApplicantName = " "
	_, err = renderer(t).Render(context.Background(), bad)
	require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
}

// TestAcceptanceReceiptSealed: the receipt is stamped like every business
// document (5.1.2), with the station's household seal and the clerk's
// personal seal, and both verify.
func TestAcceptanceReceiptSealed(t *testing.T) {
	t.Parallel()
	f := sealSetup(t)
	pdf, err := f.renderer.Render(f.officer, acceptanceReceipt())
	require.NoError(t, err)
	requireContains(t, pdfText(t, pdf), "受理回执", "X211103202612100001", "出生医学证明（1页）")
	v, err := f.svc.VerifyDocument(f.officer, "receipt.pdf", pdf)
	require.NoError(t, err)
	require.True(t, v.Valid, "%+v", v)
	require.Len(t, v.Seals, 2)
	require.Equal(t, "石家庄市公安局长安分局建北派出所户口专用章", v.Seals[0].SealName)
	for _, s := range v.Seals {
		require.True(t, s.SignatureValid)
		require.True(t, s.Trusted)
	}
}
