package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// requestSeals has the instance's administrator request the household seal
// of office and the personal seal of each user (5.1.1).
func requestSeals(t *testing.T, addr, adminToken, office string, users ...string) {
	t.Helper()
	const q = `mutation($in: RequestSealInput!) { requestSeal(input: $in) { id kind name status imageDataUrl } }`
	var out struct {
		RequestSeal struct{ ID, Kind, Name, Status, ImageDataURL string }
	}
	require.NoError(t, gql(addr, adminToken, q, map[string]any{"in": map[string]any{"kind": "HOUSEHOLD", "officeCode": office}}, &out))
	require.Equal(t, "VALID", out.RequestSeal.Status)
	require.Contains(t, out.RequestSeal.ImageDataURL, "data:image/png;base64,")
	for _, u := range users {
		require.NoError(t, gql(addr, adminToken, q, map[string]any{"in": map[string]any{"kind": "PERSONAL", "userId": u}}, &out))
		require.Equal(t, "PERSONAL", out.RequestSeal.Kind)
	}
}

type verification struct {
	Valid, Unchanged bool
	Reason, Message  string
	Seals            []struct {
		SealID, SealName, Holder, StatusAtSigning string
		SignatureValid, Trusted, CoversWhole      bool
	}
}

const verifyQ = `query($f: Upload!) { verifyDocument(file: $f) { valid unchanged reason message
	seals { sealId sealName holder statusAtSigning signatureValid trusted coversWhole } } }`

// download fetches a file with the token.
func download(t *testing.T, url, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return b
}

// requireSealed checks that the PDF at url verifies at addr (verifyDocument)
// with seals named wantSeals, in order, and with `hukou verify` against the
// simulators; a copy with one byte changed fails both ways (5.1.2).
func requireSealed(t *testing.T, c *cluster, addr, token, url string, wantSeals ...string) {
	t.Helper()
	pdf := download(t, url, token)
	var out struct{ VerifyDocument verification }
	require.NoError(t, upload(addr, token, verifyQ, map[string]any{}, "f", "form.pdf", pdf, &out))
	v := out.VerifyDocument
	require.True(t, v.Valid, "%+v", v)
	require.True(t, v.Unchanged)
	require.Len(t, v.Seals, len(wantSeals))
	for i, s := range v.Seals {
		require.Equal(t, wantSeals[i], s.SealName)
		require.True(t, s.SignatureValid && s.Trusted, "%+v", s)
		require.Equal(t, "VALID", s.StatusAtSigning)
	}
	bad := append([]byte(nil), pdf...)
	i := bytes.Index(bad, []byte("stream\n")) + 30
	bad[i] ^= 0x01
	require.NoError(t, upload(addr, token, verifyQ, map[string]any{}, "f", "form.pdf", bad, &out))
	require.False(t, out.VerifyDocument.Valid)
	require.Equal(t, "document.changed", out.VerifyDocument.Reason)
	require.Equal(t, "FORBIDDEN", gqlErr(t, addr, token, `{ seals { id } }`, nil), "seals are administered by ADMIN")
	require.Equal(t, "FORBIDDEN", gqlErr(t, addr, token, `mutation { revokeSeal(input: {id: "x", reason: "y"}) { id } }`, nil))
	analyst := loginAs(t, addr, "analyst", demoPass)
	require.ErrorContains(t, upload(addr, analyst, verifyQ, map[string]any{}, "f", "form.pdf", pdf, &out), "needs one of the roles", "an analyst does not verify documents")

	dir := t.TempDir()
	good, tampered := filepath.Join(dir, "form.pdf"), filepath.Join(dir, "tampered.pdf")
	require.NoError(t, os.WriteFile(good, pdf, 0o600))
	require.NoError(t, os.WriteFile(tampered, bad, 0o600))
	cmd := exec.Command(binary, "verify", "--province-url", "http://"+c.simAddr+"/province", good)
	text, err := cmd.CombinedOutput()
	require.NoError(t, err, "hukou verify: %s", text)
	require.Contains(t, string(text), ": VALID")
	require.Contains(t, string(text), wantSeals[0])
	cmd = exec.Command(binary, "verify", "--province-url", "http://"+c.simAddr+"/province", tampered)
	text, err = cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", text)
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, string(text), "NOT VALID: document.changed")
}

// TestVerifyCommand_Help: `hukou verify --help` explains itself and exits 0;
// without a file it is a usage error (2).
func TestVerifyCommand_Help(t *testing.T) {
	out, err := exec.Command(binary, "verify", "--help").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "Usage: hukou verify")
	out, err = exec.Command(binary, "verify").CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	require.Equal(t, 2, exit.ExitCode())
}

// issueLicence has the Ministry simulator issue a licence and returns its number.
func issueLicence(t *testing.T, simAddr, typ, idNumber, name string) string {
	t.Helper()
	return issueLicenceUntil(t, simAddr, typ, idNumber, name, "")
}

// issueLicenceUntil issues a licence valid until validUntil (RFC 3339; empty:
// the Ministry's default).
func issueLicenceUntil(t *testing.T, simAddr, typ, idNumber, name, validUntil string) string {
	t.Helper()
	in := map[string]any{"type": typ, "holderIdNumber": idNumber, "holderName": name, "data": map[string]string{"householdNumber": "130102004512"}}
	if validUntil != "" {
		in["validUntil"] = validUntil
	}
	body, err := json.Marshal(in)
	require.NoError(t, err)
	req, err := http.NewRequest("POST", "http://"+simAddr+"/ministry/v1/licences", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	// Every issue names its idempotency key (#17); each licence here is
	// issued once, so a key of its own.
	req.Header.Set("Idempotency-Key", domain.LicenceKey(domain.LicenceType(typ), "e2e", time.Now().Format(time.RFC3339Nano), idNumber, 1))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var out struct{ LicenceID string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return out.LicenceID
}

// revokeLicence has the Ministry simulator revoke a licence.
func revokeLicence(t *testing.T, simAddr, id string) {
	t.Helper()
	res, err := http.Post("http://"+simAddr+"/ministry/v1/licences/"+id+"/revocation", "application/json", bytes.NewReader([]byte(`{"reason": "户口簿已注销"}`)))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// citeLicenceQ cites a licence as a material of a case (4.1.2).
const citeLicenceQ = `mutation($id: ID!, $l: String!) { citeLicence(caseId: $id, materialCode: "HUKOU_BOOK", licenceId: $l) {
	licenceId materialCode status reason licence { id type status holderName items { key value } } } }`

// citedLicence is a CitedLicence as the tests read it.
type citedLicence struct {
	LicenceID, MaterialCode, Status, Reason, Problem string
	Licence                                          struct {
		ID, Type, Status, HolderName, HolderIDNumber string
		FetchedAt                                    time.Time
	}
}

const citedLicencesQ = `query($id: ID!) { citedLicences(caseId: $id) { licenceId materialCode status reason problem
	licence { id type status holderName holderIdNumber fetchedAt } } }`

// requireLicences cites the father's e-hukou book as a material of birth
// case id at the acceptance office by its number (4.1.2), refuses a revoked
// one, an expired one and one of a person the case is not about, and
// fetches the cited licence at the other office too. It returns the cited
// licence's number.
func requireLicences(t *testing.T, c *cluster, clerk, officer, id string) string {
	t.Helper()
	var parents struct {
		Case struct {
			Details struct {
				Certificate struct{ FatherIDNumber, FatherName string }
			}
		}
	}
	require.NoError(t, gql(c.pj.addr, clerk, `query($id: ID!) { case(id: $id) { details { ... on BirthDetails { certificate { fatherIdNumber fatherName } } } } }`,
		map[string]any{"id": id}, &parents))
	father := parents.Case.Details.Certificate
	require.NotEmpty(t, father.FatherIDNumber)
	book := issueLicence(t, c.simAddr, "HUKOU_BOOK", father.FatherIDNumber, father.FatherName)
	var out struct {
		CiteLicence struct {
			LicenceID, MaterialCode, Status, Reason string
			Licence                                 struct {
				ID, Type, Status, HolderName string
				Items                        []struct{ Key, Value string }
			}
		}
	}
	require.NoError(t, gql(c.pj.addr, clerk, citeLicenceQ, map[string]any{"id": id, "l": book}, &out))
	require.Equal(t, "VALID", out.CiteLicence.Licence.Status)
	require.Equal(t, "HUKOU_BOOK", out.CiteLicence.Licence.Type)
	require.Equal(t, father.FatherName, out.CiteLicence.Licence.HolderName)
	require.Len(t, out.CiteLicence.Licence.Items, 1)

	// Refused as materials: revoked, expired, another person's (4.1.2).
	revoked := issueLicence(t, c.simAddr, "HUKOU_BOOK", father.FatherIDNumber, father.FatherName)
	revokeLicence(t, c.simAddr, revoked)
	requireRefused(t, gqlExt(t, c.pj.addr, clerk, citeLicenceQ, map[string]any{"id": id, "l": revoked}), "CONFLICT", "licenceId", "licence.revoked")
	expired := issueLicenceUntil(t, c.simAddr, "HUKOU_BOOK", father.FatherIDNumber, father.FatherName, "2020-01-01T00:00:00Z")
	requireRefused(t, gqlExt(t, c.pj.addr, clerk, citeLicenceQ, map[string]any{"id": id, "l": expired}), "CONFLICT", "licenceId", "licence.expired")
	stranger := issueLicence(t, c.simAddr, "HUKOU_BOOK", "130102198503120011", "陈建国")
	requireRefused(t, gqlExt(t, c.pj.addr, clerk, citeLicenceQ, map[string]any{"id": id, "l": stranger}), "BAD_USER_INPUT", "licenceId", "licence.holder")
	require.Equal(t, "NOT_FOUND", gqlErr(t, c.pj.addr, clerk, citeLicenceQ, map[string]any{"id": id, "l": "HKB-none"}))
	require.Equal(t, "FORBIDDEN", gqlErr(t, c.pj.addr, loginAs(t, c.pj.addr, "analyst", demoPass), citeLicenceQ, map[string]any{"id": id, "l": book}))

	var cited struct{ CitedLicences []citedLicence }
	require.NoError(t, gql(c.pj.addr, clerk, citedLicencesQ, map[string]any{"id": id}, &cited))
	require.Len(t, cited.CitedLicences, 1, "refused licences are not materials")
	require.Equal(t, book, cited.CitedLicences[0].LicenceID)
	require.Equal(t, "VALID", cited.CitedLicences[0].Status)
	require.Empty(t, cited.CitedLicences[0].Reason)

	var got struct{ Licence struct{ ID, Status string } }
	require.NoError(t, gql(c.sjz.addr, officer, `query($l: String!) { licence(id: $l) { id status } }`, map[string]any{"l": book}, &got))
	require.Equal(t, "VALID", got.Licence.Status, "the other office fetches the same licence")
	require.NoError(t, gql(c.sjz.addr, officer, `query($l: String!) { licence(id: $l) { id status } }`, map[string]any{"l": revoked}, &got))
	require.Equal(t, "REVOKED", got.Licence.Status)
	return book
}

// requireCitedAcross checks that the licence cited at the acceptance office
// (case aID) travelled with the application to the registration office
// (case rID), which verifies it against the Ministry (4.1.2); once the
// Ministry revokes it, both offices show it refused as a material.
func requireCitedAcross(t *testing.T, c *cluster, clerk, officer, aID, rID, book string) {
	t.Helper()
	var cited struct{ CitedLicences []citedLicence }
	require.NoError(t, gql(c.sjz.addr, officer, citedLicencesQ, map[string]any{"id": rID}, &cited))
	require.Len(t, cited.CitedLicences, 1, "the citation travels with the application")
	cl := cited.CitedLicences[0]
	require.Equal(t, book, cl.LicenceID)
	require.Equal(t, "HUKOU_BOOK", cl.MaterialCode)
	require.Equal(t, "VALID", cl.Status)
	require.Empty(t, cl.Reason, "%+v", cl)
	require.WithinDuration(t, time.Now(), cl.Licence.FetchedAt, time.Minute, "verified against the Ministry at the registration office")

	revokeLicence(t, c.simAddr, book)
	for _, side := range []struct{ addr, tok, id string }{{c.sjz.addr, officer, rID}, {c.pj.addr, clerk, aID}} {
		require.NoError(t, gql(side.addr, side.tok, citedLicencesQ, map[string]any{"id": side.id}, &cited))
		require.Len(t, cited.CitedLicences, 1)
		cl = cited.CitedLicences[0]
		require.Equal(t, "REVOKED", cl.Status, "%s", side.addr)
		require.Equal(t, "licence.revoked", cl.Reason)
		require.NotEmpty(t, cl.Problem)
	}
	require.Equal(t, "CONFLICT", gqlErr(t, c.pj.addr, clerk, citeLicenceQ, map[string]any{"id": aID, "l": book}), "no citing after submission, nor a revoked licence")
}
