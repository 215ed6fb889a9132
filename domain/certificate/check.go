package certificate

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"hukou/domain"
)

// CheckStatus is the answer of a certificate verification.
type CheckStatus string

// Answers.
const (
	CheckValid   CheckStatus = "VALID"
	CheckRevoked CheckStatus = "REVOKED"
	CheckUnknown CheckStatus = "UNKNOWN"
)

// Check is what a holder of a certificate (a bank, a school) learns from
// Verify: only what the certificate itself shows on its face, and nothing
// but the status for an unknown number or a wrong code.
type Check struct {
	Status     CheckStatus
	Number     string
	Title      string
	HolderName string
	OfficeName string
	IssuedAt   *time.Time
	RevokedAt  *time.Time
}

// Throttle bounds failed verifications (UNKNOWN answers) per client
// address within Window, counted from the audit log like failed sign-ins
// (every instance sharing the database counts the same).
type Throttle struct {
	Window     time.Duration
	PerAddress int
}

// DefaultThrottle: 20 failed verifications per address in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerAddress: 20}

// auditVerify is the audit operation of Verify; failed answers are
// recorded with domain.LoginFailed as detail, which the throttle counts.
const auditVerify = "verifyCertificate"

// Verify answers whether number and code are those of a certificate issued
// here: VALID, REVOKED, or UNKNOWN (a forged number or code, or a refusal
// that was never issued), without a login. Every answer is audited with the
// client address; an address that had too many UNKNOWN answers is refused
// with CodeTooManyRequests before anything is looked up.
func (s *Service) Verify(ctx context.Context, number, code, remoteAddr string) (*Check, error) {
	now := s.Cases.Now().UTC()
	number, code = strings.ToUpper(strings.TrimSpace(number)), strings.ToUpper(strings.TrimSpace(code))
	if len(number) > 64 {
		number = number[:64]
	}
	if err := s.checkThrottle(ctx, remoteAddr, now); err != nil {
		return nil, err
	}
	check, err := s.lookupCertificate(ctx, number, code)
	if err != nil {
		return nil, err
	}
	detail := strings.ToLower(string(check.Status))
	if check.Status == CheckUnknown {
		detail = domain.LoginFailed
	}
	entry := domain.NewAuditEntry(nil, now, domain.AuditRead, auditVerify, "Certificate", number, detail)
	entry.ActorName, entry.RemoteAddr = "public", remoteAddr
	if err := s.Cases.Audit.Record(ctx, entry); err != nil {
		return nil, err
	}
	return check, nil
}

func (s *Service) lookupCertificate(ctx context.Context, number, code string) (*Check, error) {
	unknown := &Check{Status: CheckUnknown, Number: number}
	collabNo, ok := collabNoOf(number)
	if !ok || !validCode(code) {
		return unknown, nil
	}
	c, err := s.Cases.DB.Cases().FindCaseByCollabNo(ctx, collabNo, domain.SideAcceptance)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return unknown, nil
	} else if err != nil {
		return nil, fmt.Errorf("verify certificate %s: %w", number, err)
	}
	if c.Kind != InfoKind && c.Kind != MatterKind {
		return unknown, nil
	}
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	issued := d.Result.Certificate
	if issued == nil {
		issued = d.Result.Refusal
	}
	if issued == nil || issued.Number != number || subtle.ConstantTimeCompare([]byte(issued.Code), []byte(code)) != 1 {
		return unknown, nil
	}
	at := issued.IssuedAt
	out := &Check{Status: CheckValid, Number: number, Title: issued.Title, HolderName: issued.HolderName, OfficeName: issued.OfficeName, IssuedAt: &at}
	if c.Status == Revoked && d.Result.Revocation != nil {
		r := d.Result.Revocation.At
		out.Status, out.RevokedAt = CheckRevoked, &r
	}
	return out, nil
}

// checkThrottle refuses an address that used up its failed verifications.
func (s *Service) checkThrottle(ctx context.Context, remoteAddr string, now time.Time) error {
	th := s.Throttle
	if th.PerAddress <= 0 || remoteAddr == "" {
		return nil
	}
	failures, err := s.Cases.DB.Audit().FindLoginFailures(ctx, domain.LoginFailureFilter{Operation: auditVerify, RemoteAddr: remoteAddr,
		Since: now.Add(-th.Window), Limit: th.PerAddress})
	if err != nil {
		return err
	}
	if len(failures) < th.PerAddress {
		return nil
	}
	retry := max(failures[len(failures)-1].Add(th.Window).Sub(now).Round(time.Second), time.Second)
	return &domain.Error{Code: domain.CodeTooManyRequests, Reason: "certificate.verify_throttled", RetryAfter: retry,
		Message: fmt.Sprintf("too many certificates could not be verified from this address; try again in %s", retry)}
}

// Types returns the matter types a clerk may choose (1.1.6).
func (s *Service) Types(ctx context.Context) ([]MatterType, error) {
	if _, err := domain.Authorize(ctx, domain.RoleClerk, domain.RoleOfficer, domain.RoleApprover); err != nil {
		return nil, err
	}
	return MatterTypes, nil
}

// Certificate document kinds (case files of category DOCUMENT).
const (
	DocumentCertificate = "CERTIFICATE"
	DocumentRefusal     = "CERTIFICATE_REFUSAL"
)

// documentName is the file name of an issued certificate's PDF.
func documentName(c *Issued) string { return c.Title + "-" + c.Number + ".pdf" }

// render renders an issued certificate or refusal in the format police
// stations print (title, number and verification code, facts, validity,
// office, date, seal) and stores it, outside any transaction. Errors:
// CodeUnavailable when this server cannot render now (nothing is issued).
func (s *Service) render(ctx context.Context, c *Issued) (*domain.BlobRef, error) {
	doc := &domain.Certificate{Title: c.Title, Number: c.Number, VerificationCode: c.Code, Facts: c.Facts, Office: c.OfficeName,
		Date: c.IssuedAt, Seals: []domain.Seal{{Office: c.OfficeName, Name: "户口专用章", OfficeCode: c.Office}},
		VerifyHint: "持证明者可凭证明编号和验证码在公安机关户籍证明查验页面查验本证明。"}
	switch c.Title {
	case RefusalTitle:
		doc.Lead = "经户籍地公安机关核实，你申请证明的事项不能证明，决定不予出具证明。情况如下："
		doc.ValidityNote = "如对本决定不服，可以自收到本告知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
	default:
		doc.Lead = "兹证明："
		doc.ValidityNote = "本证明自出具之日起三个月内有效，涂改无效。"
	}
	pdf, err := s.Renderer.Render(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", c.Title, c.Number, err)
	}
	ref, err := s.Documents.StoreDocument(ctx, "application/pdf", pdf)
	if err != nil {
		return nil, err
	}
	return &ref, nil
}
