package migration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"hukou/domain"
)

// Submit locks the case and sends it with its captured archives to the
// registration office through the platform (1.1.4, 1.4.2), in one
// transaction; the archives are read before it. Every material the
// Ministry's list marks required and every material the category requires
// (data/categories.csv) must have been captured, or a licence cited for it
// (CodeInvalid naming "materials", reason archive.materials_missing). The
// e-move-in permit (电子准迁证, 4.1.2) is issued by the Ministry's licence
// service last, before the transaction (or the permit the clerk cited is
// taken), and travels with the application.
func (s *Service) Submit(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var archives []domain.FileContent
	var permit string
	sent := &struct {
		Archives int `json:"archives"`
	}{}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSubmit, Data: sent,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			if err := s.Documents.RequireMaterials(ctx, c); err != nil {
				return err
			}
			d, err := decode(c)
			if err != nil {
				return err
			}
			if archives, err = s.Documents.ArchiveContents(ctx, c.ID); err != nil {
				return err
			}
			sent.Archives = len(archives)
			cited, err := s.Cases.DB.Licences().CitedLicences(ctx, c.ID)
			if err != nil {
				return err
			}
			if err := categoryMaterials(d.Applicant.Category, archives, cited); err != nil {
				return err
			}
			permit, err = s.moveInPermit(ctx, c, d, cited)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			if permit == "" {
				return nil
			}
			var a Applicant
			if err := json.Unmarshal(c.Applicant, &a); err != nil {
				return fmt.Errorf("decode the applicant of %s: %w", c.ID, err)
			}
			a.MoveInPermit = permit
			raw, err := json.Marshal(a)
			c.Applicant = raw
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return s.Cases.SendApplication(ctx, tx, c, archives)
		}})
}

// moveInPermit returns the e-move-in permit of case c (4.1.2): the one the
// clerk cited (a MOVE_IN_PERMIT among the cited licences), the one issued
// before, or a new one the Ministry's licence service issues for the
// movers and their destination, keyed by the case and its applicant
// (domain.CaseLicenceKey): a submission that failed after the Ministry's
// issue and is submitted again gets the same permit. Should the movers or
// the destination have changed meanwhile, the Ministry refuses the key
// (CodeConflict, licence.key_reused) rather than issue a second permit.
func (s *Service) moveInPermit(ctx context.Context, c *domain.Case, d *data, cited []domain.CitedLicence) (string, error) {
	if s.Licences == nil {
		return "", nil
	}
	if d.Applicant.MoveInPermit != "" {
		return d.Applicant.MoveInPermit, nil
	}
	for _, cl := range cited {
		if l, err := s.Cases.DB.Licences().FindLicence(ctx, cl.LicenceID); err == nil && l.Type == domain.LicenceMoveInPermit {
			return l.ID, nil
		}
	}
	name := ""
	for _, m := range d.Ministry.Household.Members {
		if m.IDNumber == d.Applicant.ApplicantIDNumber {
			name = m.Name
		}
	}
	if name == "" {
		return "", domain.Errorf(domain.CodeConflict, "the applicant %s is not in the Ministry household fetched at intake; the e-move-in permit names its holder", d.Applicant.ApplicantIDNumber).
			WithReason("migration.applicant_unknown")
	}
	l, err := s.Licences.Issue(ctx, domain.LicenceRequest{Type: domain.LicenceMoveInPermit, HolderIDNumber: d.Applicant.ApplicantIDNumber, HolderName: name,
		Data: map[string]string{"collabNo": c.CollabNo, "movers": strings.Join(d.Applicant.Movers, ","), "toOffice": c.AcceptanceOffice,
			"toDivision": d.Ministry.DestDivision, "toAddress": d.Ministry.DestAddress, "category": d.Applicant.Category},
		Key: domain.CaseLicenceKey(c, domain.LicenceMoveInPermit, "migration.submit", d.Applicant.ApplicantIDNumber, 1)})
	if err != nil {
		return "", fmt.Errorf("the e-move-in permit: %w", err)
	}
	return l.ID, nil
}

// categoryMaterials refuses archives that lack a material the category
// requires, unless a licence is cited for it (4.1.2).
func categoryMaterials(category string, archives []domain.FileContent, cited []domain.CitedLicence) error {
	cat, _ := categoryOf(category)
	var missing []string
	for _, m := range cat.Materials {
		if !slices.ContainsFunc(archives, func(f domain.FileContent) bool { return f.MaterialCode == m }) &&
			!slices.ContainsFunc(cited, func(cl domain.CitedLicence) bool { return cl.MaterialCode == m }) {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return domain.FieldErrorf("materials", "%s needs these materials captured before submitting: %s", cat.Name, strings.Join(missing, ", ")).WithReason("archive.materials_missing")
	}
	return nil
}

// onApplication answers EXTRACTED once the engine created the registration
// office's copy (status RECEIVED, in the approval queue).
func (s *Service) onApplication(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgExtracted,
		Body: map[string]string{"status": string(domain.StatusReceived)}, ReplyToHash: env.Hash()})
	return nil, err
}

// Refuse records the registration office's refusal to move the movers out
// with its reasons (each required), keeps the sealed refusal notice
// (rendered and stored before the transaction) and sends both to the
// acceptance office (2.1.2, 1.3.7). When this server cannot render the
// notice (documents.font_missing), the refusal is refused with
// CodeUnavailable and nothing changes.
func (s *Service) Refuse(ctx context.Context, ref domain.CaseRef, reasons []string) (*domain.Case, error) {
	clean := cleanReasons(reasons)
	d := Decision{Approved: false, Reasons: clean}
	var pdf []byte
	var stored domain.BlobRef
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRefuse, Note: strings.Join(clean, "; "), Data: d,
		Validate: func() error {
			if len(clean) == 0 {
				return domain.FieldErrorf("reasons", "give at least one reason for the refusal").WithReason("migration.reasons_required")
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			var err error
			if pdf, err = s.renderRefusal(ctx, c, d); err != nil {
				return err
			}
			stored, err = s.Documents.StoreDocument(ctx, "application/pdf", pdf)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return setResult(c, Outcome{Decision: d})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			name := refusalName(c)
			if err := s.Documents.RecordDocument(ctx, tx, c.ID, DocumentRefusalNotice, name, stored); err != nil {
				return err
			}
			notice, att := domain.Inline(name, pdf, 0)
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgRefused, Body: refusedBody{Decision: d, Notice: &notice},
				Attachments: []domain.AttachmentRef{att}})
			return err
		}})
}

// refusedBody is the REFUSED message: the decision with its reasons and the
// sealed refusal notice.
type refusedBody struct {
	Decision
	Notice *domain.InlinePDF `json:"notice,omitempty"`
}

func refusalName(c *domain.Case) string { return "不予迁出通知书-" + c.CollabNo + ".pdf" }

// renderRefusal renders the sealed move-out refusal notice of c.
func (s *Service) renderRefusal(ctx context.Context, c *domain.Case, d Decision) ([]byte, error) {
	md, err := decode(c)
	if err != nil {
		return nil, err
	}
	applicant, names := md.Applicant.ApplicantIDNumber, []string{}
	if h := md.Ministry.Household; h != nil {
		for _, m := range h.Members {
			if m.IDNumber == md.Applicant.ApplicantIDNumber {
				applicant = m.Name
			}
			if slices.Contains(md.Applicant.Movers, m.IDNumber) {
				names = append(names, m.Name)
			}
		}
	}
	office := s.officeName(ctx, c.RegistrationOffice)
	pdf, err := s.Renderer.Render(ctx, &domain.RefusalNotice{Business: Title, SubjectRole: "迁移人", CollabNo: c.CollabNo,
		ApplicantName: applicant, SubjectName: strings.Join(names, "、"), Reasons: d.Reasons, Office: office,
		Date: s.Cases.Now(), Seals: []domain.Seal{{Office: office, Name: "户口专用章", OfficeCode: c.RegistrationOffice}}})
	if err != nil {
		return nil, fmt.Errorf("render the refusal notice: %w", err)
	}
	return pdf, nil
}

// officeName names an office of this deployment, or keeps its code.
func (s *Service) officeName(ctx context.Context, code string) string {
	if o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, code); err == nil {
		return o.Name
	}
	return code
}

// onRefused keeps the refusal's reasons and its notice on the acceptance
// office's copy; the notice must match the hash the sender signed.
func (s *Service) onRefused(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body refusedBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Approved || len(cleanReasons(body.Reasons)) == 0 {
		return nil, domain.FieldErrorf("body", "the refusal carries no reasons").WithReason("migration.refusal_body")
	}
	if body.Notice != nil {
		pdf, err := body.Notice.Content(env)
		if err != nil {
			return nil, err
		}
		if err := s.Documents.KeepDocument(ctx, tx, c.ID, DocumentRefusalNotice, refusalName(c), "application/pdf", pdf); err != nil {
			return nil, err
		}
	}
	return body.Decision, setResult(c, Outcome{Decision: body.Decision})
}

// CloseRefused closes a refused case at the acceptance office (1.3.7) and
// tells the registration office, whose refused copy closes too.
func (s *Service) CloseRefused(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCloseRefused,
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgClosed,
				Body: map[string]string{"status": string(domain.StatusClosed)}})
			return err
		}})
}
