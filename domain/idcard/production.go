package idcard

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/codes"
)

// issueBody is the ISSUE_WRITTEN message: the issue as A wrote it back.
type issueBody struct {
	Issue         Issue     `json:"issue"`
	WrittenBackAt time.Time `json:"writtenBackAt"`
}

// WriteBack writes the validity, the issuing authority and the issue date
// R signed into the acceptance office's application and syncs the
// handling to R (1.1.11).
func (s *Service) WriteBack(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var body issueBody
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActWriteBack,
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(o *Outcome) error {
				if o.Issue == nil {
					return domain.Errorf(domain.CodeInternal, "approved case %s has no issue", c.ID)
				}
				at := s.now()
				o.WrittenBackAt = &at
				body = issueBody{Issue: *o.Issue, WrittenBackAt: at}
				return nil
			})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgIssueWritten, Body: body})
			return err
		}})
}

// onIssueWritten records A's write-back at R; the issue must be the one R
// signed.
func (s *Service) onIssueWritten(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body issueBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.WrittenBackAt.IsZero() {
		return nil, domain.FieldErrorf("body", "the write-back is malformed").WithReason("id_card.write_back_body")
	}
	return nil, updateResult(c, func(o *Outcome) error {
		if o.Issue == nil || *o.Issue != body.Issue {
			return domain.FieldErrorf("body", "the written-back issue is not the one signed here").WithReason("id_card.write_back_mismatch")
		}
		o.WrittenBackAt = &body.WrittenBackAt
		return nil
	})
}

// buildPackage assembles the n-th package of c (2.2.9): the card's data,
// the photo, the fingers' templates and images, the archives, and the
// manifest of their checksums. It reads the files outside any transaction.
func (s *Service) buildPackage(ctx context.Context, c *domain.Case, d *data, n int) (*Package, string, error) {
	is := d.Result.Issue
	if is == nil {
		return nil, "", domain.Errorf(domain.CodeInternal, "case %s has no issue to package", c.ID)
	}
	per := d.Ministry.Person
	address := d.Ministry.Address
	if name := codes.FullName(d.Ministry.Division); name != "" && !strings.HasPrefix(address, name) {
		address = name + address
	}
	p := &Package{ID: packageID(c.CollabNo, n), CollabNo: c.CollabNo, AcceptanceOffice: c.AcceptanceOffice, ApplicationKind: d.Applicant.ApplicationKind,
		Card: CardData{IDNumber: per.IDNumber, Name: per.Name, Sex: per.Sex, Ethnicity: per.Ethnicity, BirthDate: formatDay(day(per.BirthDate)),
			Address: address, Authority: is.Authority, ValidFrom: is.ValidFrom, ValidUntil: is.ValidUntil}}
	photo, err := s.Documents.DocumentContent(ctx, c.ID, DocumentPhoto)
	if err != nil {
		return nil, "", fmt.Errorf("the photo: %w", err)
	}
	p.Photo = photo.Content
	for i, f := range d.Applicant.Fingerprints {
		pf := PackageFinger{Position: f.Position, NotAvailable: f.NotAvailable, Quality: f.Quality}
		if f.Captured() {
			if pf.Template, err = base64.StdEncoding.DecodeString(f.Template); err != nil {
				return nil, "", fmt.Errorf("the template of finger %d: %w", i+1, err)
			}
			img, err := s.Documents.DocumentContent(ctx, c.ID, fmt.Sprintf("%s%d", documentFingerPrefix, i+1))
			if err != nil {
				return nil, "", fmt.Errorf("the image of finger %d: %w", i+1, err)
			}
			pf.Image = img.Content
		}
		p.Fingerprints = append(p.Fingerprints, pf)
	}
	archives, err := s.Documents.ArchiveContents(ctx, c.ID)
	if err != nil {
		return nil, "", err
	}
	p.Archives = domain.FlattenPages(archives) // the production centre's contract carries single files

	var digest string
	p.Manifest, digest = Manifest(p)
	return p, digest, nil
}

// Package packages the written-back application (data, photo, fingerprints,
// archives, with checksums) and uploads it to the production centre
// (2.2.9); a corrected application is packaged again under the next
// package ID. The upload happens before the step's transaction: when the
// production centre refuses or cannot be reached, the step is refused
// (CodeInvalid with its reason, CodeUnavailable) and nothing changes; an
// upload whose step then fails is repeated under the same ID, which the
// centre answers like the first time.
func (s *Service) Package(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var rec PackageRecord
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActPackage, Data: &rec,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			p, digest, err := s.buildPackage(ctx, c, d, len(d.Result.Packages)+1)
			if err != nil {
				return err
			}
			receipt, err := s.Production.Upload(ctx, p)
			if err != nil {
				return fmt.Errorf("upload package %s to the production centre: %w", p.ID, err)
			}
			rec = PackageRecord{ID: receipt.PackageID, UploadedAt: s.now(), UploadedBy: domain.ActorFromContext(ctx).Shown(), Digest: digest, Manifest: p.Manifest}
			return nil
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(o *Outcome) error { o.Packages = append(o.Packages, rec); return nil })
		}})
}

// maxPolledPerRun bounds the packages one run of the production poll asks
// about; the next run takes the rest.
const maxPolledPerRun = 1000

// PollProduction asks the production centre about every package in
// production here and fires the system step of each answer: quality
// feedback (1.1.12) or completion (1.1.13). It runs on the schedule, as
// the system; a package the centre cannot answer about now is asked again
// next time (logged), and a case changed meanwhile is taken next time.
func (s *Service) PollProduction(ctx context.Context) error {
	var ids []string
	p := domain.Page{First: 100}
	for len(ids) < maxPolledPerRun {
		page, err := s.Cases.DB.Cases().FindCases(ctx, domain.CaseFilter{Kind: Kind, Side: domain.SideAcceptance, Statuses: []domain.CaseStatus{InProduction}}, p)
		if err != nil {
			return err
		}
		for _, c := range page.Cases {
			ids = append(ids, c.ID)
		}
		if !page.HasNextPage {
			break
		}
		p.After = page.EndCursor
	}
	var firstErr error
	for _, id := range ids {
		if err := s.pollOne(ctx, id); err != nil && domain.ErrorCode(err) != domain.CodeConflict && domain.ErrorCode(err) != domain.CodeInvalidTransition {
			slog.WarnContext(ctx, "production feedback: asked again next run", "case", id, "err", err)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// pollOne asks about the newest package of one case and records the answer.
func (s *Service) pollOne(ctx context.Context, id string) error {
	c, err := s.Cases.DB.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return err
	}
	d, err := decode(c)
	if err != nil {
		return err
	}
	pkg := d.Result.lastPackage()
	if c.Status != InProduction || pkg == nil {
		return nil
	}
	st, err := s.Production.Status(ctx, pkg.ID)
	if err != nil {
		return err
	}
	ref := domain.CaseRef{ID: c.ID, Version: c.Version}
	switch st.State {
	case StateQualityFeedback:
		fb := Feedback{Source: SourceProduction, Class: st.Class, Code: st.Code, Description: st.Description, PackageID: pkg.ID, ReceivedAt: s.now()}
		if fb.Class == "" || strings.TrimSpace(fb.Description) == "" {
			return domain.Errorf(domain.CodeUnavailable, "the production centre's feedback on %s has no class or description", pkg.ID)
		}
		_, err = s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActQualityFeedback, Note: fb.Class + ": " + fb.Description, Data: &fb,
			Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
				return updateResult(c, func(o *Outcome) error {
					fb.Seq = len(o.Feedback) + 1
					o.Feedback = append(o.Feedback, fb)
					return nil
				})
			}})
	case StateCompleted:
		pr := Production{PackageID: pkg.ID, CardNumber: st.CardNumber, ProducedAt: st.ProducedAt.UTC(), ReceivedAt: s.now()}
		if pr.CardNumber == "" {
			return domain.Errorf(domain.CodeUnavailable, "the production centre's completion of %s has no card number", pkg.ID)
		}
		_, err = s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActProductionCompleted, Data: &pr,
			Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
				return updateResult(c, func(o *Outcome) error { o.Production = &pr; return nil })
			}})
	}
	return err
}

// SaveQualityFeedback saves the production centre's quality feedback the
// clerk viewed (1.1.12): the application is then corrected and packaged
// again, and the feedback goes to the registration office on the
// forwarding schedule (1.3.9).
func (s *Service) SaveQualityFeedback(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	var fb Feedback
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSaveQualityFeedback, Note: note,
		Validate: func() error { return text("note", "note", &note, false, 500) },
		Change: func(ctx context.Context, _ domain.Repos, c *domain.Case) error {
			var err error
			fb, err = s.saveFeedback(ctx, c, note)
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.Forward(ctx, tx, c, domain.Message{Type: MsgQualityFeedback, Body: feedbackBody{Feedback: fb}}, s.Config.ForwardDue)
			return err
		}})
}

// onQualityFeedback keeps a forwarded quality feedback at the registration
// office (1.3.9); the card is still in production.
func (s *Service) onQualityFeedback(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	return receivedFeedback(c, env, SourceProduction)
}

// Correct corrects the application after quality feedback: the photo, the
// fingerprints (a new photo or a new pair replaces the old, which stays as
// an earlier revision), and the contact and pick-up data. Errors: as Start's
// rules, the engine's.
func (s *Service) Correct(ctx context.Context, ref domain.CaseRef, in CorrectionInput) (*domain.Case, error) {
	var a Applicant
	var p *prepared
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCorrect,
		Validate: func() error {
			return normaliseContact(&in.Phone, &in.Pickup, &in.PostAddress, &in.PostRecipient, &in.PostCode)
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			a = d.Applicant
			a.Phone, a.Pickup, a.PostAddress, a.PostRecipient, a.PostCode = in.Phone, in.Pickup, in.PostAddress, in.PostRecipient, in.PostCode
			p, err = s.capture(ctx, in.Captures, &a, false)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			raw, err := json.Marshal(a)
			c.Applicant = raw
			return err
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return p.record(ctx, s.Documents, tx, c.ID)
		}})
}

// producedBody is the forwarded PRODUCED message.
type producedBody struct {
	Production Production `json:"production"`
}

// SaveProductionFeedback saves the production feedback the clerk viewed
// (1.1.13): the card waits for its holder, and the feedback goes to the
// registration office on the forwarding schedule (1.3.10).
func (s *Service) SaveProductionFeedback(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	var pr Production
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSaveProductionFeedback, Note: note,
		Validate: func() error { return text("note", "note", &note, false, 500) },
		Change: func(ctx context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(o *Outcome) error {
				if o.Production == nil {
					return domain.Errorf(domain.CodeInternal, "produced case %s has no production feedback", c.ID)
				}
				at := s.now()
				o.Production.SavedAt, o.Production.SavedBy = &at, domain.ActorFromContext(ctx).Shown()
				pr = *o.Production
				return nil
			})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.Forward(ctx, tx, c, domain.Message{Type: MsgProduced, Body: producedBody{Production: pr}}, s.Config.ForwardDue)
			return err
		}})
}

// onProduced keeps the production feedback at the registration office and
// records the e-ID licence of the card (1.3.10, 4.1.1): the local record
// now, and a case job that has the Ministry's licence service issue the
// e-ID (RunJob), outside the applying transaction.
func (s *Service) onProduced(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body producedBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Production.CardNumber == "" || body.Production.SavedAt == nil {
		return nil, domain.FieldErrorf("body", "the production feedback is malformed").WithReason("id_card.production_body")
	}
	d, err := decode(c)
	if err != nil {
		return nil, err
	}
	if d.Result.Issue == nil {
		return nil, domain.FieldErrorf("body", "no card was issued here for this application").WithReason("id_card.production_body")
	}
	lic := NewLicence(c.CollabNo, d.Ministry.Person, *d.Result.Issue, body.Production.CardNumber, s.now())
	if s.Licences != nil {
		if err := s.Cases.EnqueueJob(ctx, tx, c, jobELicence); err != nil {
			return nil, err
		}
	}
	return map[string]string{"licenceId": lic.LicenceID}, updateResult(c, func(o *Outcome) error {
		o.Production, o.Licence = &body.Production, lic
		return nil
	})
}

// NewLicence makes the e-ID licence record of a produced card: its facts
// and the SHA-256 over them (one per line), so a copy can be checked.
func NewLicence(collabNo string, p domain.MinistryPerson, is Issue, cardNumber string, at time.Time) *Licence {
	l := &Licence{LicenceID: licenceID(collabNo), IDNumber: p.IDNumber, Name: p.Name, CardNumber: cardNumber,
		ValidFrom: is.ValidFrom, ValidUntil: is.ValidUntil, Authority: is.Authority, IssuedAt: at.UTC().Truncate(time.Second)}
	l.Digest = l.digest()
	return l
}

func (l *Licence) digest() string {
	sum := sha256.Sum256([]byte(strings.Join([]string{l.LicenceID, l.IDNumber, l.Name, l.CardNumber, l.ValidFrom, l.ValidUntil,
		l.Authority, l.IssuedAt.Format(time.RFC3339)}, "\n")))
	return hex.EncodeToString(sum[:])
}

// jobELicence is the case job that has the Ministry issue a produced card's e-ID.
const jobELicence = "E_ID_LICENCE"

// RunJob implements domain.JobRunner: the e-ID licence of a produced card
// (1.3.10, 4.1.1).
func (s *Service) RunJob(ctx context.Context, c *domain.Case, job string) error {
	if job != jobELicence {
		return domain.Errorf(domain.CodeInternal, "ID card cases run no job %q", job)
	}
	if s.Licences == nil {
		return nil
	}
	return s.issueELicence(ctx, c.ID)
}

// issueELicence has the Ministry's licence service issue the e-ID of the
// card case id recorded (its holder, card number, validity and authority),
// keeps it in the licence store and records its number with the case's
// licence record (Licence.MinistryLicenceID). Nothing to do when recorded
// already (a job run again). The Ministry is asked outside any transaction,
// with the idempotency key of this case's e-ID (domain.CaseLicenceKey): a
// job run again after a lost answer or a crash before the record gets the
// same licence, never a second one (4.1.1).
func (s *Service) issueELicence(ctx context.Context, id string) error {
	c, err := s.Cases.DB.Cases().FindCaseByID(ctx, id)
	if err != nil {
		return err
	}
	d, err := decode(c)
	if err != nil {
		return err
	}
	rec := d.Result.Licence
	if rec == nil || rec.MinistryLicenceID != "" {
		return nil
	}
	req := domain.LicenceRequest{Type: domain.LicenceIDCard, HolderIDNumber: rec.IDNumber, HolderName: rec.Name,
		Data: map[string]string{"cardNumber": rec.CardNumber, "validFrom": rec.ValidFrom, "validUntil": rec.ValidUntil,
			"authority": rec.Authority, "collabNo": c.CollabNo, "recordDigest": rec.Digest},
		Key: domain.CaseLicenceKey(c, domain.LicenceIDCard, "id_card.produced", rec.IDNumber, 1)}
	if until, err := time.Parse(time.DateOnly, rec.ValidUntil); err == nil {
		req.ValidUntil = until.UTC()
	} else if d.Result.Issue != nil && d.Result.Issue.LongTerm {
		req.ValidUntil = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC) // 长期: the Ministry's far date
	}
	l, err := s.Licences.Issue(ctx, req)
	if err != nil {
		return err
	}
	return s.Cases.DB.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
		c, err := tx.Cases().FindCaseByID(ctx, id)
		if err != nil {
			return err
		}
		if err := updateResult(c, func(o *Outcome) error {
			if o.Licence != nil {
				o.Licence.MinistryLicenceID = l.ID
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Cases().UpdateCase(ctx, c)
	})
}
