package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// HukouBookApplication is a portal's application for a person's e-hukou
// book (电子户口簿, 3.1.6): handled without a counter through the
// Ministry's e-licence service (4.1.1) by a background job, the issued
// licence kept in this deployment's licence store and its number sent back
// to the portal (webhook and subscription). Only the portal that applied
// reads it. Status is SUBMITTED, then COMPLETED (LicenceID set) or REFUSED
// (Reason).
type HukouBookApplication struct {
	ID           string
	ClientUserID string
	ClientID     string
	Reference    string
	IDNumber     string
	Name         string
	// Office is the police station of the person's household.
	Office          string
	HouseholdNumber string
	Status          OnlineStatus
	LicenceID       string
	ValidUntil      *time.Time
	Reason          string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int
}

// HukouBookRepository stores e-hukou-book applications.
type HukouBookRepository interface {
	CreateHukouBookApplication(ctx context.Context, a *HukouBookApplication) error
	// FindHukouBookApplication returns CodeNotFound when there is none.
	FindHukouBookApplication(ctx context.Context, id string) (*HukouBookApplication, error)
	// UpdateHukouBookApplication writes a if its version is still
	// a.Version and increments it; CodeConflict otherwise.
	UpdateHukouBookApplication(ctx context.Context, a *HukouBookApplication) error
	// FindHukouBookApplications returns the client's applications, newest
	// first, at most limit.
	FindHukouBookApplications(ctx context.Context, clientUserID string, limit int) ([]*HukouBookApplication, error)
}

// IssueHukouBookArgs is the job that asks the Ministry for the licence.
type IssueHukouBookArgs struct {
	ApplicationID string `json:"application_id"`
}

// Kind implements JobArgs.
func (IssueHukouBookArgs) Kind() string { return "issue_hukou_book" }

// HukouBookMaxAttempts is how often the Ministry is tried before the
// application is refused as unavailable.
const HukouBookMaxAttempts = 10

// HukouBookEventType is the MessageType of the CollabEvent published when
// an e-hukou-book application changes.
const HukouBookEventType = "HUKOU_BOOK_APPLICATION"

// hukouBookActor records the job's changes in the audit log.
var hukouBookActor = &Actor{Username: "hukou-book", System: true}

// HukouBookService takes portals' e-hukou-book applications (3.1.6).
type HukouBookService struct {
	DB          Database
	Audit       AuditSink
	Integrators *IntegratorService
	// Authority is the Ministry's e-licence service; Licences keeps what
	// it issued (the licence store of 4.1.1).
	Authority LicenceAuthority
	Licences  LicenceRepository
	Now       func() time.Time
	NewID     func() string
}

// ApplyHukouBook is a portal's application for the e-hukou book of the
// person with idNumber and name (INTEGRATOR): the person must be an active
// resident of a household whose station is within the client's office
// scopes, named as registered. The application, its audit entry, its
// first notification and the job that asks the Ministry are committed in
// one transaction. Errors: CodeForbidden; CodeInvalid naming the field
// (idNumber, name, reference); CodeNotFound (field idNumber) for a person
// not registered within the client's scopes, the same as for none.
func (s *HukouBookService) Apply(ctx context.Context, reference, idNumber, name string) (*HukouBookApplication, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	client, err := s.Integrators.Client(ctx)
	if err != nil {
		return nil, err
	}
	if !printable(reference, 64) {
		return nil, FieldErrorf("reference", "a reference is at most 64 printable characters").WithReason("online.reference")
	}
	number, err := ValidateIDNumber("idNumber", strings.ToUpper(strings.TrimSpace(idNumber)), s.Now())
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || !printable(name, 64) {
		return nil, FieldErrorf("name", "give the person's name as registered (at most 64 characters)").WithReason("hukou_book.name")
	}
	missing := &Error{Code: CodeNotFound, Field: "idNumber", Reason: "hukou_book.not_registered",
		Message: "no active resident with this ID number is registered at a station within your scopes"}
	r, err := s.DB.Register().FindResidentByIDNumber(ctx, number)
	if ErrorCode(err) == CodeNotFound {
		return nil, missing
	} else if err != nil {
		return nil, err
	}
	inScope := false
	for _, p := range client.Offices {
		inScope = inScope || strings.HasPrefix(r.StationCode, p)
	}
	if r.Status != ResidentActive || !inScope {
		return nil, missing
	}
	if r.Name != name {
		return nil, FieldErrorf("name", "the name does not match the registered person of this ID number").WithReason("hukou_book.name_mismatch")
	}
	hs, err := s.DB.Register().FindHouseholdsByIDs(ctx, []string{r.HouseholdID})
	if err != nil {
		return nil, err
	}
	if len(hs) != 1 || hs[0].ClosedAt != nil {
		return nil, missing
	}
	now := s.Now().UTC()
	a := &HukouBookApplication{ID: s.NewID(), ClientUserID: actor.UserID, ClientID: client.ClientID, Reference: reference, IDNumber: number,
		Name: name, Office: r.StationCode, HouseholdNumber: hs[0].Number, Status: OnlineSubmitted, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.HukouBooks().CreateHukouBookApplication(ctx, a); err != nil {
			return err
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "hukouBook.apply", "HukouBookApplication", a.ID, a.IDNumber)); err != nil {
			return err
		}
		if err := s.notify(ctx, tx, a); err != nil {
			return err
		}
		return tx.Jobs().Enqueue(ctx, IssueHukouBookArgs{ApplicationID: a.ID}, WithMaxAttempts(HukouBookMaxAttempts))
	})
	if err != nil {
		return nil, fmt.Errorf("apply for e-hukou book: %w", err)
	}
	return a, nil
}

// Issue asks the Ministry's e-licence service for the application's
// e-hukou book (the issue_hukou_book job): the licence is kept in the
// licence store, the application COMPLETED with its number and the portal
// told, in one transaction. The Ministry is asked with the application's
// idempotency key (LicenceKey), so every attempt of the job (after a lost
// answer, or a crash before the commit) is answered by the one licence
// issued for it (4.1.1). A refusal by the Ministry (anything but
// CodeUnavailable) refuses the application with its message; an
// unavailable service is returned so the job retries with backoff, until
// the last attempt, which refuses it as unavailable. An application no
// longer SUBMITTED is skipped.
func (s *HukouBookService) Issue(ctx context.Context, id string, last bool) error {
	a, err := s.DB.HukouBooks().FindHukouBookApplication(ctx, id)
	if err != nil {
		return fmt.Errorf("e-hukou book application %s: %w", id, err)
	}
	if a.Status != OnlineSubmitted {
		return nil
	}
	hs, err := s.DB.Register().FindHouseholdByNumber(ctx, a.HouseholdNumber)
	if err != nil {
		return fmt.Errorf("e-hukou book application %s: %w", id, err)
	}
	l, issueErr := s.Authority.IssueLicence(ctx, LicenceRequest{Type: LicenceHukouBook, HolderIDNumber: a.IDNumber, HolderName: a.Name,
		Data: map[string]string{"householdNumber": hs.Number, "householdType": string(hs.Type), "stationCode": hs.StationCode},
		Key:  LicenceKey(LicenceHukouBook, "hukou_book.apply", a.ID, a.IDNumber, 1)})
	switch {
	case issueErr == nil:
		l.FetchedAt = s.Now().UTC()
		if err := s.Licences.SaveLicence(ctx, l); err != nil { // an upsert: a retry saves it again
			return err
		}
		a.Status, a.LicenceID = OnlineCompleted, l.ID
		until := l.ValidUntil
		a.ValidUntil = &until
	case ErrorCode(issueErr) == CodeUnavailable && !last:
		return fmt.Errorf("e-hukou book application %s: %w", id, issueErr)
	case ErrorCode(issueErr) == CodeUnavailable:
		a.Status, a.Reason = OnlineRefused, "the Ministry's e-licence service was unavailable; apply again later"
	default:
		var de *Error
		a.Status, a.Reason = OnlineRefused, "the Ministry refused the licence"
		if errors.As(issueErr, &de) && de.Message != "" {
			a.Reason = clip(de.Message, 500, a.Reason)
		}
	}
	a.UpdatedAt = s.Now().UTC()
	return s.DB.InTx(context.WithoutCancel(ctx), func(ctx context.Context, tx Repos) error {
		if err := tx.HukouBooks().UpdateHukouBookApplication(ctx, a); err != nil {
			return err
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(hukouBookActor, a.UpdatedAt, AuditChange, "hukouBook.issue", "HukouBookApplication", a.ID,
			string(a.Status)+" "+a.LicenceID)); err != nil {
			return err
		}
		return s.notify(ctx, tx, a)
	})
}

// Find returns one of the calling portal's applications, audited as a
// read. Errors: CodeNotFound, the same for another portal's application
// as for none (that refusal audited as DENIED); CodeForbidden.
func (s *HukouBookService) Find(ctx context.Context, id string) (*HukouBookApplication, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	missing := notFound("no e-hukou book application has this ID")
	a, err := s.DB.HukouBooks().FindHukouBookApplication(ctx, id)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if a.ClientUserID != actor.UserID {
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditDenied, "hukouBookApplication", "HukouBookApplication", a.ID, "not the caller's")); err != nil {
			return nil, err
		}
		return nil, missing
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "hukouBookApplication", "HukouBookApplication", a.ID, "")); err != nil {
		return nil, err
	}
	return a, nil
}

// FindAll returns the calling portal's applications, newest first, at
// most 100, audited. Errors: CodeForbidden.
func (s *HukouBookService) FindAll(ctx context.Context) ([]*HukouBookApplication, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	out, err := s.DB.HukouBooks().FindHukouBookApplications(ctx, actor.UserID, 100)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(out))
	for i, a := range out {
		ids[i] = a.ID
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "hukouBookApplications", "HukouBookApplication", "", strings.Join(ids, ","))); err != nil {
		return nil, err
	}
	return out, nil
}

// HukouBookPayload is the webhook body of an e-hukou-book application's
// change (type hukou_book.updated). The holder's ID number is masked.
type HukouBookPayload struct {
	ID            string       `json:"id"`
	Type          string       `json:"type"`
	ApplicationID string       `json:"hukouBookApplicationId"`
	Reference     string       `json:"reference"`
	IDNumber      string       `json:"idNumber"`
	Status        OnlineStatus `json:"status"`
	LicenceID     string       `json:"licenceId,omitempty"`
	ValidUntil    *time.Time   `json:"validUntil,omitempty"`
	Reason        string       `json:"reason,omitempty"`
	At            time.Time    `json:"at"`
}

// notify tells a's portal of its state, in tx: an event for the
// subscription on commit and, when the portal has a webhook URL, a signed
// delivery enqueued on tx.
func (s *HukouBookService) notify(ctx context.Context, tx Repos, a *HukouBookApplication) error {
	now := s.Now().UTC()
	if err := tx.Collab().PublishCollabEvent(ctx, CollabEvent{MessageID: s.NewID(), Subject: a.ID, CaseKind: string(LicenceHukouBook),
		MessageType: HukouBookEventType, Office: a.Office, AppliedAt: now, Audience: a.ClientUserID, Status: string(a.Status)}); err != nil {
		return err
	}
	client, err := tx.Integrators().FindIntegratorClient(ctx, a.ClientUserID)
	if ErrorCode(err) == CodeNotFound || (err == nil && client.WebhookURL == "") {
		return nil
	} else if err != nil {
		return err
	}
	d := &WebhookDelivery{ID: s.NewID(), ClientUserID: a.ClientUserID, Status: WebhookPending, CreatedAt: now, UpdatedAt: now}
	if d.Payload, err = json.Marshal(HukouBookPayload{ID: d.ID, Type: "hukou_book.updated", ApplicationID: a.ID, Reference: a.Reference,
		IDNumber: MaskIDNumber(a.IDNumber), Status: a.Status, LicenceID: a.LicenceID, ValidUntil: a.ValidUntil, Reason: a.Reason, At: now}); err != nil {
		return err
	}
	if err := tx.Online().CreateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	return tx.Jobs().Enqueue(ctx, DeliverWebhookArgs{DeliveryID: d.ID}, WithMaxAttempts(WebhookMaxAttempts))
}

// Events returns the changes of the calling portal's e-hukou-book
// applications (the hukouBookApplicationEvents subscription), until ctx
// ends. Errors: CodeForbidden for callers other than INTEGRATOR clients.
func (s *HukouBookService) Events(ctx context.Context, bus CollabEvents) (<-chan CollabEvent, error) {
	return portalEvents(ctx, bus, HukouBookEventType)
}
