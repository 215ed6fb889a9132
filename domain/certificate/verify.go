package certificate

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"hukou/domain"
)

// verdictBody is the TRUE, NOT_TRUE and NO_RESULT messages: the decision
// and, for TRUE, the verification materials, each pinned by the envelope's
// attachment hashes in order.
type verdictBody struct {
	Decision  Decision             `json:"decision"`
	Materials []domain.FileContent `json:"materials,omitempty"`
}

var verdictMessage = map[Verdict]domain.MessageType{VerdictTrue: MsgTrue, VerdictNotTrue: MsgNotTrue, VerdictNoResult: MsgNoResult}

// VerifyTrue answers that the matter is true (2.1.3): the findings are
// printed on the certificate, and the verification materials captured at
// R (1.4.4, material VERIFICATION_RECORD, at least one) travel with the
// verdict to the acceptance office.
func (s *Service) VerifyTrue(ctx context.Context, ref domain.CaseRef, findings string) (*domain.Case, error) {
	return s.verify(ctx, ref, ActVerifyTrue, VerdictTrue, findings, nil)
}

// VerifyNotTrue answers that the matter is not true, with the reasons
// (2.1.3); A prints the refusal to certify.
func (s *Service) VerifyNotTrue(ctx context.Context, ref domain.CaseRef, reasons []string) (*domain.Case, error) {
	return s.verify(ctx, ref, ActVerifyNotTrue, VerdictNotTrue, "", reasons)
}

// VerifyNoResult answers that the matter could not be established, with
// the reasons (2.1.3).
func (s *Service) VerifyNoResult(ctx context.Context, ref domain.CaseRef, reasons []string) (*domain.Case, error) {
	return s.verify(ctx, ref, ActVerifyNoResult, VerdictNoResult, "", reasons)
}

func (s *Service) verify(ctx context.Context, ref domain.CaseRef, action domain.Action, v Verdict, findings string, reasons []string) (*domain.Case, error) {
	var materials []domain.FileContent
	var d Decision
	return s.Cases.Act(ctx, MatterKind, domain.StepRequest{Ref: ref, Action: action, Data: &d,
		Validate: func() error {
			var err error
			d.Verdict = v
			d.Findings, d.Reasons, err = checkDecision(v, findings, reasons)
			return err
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			if v != VerdictTrue {
				return nil
			}
			all, err := s.Documents.ArchiveContents(ctx, c.ID)
			if err != nil {
				return err
			}
			if err := requireVerificationMaterials(all); err != nil {
				return err
			}
			for _, f := range all {
				if f.MaterialCode == MaterialVerification {
					materials = append(materials, f)
					d.Materials = append(d.Materials, f.Name)
				}
			}
			return nil
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			d.Office, d.At = c.RegistrationOffice, s.Cases.Now().UTC()
			return updateResult(c, func(r *result) { r.Decision = &d })
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: verdictMessage[v], Attachments: domain.ArchiveAttachments(materials),
				Body: verdictBody{Decision: d, Materials: materials}})
			return err
		}})
}

// onVerdict keeps the verdict on the acceptance office's copy, with the
// verification materials of a TRUE verdict as its archives (each checked
// against its signed hash and as an upload is checked).
func (s *Service) onVerdict(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body verdictBody
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return nil, domain.FieldErrorf("body", "the verdict is malformed: %v", err).WithReason("certificate.verdict_body")
	}
	d := body.Decision
	if verdictMessage[d.Verdict] != domain.MessageType(env.MessageType) {
		return nil, domain.FieldErrorf("body", "a %s message carries verdict %q", env.MessageType, d.Verdict).WithReason("certificate.verdict_body")
	}
	findings, reasons, err := checkDecision(d.Verdict, d.Findings, d.Reasons)
	if err != nil {
		return nil, domain.FieldErrorf("body", "the verdict is incomplete: %v", err).WithReason("certificate.verdict_body")
	}
	d.Findings, d.Reasons = findings, reasons
	if d.Verdict == VerdictTrue {
		if err := requireVerificationMaterials(body.Materials); err != nil {
			return nil, domain.FieldErrorf("attachments", "a TRUE verdict came without verification materials").WithReason("certificate.verification_materials")
		}
	}
	if err := domain.CheckArchiveAttachments(body.Materials, env); err != nil {
		return nil, err
	}
	d.Materials = nil
	for i := range body.Materials {
		f := &body.Materials[i]
		if err := s.Documents.KeepArchiveFile(ctx, tx, c.ID, MaterialVerification, f); err != nil {
			return nil, err
		}
		d.Materials = append(d.Materials, f.Name)
	}
	return d, updateResult(c, func(r *result) { r.Decision = &d })
}

// matterFacts are the printed facts of a matter certificate or refusal.
func matterFacts(m *Matter, d *Decision) []string {
	t, _ := matterType(m.MatterType)
	facts := []string{"证明事项：" + t.Title}
	for i, p := range m.Persons {
		facts = append(facts, fmt.Sprintf("当事人%d：%s（公民身份号码 %s）", i+1, p.Name, p.IDNumber))
	}
	for _, f := range []struct{ label, v string }{{"关系", m.Relation}, {"曾用名", m.OtherName}, {"曾经住址", m.Address}, {"期间", m.Period}} {
		if f.v != "" {
			facts = append(facts, f.label+"："+f.v)
		}
	}
	facts = append(facts, "申请证明内容："+m.Statement, "用途："+m.Purpose)
	if d.Verdict == VerdictTrue {
		facts = append(facts, "核实结果："+d.Findings)
	} else {
		facts = append(facts, "核实结果：经核实，申请证明的事项不能证明。原因："+strings.Join(d.Reasons, "；"))
	}
	return facts
}

// Print issues the matter certificate on a TRUE verdict (2.2.8): its
// number and verification code, the facts verified; the case completes and
// the registration office's copy closes.
func (s *Service) Print(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.printDocument(ctx, ref, ActPrint, MatterTitle)
}

// PrintRefusal issues the refusal to certify on a NOT_TRUE verdict
// (2.2.8); the case closes on both sides.
func (s *Service) PrintRefusal(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.printDocument(ctx, ref, ActPrintRefusal, RefusalTitle)
}

func (s *Service) printDocument(ctx context.Context, ref domain.CaseRef, action domain.Action, title string) (*domain.Case, error) {
	var issued *Issued
	var pdf *domain.BlobRef
	kind := DocumentCertificate
	if action == ActPrintRefusal {
		kind = DocumentRefusal
	}
	return s.Cases.Act(ctx, MatterKind, domain.StepRequest{Ref: ref, Action: action, Data: &issued,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if d.Matter == nil || d.Result.Decision == nil {
				return domain.Errorf(domain.CodeInternal, "certificate case %s has no verdict to print", c.ID)
			}
			if issued, err = issue(c.CollabNo, title, d.Matter.Persons[0].Name, matterFacts(d.Matter, d.Result.Decision), c.AcceptanceOffice,
				s.officeName(ctx, c.AcceptanceOffice), s.Cases.Now()); err != nil {
				return err
			}
			pdf, err = s.render(ctx, issued)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(r *result) {
				if action == ActPrint {
					r.Certificate = issued
				} else {
					r.Refusal = issued
				}
			})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if err := s.Documents.RecordDocument(ctx, tx, c.ID, kind, documentName(issued), *pdf); err != nil {
				return err
			}
			return s.sendClosed(ctx, tx, c)
		}})
}

// Close closes a case R could not verify (NO_RESULT); both copies close.
func (s *Service) Close(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, MatterKind, domain.StepRequest{Ref: ref, Action: ActClose, Effects: s.sendClosed})
}

func (s *Service) sendClosed(ctx context.Context, tx domain.Repos, c *domain.Case) error {
	_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgClosed, Body: map[string]string{"status": string(c.Status)}})
	return err
}

// RevokeInfo revokes an issued information certificate: verification then
// answers REVOKED. Only an approver may revoke, with a reason.
func (s *Service) RevokeInfo(ctx context.Context, ref domain.CaseRef, reason string) (*domain.Case, error) {
	return s.revoke(ctx, InfoKind, ActRevokeInfo, ref, reason)
}

// RevokeMatter revokes an issued matter certificate.
func (s *Service) RevokeMatter(ctx context.Context, ref domain.CaseRef, reason string) (*domain.Case, error) {
	return s.revoke(ctx, MatterKind, ActRevokeMatter, ref, reason)
}

func (s *Service) revoke(ctx context.Context, kind domain.CaseKind, action domain.Action, ref domain.CaseRef, reason string) (*domain.Case, error) {
	var clean string
	return s.Cases.Act(ctx, kind, domain.StepRequest{Ref: ref, Action: action, Note: reason,
		Validate: func() error {
			var err error
			clean, err = revocationReason(reason)
			return err
		},
		Change: func(ctx context.Context, _ domain.Repos, c *domain.Case) error {
			by := domain.ActorFromContext(ctx).Shown()
			return updateResult(c, func(r *result) { r.Revocation = &Revocation{Reason: clean, By: by, At: s.Cases.Now().UTC()} })
		}})
}

var reProvince = regexp.MustCompile(`^[1-9][0-9]$`)

// Route asks a third province to verify the matter through the province
// platform (2.2.7), before the registration office gives its verdict: the
// answer is kept with the case and its materials as the case's
// verification archives, so a TRUE verdict can send them on. The province
// must be neither the registration office's nor the acceptance office's.
// Errors: CodeInvalid (province), CodeUnavailable (the platform did not
// answer: nothing is kept), the engine's.
func (s *Service) Route(ctx context.Context, ref domain.CaseRef, province string) (*domain.Case, error) {
	province = strings.TrimSpace(province)
	var answer *RouteAnswer
	return s.Cases.Act(ctx, MatterKind, domain.StepRequest{Ref: ref, Action: ActRoute, Note: province, Data: &answer,
		Validate: func() error {
			if !reProvince.MatchString(province) {
				return domain.FieldErrorf("province", "the province is a 2-digit GB/T 2260 code").WithReason("certificate.province")
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			if province == c.RegistrationOffice[:2] || province == c.AcceptanceOffice[:2] {
				return domain.FieldErrorf("province", "province %s is a party of this case; route to a third province", province).WithReason("certificate.province_party")
			}
			d, err := decode(c)
			if err != nil {
				return err
			}
			answer, err = s.Platform.RouteVerification(ctx, RouteRequest{CollabNo: c.CollabNo, RequestingOffice: c.RegistrationOffice,
				Province: province, MatterType: d.Matter.MatterType, Statement: d.Matter.Statement, Persons: d.Matter.Persons})
			if err != nil {
				return err
			}
			if !answer.Verdict.Valid() || answer.Province != province {
				return domain.Errorf(domain.CodeUnavailable, "the province platform answered for province %q with verdict %q", answer.Province, answer.Verdict).WithReason("certificate.route_answer")
			}
			return nil
		},
		Change: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			for _, f := range answer.Materials {
				if err := s.Documents.KeepArchive(ctx, tx, c.ID, MaterialVerification, f.Name, f.ContentType, f.Content); err != nil {
					return err
				}
				answer.Files = append(answer.Files, f.Name)
			}
			return updateResult(c, func(r *result) { r.Route = answer })
		}})
}
