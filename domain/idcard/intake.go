package idcard

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hukou/domain"
)

// intakeActor checks that the caller may start an application (the
// declaration's roles) at a police station counter.
func (s *Service) intakeActor(ctx context.Context) (*domain.Actor, error) {
	actor, err := s.Cases.Open(ctx, Kind, ActStart)
	if err != nil {
		return nil, err
	}
	if actor.Office == nil || actor.Office.Level != domain.OfficePoliceStation {
		return nil, domain.Errorf(domain.CodeForbidden, "ID card applications are accepted at a police station counter").WithReason("case.station_only")
	}
	return actor, nil
}

// Settings returns what the SPA needs to capture an intake: the
// fingerprint device's address, the photo standard, the minimum
// fingerprint quality and the code lists.
func (s *Service) Settings(ctx context.Context) (*Settings, error) {
	if _, err := domain.Authorize(ctx, domain.CaseReadRoles...); err != nil {
		return nil, err
	}
	return &Settings{DeviceURL: s.Config.DeviceURL, Photo: s.Config.Photo, MinQuality: s.Config.MinQuality,
		MatchThreshold: s.Config.MatchThreshold, FingerCodes: FingerCodes(), Reasons: Reasons()}, nil
}

// CheckPhoto checks a photo (base64 JPEG) against the standard before an
// intake, so the clerk sees the exact reason at once; nothing is kept.
// Errors: CodeInvalid naming photo with the rule's reason (CheckPhoto).
func (s *Service) CheckPhoto(ctx context.Context, photo string) (*Photo, error) {
	if _, err := s.intakeActor(ctx); err != nil {
		return nil, err
	}
	b, err := decodePhoto(photo)
	if err != nil {
		return nil, err
	}
	return CheckPhoto(s.Config.Photo, b)
}

func decodePhoto(photo string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(photo))
	if err != nil || len(b) == 0 {
		return nil, domain.FieldErrorf("photo", "take the photo (a base64 JPEG)").WithReason("id_card.photo_required")
	}
	return b, nil
}

// Lookup makes the look-ups of an intake before anything is saved (1.1.8):
// the person and their hukou from the Ministry (read-only), whether the
// home province has the business open (7.1.7), the Ministry's off-site
// eligibility (7.1.5) and the person's ID card history (7.1.3) with the
// history's rules for the application. Each reason the application cannot
// be made is returned in Refusals, not as an error, so the clerk sees them
// all. It is audited as a READ. Errors: CodeInvalid naming idNumber (a bad
// ID number, a person the Ministry does not know, a hukou in this
// province), CodeForbidden, CodeUnavailable.
func (s *Service) Lookup(ctx context.Context, idNumber string, kind domain.IDCardApplicationKind, reason string) (*Lookup, error) {
	actor, err := s.intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	a := Applicant{IDNumber: idNumber, ApplicationKind: kind, Reason: reason}
	id, err := domain.ValidateIDNumber("idNumber", strings.ToUpper(strings.TrimSpace(idNumber)), s.Cases.Now())
	if err != nil {
		return nil, err
	}
	a.IDNumber = id
	if !kind.Valid() {
		return nil, domain.FieldErrorf("applicationKind", "the application is FIRST, RENEWAL or REPLACEMENT").WithReason("id_card.application_kind")
	}
	l, err := s.lookup(ctx, actor, a, "")
	if err != nil {
		return nil, fmt.Errorf("id card lookup %s: %w", id, err)
	}
	if err := s.Cases.Audit.Record(ctx, domain.NewAuditEntry(actor, s.Cases.Now(), domain.AuditRead, "idCardLookup", "Person", id,
		string(kind)+" "+l.Ministry.Eligibility.Reason)); err != nil {
		return nil, err
	}
	return l, nil
}

// lookup asks the Ministry about a's person for an application at the
// office of actor and applies the rules; ownCase is the case that holds
// the person's key ("" for a new application).
func (s *Service) lookup(ctx context.Context, actor *domain.Actor, a Applicant, ownCase string) (*Lookup, error) {
	h, err := s.Ministry.HouseholdByIDNumber(ctx, a.IDNumber)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return nil, domain.FieldErrorf("idNumber", "the Ministry has no person with ID number %s", a.IDNumber).WithReason("id_card.person_unknown")
	} else if err != nil {
		return nil, err
	}
	if err := crossProvince(actor.OfficeCode, h.OfficeCode); err != nil {
		return nil, err
	}
	province := h.OfficeCode[:2]
	m := MinistryData{Person: h.Person, HouseholdNumber: h.Number, Division: h.Division, Address: h.Address, OfficeCode: h.OfficeCode, Province: province}
	if m.ServiceOpen, err = s.Ministry.ServiceAvailability(ctx, province, Business); err != nil {
		return nil, err
	}
	e, err := s.Ministry.OffsiteIDEligibility(ctx, a.IDNumber, a.ApplicationKind)
	if err != nil {
		return nil, err
	}
	m.Eligibility = *e
	if m.History, err = s.Ministry.IDCardHistory(ctx, a.IDNumber); err != nil {
		return nil, err
	}
	// The history with this deployment's own records: a card found and
	// matched to the person is flagged (3.1.5).
	found, err := domain.FoundCardsOf(ctx, s.Cases.DB, a.IDNumber)
	if err != nil {
		return nil, err
	}
	domain.FlagFoundCards(m.History, found)
	var refusals []*domain.Error
	if !m.ServiceOpen {
		refusals = append(refusals, domain.Errorf(domain.CodeConflict, "off-site ID card applications are not open for province %s", province).WithReason("case.service_closed"))
	}
	if r := eligibility(m.Eligibility); r != nil {
		refusals = append(refusals, r)
	}
	if err := checkHistory(a.ApplicationKind, a.Reason, m.History, s.Cases.Now(), defaultExpiringWindow); err != nil {
		var de *domain.Error
		if !asDomainError(err, &de) {
			return nil, err
		}
		refusals = append(refusals, de)
	}
	if ownCase == "" {
		if err := s.Cases.KeyFree(ctx, Kind, domain.SideAcceptance, a.IDNumber); err != nil {
			var de *domain.Error
			if !asDomainError(err, &de) {
				return nil, err
			}
			refusals = append(refusals, de)
		}
	}
	return &Lookup{Ministry: m, Refusals: refusals, Checks: checks(m, refusals)}, nil
}

// prepared holds captures checked and stored in the blob store before the
// transaction that records them.
type prepared struct {
	photo   *storedFile
	fingers [2]*storedFile
}

type storedFile struct {
	kind, name, contentType string
	ref                     domain.BlobRef
}

// capture checks the photo and the fingerprints of cap (required ones
// must be given), sets what is kept of them on a, and stores their files.
func (s *Service) capture(ctx context.Context, caps Captures, a *Applicant, required bool) (*prepared, error) {
	p := &prepared{}
	var photo []byte
	if caps.Photo != "" || required {
		b, err := decodePhoto(caps.Photo)
		if err != nil {
			return nil, err
		}
		ph, err := CheckPhoto(s.Config.Photo, b)
		if err != nil {
			return nil, err
		}
		a.Photo, photo = ph, b
	}
	var images [][]byte
	if caps.Fingerprints != nil || required {
		fs, imgs, err := CheckFingerprints(caps.Fingerprints, s.Config.MinQuality)
		if err != nil {
			return nil, err
		}
		a.Fingerprints, images = fs, imgs
	}
	if photo != nil {
		f, err := s.store(ctx, DocumentPhoto, "居民身份证相片.jpg", "image/jpeg", photo)
		if err != nil {
			return nil, err
		}
		p.photo = f
	}
	for i, img := range images {
		if img == nil {
			continue
		}
		f, err := s.store(ctx, fmt.Sprintf("%s%d", documentFingerPrefix, i+1), fmt.Sprintf("指纹图像-%d-%s.png", i+1, FingerName(a.Fingerprints[i].Position)), "image/png", img)
		if err != nil {
			return nil, err
		}
		p.fingers[i] = f
	}
	return p, nil
}

// store checks a file as any kept document and puts it in the blob store.
func (s *Service) store(ctx context.Context, kind, name, contentType string, content []byte) (*storedFile, error) {
	name, contentType, err := s.Documents.CheckDocument(name, contentType, content)
	if err != nil {
		return nil, err
	}
	ref, err := s.Documents.StoreDocument(ctx, contentType, content)
	if err != nil {
		return nil, err
	}
	return &storedFile{kind: kind, name: name, contentType: contentType, ref: ref}, nil
}

// record records the stored files as the case's documents, on tx.
func (p *prepared) record(ctx context.Context, docs domain.DocumentKeeper, tx domain.Repos, caseID string) error {
	for _, f := range append([]*storedFile{p.photo}, p.fingers[:]...) {
		if f == nil {
			continue
		}
		if err := docs.RecordDocument(ctx, tx, caseID, f.kind, f.name, f.ref); err != nil {
			return err
		}
	}
	return nil
}

// firstRefusal returns l's first refusal as the error of an intake.
func (l *Lookup) firstRefusal() error {
	if len(l.Refusals) == 0 {
		return nil
	}
	return l.Refusals[0]
}

// Start records an application at the acceptance office (1.1.8): it makes
// the look-ups of Lookup and refuses for the first reason found; checks the
// photo (GA 461) and the two fingers; gets a collaboration number from the
// province; and saves the case as DRAFT with the Ministry data frozen, the
// photo and the finger images as its documents. All look-ups and the blobs
// happen before the one transaction, so a failure saves nothing (a blob
// left behind is swept). Errors: CodeInvalid naming the field, CodeConflict
// (the Ministry's eligibility reason, a history rule, the service closed,
// another live application of the person), CodeForbidden, CodeUnavailable.
func (s *Service) Start(ctx context.Context, a Applicant, caps Captures) (*domain.Case, error) {
	return s.start(ctx, a, caps)
}

// start is Start with effects run in the creating transaction (an online
// application's link, Online).
func (s *Service) start(ctx context.Context, a Applicant, caps Captures, effects ...func(ctx context.Context, tx domain.Repos, c *domain.Case) error) (*domain.Case, error) {
	actor, err := s.intakeActor(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Cases.Now()
	if err := a.normalise(now); err != nil {
		return nil, err
	}
	a.ApplicationDate = formatDay(day(now))
	l, err := s.lookup(ctx, actor, a, "")
	if err != nil {
		return nil, fmt.Errorf("start id card application %s: %w", a.IDNumber, err)
	}
	if err := l.firstRefusal(); err != nil {
		return nil, err
	}
	p, err := s.capture(ctx, caps, &a, true)
	if err != nil {
		return nil, err
	}
	id := s.Cases.NewID()
	collabNo, err := s.Province.CollaborationNumber(ctx, domain.CollabNumberRequest{CaseID: id, Kind: string(Kind),
		AcceptanceOffice: actor.OfficeCode, RegistrationProvince: l.Ministry.Province})
	if err != nil {
		return nil, fmt.Errorf("start id card application %s: %w", a.IDNumber, err)
	}
	applicant, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	ministry, err := json.Marshal(l.Ministry)
	if err != nil {
		return nil, err
	}
	c := &domain.Case{ID: id, Kind: Kind, CollabNo: collabNo, AcceptanceOffice: actor.OfficeCode,
		RegistrationOffice: l.Ministry.OfficeCode, RegistrationProvince: l.Ministry.Province, Office: actor.OfficeCode,
		Applicant: applicant, Ministry: ministry, CreatedBy: actor.Username}
	record := func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
		return p.record(ctx, s.Documents, tx, c.ID)
	}
	if err := s.Cases.Create(ctx, c, ActStart, append([]func(ctx context.Context, tx domain.Repos, c *domain.Case) error{record}, effects...)...); err != nil {
		return nil, err
	}
	return c, nil
}

// Modify replaces the clerk-entered data of an application (1.2.4) after
// the look-ups of the intake again; the person cannot change. An empty photo
// keeps the photo, nil fingerprints keep the fingers. The application may be
// modified until it is extracted (the declaration: DRAFT and SUBMITTED):
// once submitted, the modification is sent to the registration office in
// the same transaction (MsgModified; R applies it while the application
// waits for review), and the photo and fingerprints, which travelled with
// the application, can no longer change (CodeInvalid,
// id_card.captures_submitted). After extraction the engine refuses it
// (CodeInvalidTransition, case.out_of_order). Errors: as Start, and the
// engine's.
func (s *Service) Modify(ctx context.Context, ref domain.CaseRef, a Applicant, caps Captures) (*domain.Case, error) {
	var l *Lookup
	var p *prepared
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActModify,
		Validate: func() error { return a.normalise(s.Cases.Now()) },
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			if a.IDNumber != d.Applicant.IDNumber {
				return domain.FieldErrorf("idNumber", "the application is for %s; start a new one for another person", d.Applicant.IDNumber).WithReason("id_card.person_fixed")
			}
			if c.Status != domain.StatusDraft && (caps.Photo != "" || caps.Fingerprints != nil) {
				return domain.FieldErrorf("photo", "the photo and fingerprints were sent with the application; change the other data, or ask the registration office to reject it and apply again").
					WithReason("id_card.captures_submitted")
			}
			a.ApplicationDate, a.Photo, a.Fingerprints = d.Applicant.ApplicationDate, d.Applicant.Photo, d.Applicant.Fingerprints
			if l, err = s.lookup(ctx, domain.ActorFromContext(ctx), a, c.ID); err != nil {
				return err
			}
			if err := l.firstRefusal(); err != nil {
				return err
			}
			p, err = s.capture(ctx, caps, &a, false)
			return err
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			applicant, err := json.Marshal(a)
			if err != nil {
				return err
			}
			ministry, err := json.Marshal(l.Ministry)
			if err != nil {
				return err
			}
			c.Applicant, c.Ministry = applicant, ministry
			return nil
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if c.Status == domain.StatusSubmitted {
				_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgModified,
					Body: modifiedBody{Applicant: c.Applicant, Ministry: c.Ministry}})
				return err
			}
			return p.record(ctx, s.Documents, tx, c.ID)
		}})
}

// modifiedBody is the MODIFIED message: the application as modified.
type modifiedBody struct {
	Applicant json.RawMessage `json:"applicant"`
	Ministry  json.RawMessage `json:"ministry"`
}

// onModified applies the acceptance office's modification to the copy
// awaiting review (RECEIVED, the declaration): the person, the application
// date and the captures cannot change. Once R reviewed, the engine refuses
// the message (a dead letter with its reason), as A could no longer
// modify once extracted.
func (s *Service) onModified(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body modifiedBody
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return nil, domain.FieldErrorf("body", "the modification is malformed: %v", err).WithReason("id_card.modified_body")
	}
	old, err := decode(c)
	if err != nil {
		return nil, err
	}
	next := &domain.Case{ID: c.ID, Kind: c.Kind, Applicant: body.Applicant, Ministry: body.Ministry, Result: c.Result}
	d, err := decode(next)
	if err != nil {
		return nil, domain.FieldErrorf("body", "the modification does not decode: %v", err).WithReason("id_card.modified_body")
	}
	if d.Applicant.IDNumber != old.Applicant.IDNumber || d.Applicant.ApplicationDate != old.Applicant.ApplicationDate ||
		!sameJSON(d.Applicant.Photo, old.Applicant.Photo) || !sameJSON(d.Applicant.Fingerprints, old.Applicant.Fingerprints) {
		return nil, domain.FieldErrorf("body", "a modification may not change the person, the application date, the photo or the fingerprints").WithReason("id_card.modified_fixed")
	}
	c.Applicant, c.Ministry = body.Applicant, body.Ministry
	return map[string]string{"modified": "applicant"}, nil
}

// Submit sends the application, after the clerk confirmed what the
// confirmation step showed (contact details, pick-up method, photo,
// fingerprints; 1.1.9), with its archives and the photo to the registration
// office (1.1.10, 1.4.5), in one transaction. Every material the
// Ministry's list marks required must have been captured. Errors:
// CodeInvalid (id_card.not_confirmed, archive.materials_missing,
// id_card.photo_required), the engine's.
func (s *Service) Submit(ctx context.Context, ref domain.CaseRef, confirmed bool) (*domain.Case, error) {
	var archives []domain.FileContent
	sent := &struct {
		Archives int `json:"archives"`
	}{}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSubmit, Data: sent,
		Validate: func() error {
			if !confirmed {
				return domain.FieldErrorf("confirmed", "show the applicant the contact details, pick-up method, photo and fingerprints and confirm them first").WithReason("id_card.not_confirmed")
			}
			return nil
		},
		Prepare: func(ctx context.Context, c *domain.Case) error {
			if err := s.Documents.RequireMaterials(ctx, c); err != nil {
				return err
			}
			var err error
			if archives, err = s.Documents.ArchiveContents(ctx, c.ID); err != nil {
				return err
			}
			photo, err := s.Documents.DocumentContent(ctx, c.ID, DocumentPhoto)
			if domain.ErrorCode(err) == domain.CodeNotFound {
				return domain.FieldErrorf("photo", "the application has no photo").WithReason("id_card.photo_required")
			} else if err != nil {
				return err
			}
			photo.MaterialCode, photo.Name = PhotoMaterial, "居民身份证相片-"+c.CollabNo+".jpg"
			archives = append(archives, *photo)
			sent.Archives = len(archives)
			return nil
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return s.Cases.SendApplication(ctx, tx, c, archives)
		}})
}

// onApplication checks the application the engine created at the
// registration office (status RECEIVED, in the county bureau's review
// queue) and answers EXTRACTED.
func (s *Service) onApplication(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	d, err := decode(c)
	if err != nil || d.Applicant.IDNumber == "" || !d.Applicant.ApplicationKind.Valid() || d.Ministry.Person.BirthDate.IsZero() {
		return nil, domain.FieldErrorf("body", "the application carries no applicant").WithReason("id_card.application_body")
	}
	_, err = s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgExtracted,
		Body: map[string]string{"status": string(domain.StatusReceived)}, ReplyToHash: env.Hash()})
	return nil, err
}

// asDomainError reports whether err is a *domain.Error (the rules' kind),
// setting *target.
func asDomainError(err error, target **domain.Error) bool { return errors.As(err, target) }

// sameJSON reports whether a and b encode alike.
func sameJSON(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}
