package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"hukou/documents"
	"hukou/domain"
	"hukou/integrations/httpclient"
	"hukou/integrations/province"
)

// errUsage makes `hukou verify` exit with status 2 after printing its usage.
var errUsage = errors.New("usage: hukou verify [--province-url URL] [--json] FILE.pdf")

// errInvalidDocument makes `hukou verify` exit with status 1 after printing why.
var errInvalidDocument = errors.New("the document does not verify")

// runVerify runs `hukou verify FILE` (5.1.2): the electronic seals of a PDF,
// checked against the province's e-seal service (its CA and the seals'
// status), printed for a person or as JSON.
func runVerify(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	provinceURL := fs.String("province-url", env("PROVINCE_URL", ""), "the province's e-seal service (its CA certificates and the seals' status)")
	timeout := fs.Duration("timeout", envDuration("INTEGRATION_TIMEOUT", 5*time.Second), "timeout of one call to the e-seal service")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	fs.Usage = commandUsage(fs, "hukou verify [--province-url URL] [--json] FILE.pdf",
		"Verifies the electronic seals (SM2/SM3 PDF signatures) of a document: which seals, by whom, when, whether\n"+
			"the document changed since, and whether each seal was valid (issued by the e-seal CA, not expired, not\n"+
			"revoked) when it was used. Exit status 0 when the document verifies, 1 when it does not (the reason is\n"+
			"printed), 2 for a usage error.")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	if *provinceURL == "" {
		return fmt.Errorf("set PROVINCE_URL or --province-url: the e-seal service says which CA to trust and whether a seal was revoked")
	}
	pdf, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	v := &documents.Verifier{Authority: province.New(httpclient.Config{BaseURL: *provinceURL, Timeout: *timeout})}
	res, err := v.VerifyDocument(ctx, pdf)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		printVerification(stdout, fs.Arg(0), res)
	}
	if !res.Valid {
		return errInvalidDocument
	}
	return nil
}

func printVerification(w io.Writer, name string, v *domain.DocumentVerification) {
	verdict := "VALID"
	if !v.Valid {
		verdict = "NOT VALID: " + v.Reason + ": " + v.Message
	}
	fmt.Fprintf(w, "%s: %s\n", name, verdict)
	fmt.Fprintf(w, "unchanged since the last seal: %v\n", v.Unchanged)
	for i, s := range v.Seals {
		fmt.Fprintf(w, "seal %d: %s (%s)\n", i+1, s.SealName, s.SealID)
		fmt.Fprintf(w, "  holder: %s\n  signed at: %s\n", s.Holder, s.SignedAt.Format(time.RFC3339))
		fmt.Fprintf(w, "  signature valid: %v, certificate trusted: %v, status when used: %s, covers the whole file: %v\n",
			s.SignatureValid, s.Trusted, s.StatusAtSigning, s.CoversWhole)
		if s.Problem != "" {
			fmt.Fprintf(w, "  problem: %s\n", s.Problem)
		}
	}
}
