package resolvers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/graph/scalar"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/blob"
	"hukou/storage/storagetest"
)

const printReceipt = `mutation($id: CaseID!) { printAcceptanceReceipt(id: $id) { id category materialCode name contentType revision url } }`

// TestPrintAcceptanceReceipt (issue 19, 1.1.14): the clerk prints the
// applicant's receipt of a birth case with its captured material; the PDF
// names the collaboration number, the declarant and the material, and each
// print is the next revision of the case's ACCEPTANCE_RECEIPT document. Other
// roles, other stations and the registration office's copy are refused.
func TestPrintAcceptanceReceipt(t *testing.T) {
	t.Parallel()
	sim := httptest.NewServer(ministrysim.MustNew(ministrysim.Config{}))
	t.Cleanup(sim.Close)
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		blobs, err := blob.NewLocal(t.TempDir())
		require.NoError(t, err)
		renderer, err := documents.New(documents.Config{})
		if err != nil {
			t.Skip(err) // no CJK font here; CI has it
		}
		cases := storagetest.Engine(db, b.audit, birth.Workflow)
		archives := domain.NewArchiveService(cases, blobs, ministry.New(httpclient.Config{BaseURL: sim.URL}), 0)
		res := *b.res
		res.Casework, res.Archives = cases, archives
		res.Receipts = &domain.ReceiptService{Cases: cases, Archives: archives, Renderer: renderer}
		mux := http.NewServeMux()
		mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: &res, Tokens: b.tokens}))
		mux.Handle("/files/", resolvers.NewFileHandler(archives, b.tokens, res.Auth))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)

		clerk := b.token(t, b.clerk)
		caseID := receiptCase(t, db, b.station, domain.SideAcceptance)
		gid := scalar.GlobalID("Case", caseID)
		uploadMultipart(t, srv.URL, clerk, uploadArchiveMutation, map[string]any{"c": gid, "m": "BIRTH_CERT"}, "f", "出生医学证明.png", "image/png",
			testPNG(t, 64, 48)).ok(t, &struct{}{})

		t.Run("Refusals", func(t *testing.T) {
			for _, u := range []*domain.User{b.officer, b.analyst, b.admin} {
				requireError(t, b.do2(t, srv.URL, b.token(t, u), printReceipt, map[string]any{"id": gid}), "FORBIDDEN", "", "auth.role")
			}
			requireError(t, b.do2(t, srv.URL, b.token(t, b.otherClerk), printReceipt, map[string]any{"id": gid}), "NOT_FOUND", "", "not_found")
			other := scalar.GlobalID("Case", receiptCase(t, db, b.station, domain.SideRegistration))
			requireError(t, b.do2(t, srv.URL, clerk, printReceipt, map[string]any{"id": other}), "BAD_USER_INPUT", "id", "receipt.side")
			requireError(t, b.do2(t, srv.URL, clerk, printReceipt, map[string]any{"id": "nonsense"}), "BAD_USER_INPUT", "id", "node.id")
		})

		var out struct {
			PrintAcceptanceReceipt struct {
				ID, Category, MaterialCode, Name, ContentType, URL string
				Revision                                           int
			}
		}
		b.do2(t, srv.URL, clerk, printReceipt, map[string]any{"id": gid}).ok(t, &out)
		f := out.PrintAcceptanceReceipt
		require.Equal(t, "DOCUMENT", f.Category)
		require.Equal(t, "ACCEPTANCE_RECEIPT", f.MaterialCode)
		require.Equal(t, "application/pdf", f.ContentType)
		require.Equal(t, 1, f.Revision)
		require.Contains(t, f.Name, "受理回执")
		resp, pdf := get(t, srv.URL+f.URL, clerk)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		text := pdfToText(t, pdf)
		for _, want := range []string{"受理回执", "XR2111030000000001", "李秀英", "出生医学证明（1页）", "新生儿出生登记"} {
			require.Contains(t, text, want)
		}
		b.do2(t, srv.URL, clerk, printReceipt, map[string]any{"id": gid}).ok(t, &out)
		require.Equal(t, 2, out.PrintAcceptanceReceipt.Revision, "a reprint is the next revision")
	})
}

// receiptCase stores a birth case with a declarant at office on side.
func receiptCase(t *testing.T, db *storage.DB, office string, side domain.Side) string {
	t.Helper()
	now := time.Now().UTC()
	applicant, err := json.Marshal(map[string]string{"declarantName": "李秀英", "declarantIdNumber": "130102199001011234", "newbornName": "王小明"})
	require.NoError(t, err)
	collab := "XR2111030000000001"
	if side == domain.SideRegistration {
		collab = "XR2111030000000002"
	}
	c := &domain.Case{ID: newID(), Kind: birth.Kind, Side: side, CollabNo: collab,
		Status: domain.StatusDraft, AcceptanceOffice: office, RegistrationOffice: "130102000100", RegistrationProvince: "13",
		Office: office, Applicant: applicant, Ministry: json.RawMessage("{}"), Result: json.RawMessage("{}"),
		CreatedBy: "clerk", CreatedAt: now, UpdatedAt: now}
	require.NoError(t, db.InTx(context.Background(), func(ctx context.Context, tx domain.Repos) error {
		return tx.Cases().CreateCase(ctx, c)
	}))
	return c.ID
}

// pdfToText is pdftotext's reading of pdf (skipped without poppler).
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command(bin, "-layout", in, "-").Output()
	require.NoError(t, err)
	return strings.Join(strings.Fields(string(out)), " ")
}
