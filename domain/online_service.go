package domain

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// OnlineService is Internet+ intake (3.1.1–3.1.4): portals submit online
// applications with their materials into a station's queue, read the
// status and result of their own, and are told of every change by a
// signed webhook and the onlineApplicationEvents subscription; a clerk
// completes an application into a case of its kind (the kind's
// OnlineIntake), after which the application follows the case. The
// service names no kind.
type OnlineService struct {
	DB          Database
	Audit       AuditSink
	Cases       *CaseService
	Archives    *ArchiveService
	Integrators *IntegratorService
	// Webhooks posts signed notifications (nil: none are posted; they
	// stay PENDING).
	Webhooks WebhookSender
	Now      func() time.Time
	NewID    func() string
}

// NewOnlineService returns an OnlineService and makes it observe every
// case change; it panics on a nil dependency.
func NewOnlineService(db Database, audit AuditSink, cases *CaseService, archives *ArchiveService, integrators *IntegratorService, webhooks WebhookSender) *OnlineService {
	if db == nil || audit == nil || cases == nil || archives == nil || integrators == nil {
		panic("domain: NewOnlineService needs db, audit, cases, archives and integrators")
	}
	s := &OnlineService{DB: db, Audit: audit, Cases: cases, Archives: archives, Integrators: integrators, Webhooks: webhooks,
		Now: cases.Now, NewID: cases.NewID}
	cases.Observe(s.observe)
	return s
}

// OnlineUpload is one material file a portal uploads with an application.
type OnlineUpload struct {
	Code        string
	Name        string
	ContentType string
	Content     io.Reader
}

// OnlineSubmission is what a portal submits.
type OnlineSubmission struct {
	Kind      CaseKind
	Office    string
	Reference string
	Data      json.RawMessage
	Materials []OnlineUpload
}

// MaxOnlineMaterials bounds the files of one application.
const MaxOnlineMaterials = 20

func (s *OnlineService) intake(kind CaseKind) (OnlineIntake, error) {
	m, ok := s.Cases.modules[kind].(OnlineModule)
	if !ok {
		return nil, FieldErrorf("kind", "%s applications cannot be submitted online yet", kind).WithReason("online.kind")
	}
	return m.Online(), nil
}

func printable(s string, max int) bool {
	return utf8.ValidString(s) && len(s) <= max && strings.IndexFunc(s, unicode.IsControl) < 0
}

// Submit queues an online application at a police station (3.1.1, 3.1.2):
// INTEGRATOR only, for a business and an office within the client's
// scopes. The kind checks the data; each material is checked as archives
// are (sniffed JPEG, PNG or PDF within the archive size limit) and stored
// first; then the application, its audit entry and its first notification
// are committed in one transaction. Errors: CodeForbidden (role, scope,
// reason integrator.scope); CodeInvalid naming the field; CodeNotFound for
// an unknown office (field office).
func (s *OnlineService) Submit(ctx context.Context, in OnlineSubmission) (*OnlineApplication, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	client, err := s.Integrators.Client(ctx)
	if err != nil {
		return nil, err
	}
	if !client.MaySubmit(in.Kind, in.Office) {
		return nil, Errorf(CodeForbidden, "client %s may not submit %s applications to office %s", client.ClientID, in.Kind, in.Office).WithReason("integrator.scope")
	}
	oi, err := s.intake(in.Kind)
	if err != nil {
		return nil, err
	}
	if !printable(in.Reference, 64) {
		return nil, FieldErrorf("reference", "a reference is at most 64 printable characters").WithReason("online.reference")
	}
	office, err := s.DB.Offices().FindOfficeByCode(ctx, in.Office)
	if ErrorCode(err) == CodeNotFound {
		return nil, &Error{Code: CodeNotFound, Field: "office", Message: "no office has the code " + in.Office, Reason: "office.unknown"}
	} else if err != nil {
		return nil, err
	}
	if office.Level != OfficePoliceStation {
		return nil, FieldErrorf("office", "online applications go to a police station's queue; %s is not a station", in.Office).WithReason("online.station_only")
	}
	data, err := oi.CheckOnline(in.Data)
	if err != nil {
		return nil, err
	}
	if len(in.Materials) > MaxOnlineMaterials {
		return nil, FieldErrorf("materials", "at most %d files per application", MaxOnlineMaterials).WithReason("online.materials")
	}
	materials := make([]OnlineMaterial, 0, len(in.Materials))
	for i, m := range in.Materials {
		if m.Code == "" || !printable(m.Code, 64) {
			return nil, FieldErrorf(fmt.Sprintf("materials.%d.code", i), "a material code is 1 to 64 printable characters").WithReason("archive.material_code")
		}
		content, err := s.Archives.readContent(ArchiveUpload{Name: m.Name, ContentType: m.ContentType, Content: m.Content})
		if err != nil {
			var de *Error
			if errors.As(err, &de) && de.Field == "file" {
				de.Field = fmt.Sprintf("materials.%d.file", i)
			}
			return nil, err
		}
		ref, err := s.Archives.Blobs.Put(ctx, bytes.NewReader(content.data), content.contentType)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(content.data)
		materials = append(materials, OnlineMaterial{Code: m.Code, Name: content.name, ContentType: content.contentType,
			Size: ref.Size, BlobKey: ref.Key, SHA256: hex.EncodeToString(sum[:])})
	}
	now := s.Now().UTC()
	a := &OnlineApplication{ID: s.NewID(), ClientUserID: actor.UserID, ClientID: client.ClientID, Kind: in.Kind, Office: in.Office,
		Reference: in.Reference, Data: data, Materials: materials, Status: OnlineSubmitted, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.Online().CreateOnlineApplication(ctx, a); err != nil {
			return err
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "online.submit", "OnlineApplication", a.ID,
			fmt.Sprintf("%s to %s, %d files", a.Kind, a.Office, len(materials)))); err != nil {
			return err
		}
		return s.record(ctx, tx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("submit online %s application: %w", in.Kind, err)
	}
	return a, nil
}

// onlineReadRoles may read online applications: the portal its own, the
// offices their queue.
var onlineReadRoles = []Role{RoleIntegrator, RoleClerk, RoleOfficer, RoleApprover, RoleAdmin}

// readable reports whether actor may read a: its own portal, or a staff
// member whose jurisdiction covers its station.
func readable(actor *Actor, a *OnlineApplication) bool {
	if actor.HasRole(RoleIntegrator) && !actor.System {
		return a.ClientUserID == actor.UserID
	}
	return actor.CanSee(a.Office)
}

// Find returns an online application the caller may read: a portal only
// its own, staff those of their jurisdiction's stations. The read is
// audited. Errors: CodeNotFound, the same for another portal's application
// as for none (that refusal audited as DENIED); CodeForbidden for a role.
func (s *OnlineService) Find(ctx context.Context, id string) (*OnlineApplication, error) {
	actor, err := Authorize(ctx, onlineReadRoles...)
	if err != nil {
		return nil, err
	}
	missing := notFound("no online application has this ID")
	a, err := s.DB.Online().FindOnlineApplication(ctx, id)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if !readable(actor, a) {
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditDenied, "onlineApplication", "OnlineApplication", a.ID, "not the caller's")); err != nil {
			return nil, err
		}
		return nil, missing
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "onlineApplication", "OnlineApplication", a.ID, "")); err != nil {
		return nil, err
	}
	return a, nil
}

// FindByCase returns the online application c was opened from (3.1.4), nil
// when it was not opened from one (a counter intake, the other office's
// copy) or the application is outside the caller's jurisdiction. The caller has read the case; the read of the
// application is audited. Errors: CodeForbidden for a role other than the
// offices' staff.
func (s *OnlineService) FindByCase(ctx context.Context, c *Case) (*OnlineApplication, error) {
	actor, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleApprover, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if c.Side != SideAcceptance {
		return nil, nil
	}
	a, err := s.DB.Online().FindOnlineApplicationByCase(ctx, c.ID)
	if ErrorCode(err) == CodeNotFound {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("online application of case %s: %w", c.ID, err)
	}
	if !readable(actor, a) {
		return nil, nil
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "case.onlineApplication", "OnlineApplication", a.ID, "")); err != nil {
		return nil, err
	}
	return a, nil
}

// FindApplications pages through the applications the caller may read,
// newest first by their immutable ID (a stable cursor): a portal its own,
// staff their jurisdiction's queue. Audited. Errors: CodeForbidden,
// CodeInvalid for a bad page.
func (s *OnlineService) FindApplications(ctx context.Context, f OnlineFilter, p Page) (*OnlinePage, error) {
	actor, err := Authorize(ctx, onlineReadRoles...)
	if err != nil {
		return nil, err
	}
	if err := checkPage(&p); err != nil {
		return nil, err
	}
	f.ClientUserID, f.OfficePrefix = "", ""
	if actor.HasRole(RoleIntegrator) && !actor.System {
		f.ClientUserID = actor.UserID
	} else {
		f.OfficePrefix = jurisdictionOf(actor)
	}
	page, err := s.DB.Online().FindOnlineApplications(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if len(page.Applications) > 0 {
		ids := make([]string, len(page.Applications))
		for i, a := range page.Applications {
			ids[i] = a.ID
		}
		if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "onlineApplications", "OnlineApplication", "", strings.Join(ids, ","))); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// forClerk loads an application of the caller's jurisdiction that is still
// in the queue at version (0 skips the check).
func (s *OnlineService) forClerk(ctx context.Context, repos Repos, actor *Actor, id string, version int) (*OnlineApplication, error) {
	missing := notFound("no online application has this ID")
	a, err := repos.Online().FindOnlineApplication(ctx, id)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if !actor.CanSee(a.Office) {
		return nil, missing
	}
	if a.Status != OnlineSubmitted {
		return nil, Errorf(CodeInvalidTransition, "the online application is %s, no longer in the queue", a.Status).WithReason("online.not_queued")
	}
	if version != 0 && version != a.Version {
		return nil, Errorf(CodeConflict, "the online application changed meanwhile (version %d, you saw %d); reload it", a.Version, version).WithReason("online.stale")
	}
	return a, nil
}

// Accept completes an online application at the counter (3.1.4: the
// person came in): CLERK of its station. The kind opens its case as its
// own intake does (look-ups, collaboration number) and, in the creating
// transaction, the application is linked to it, its materials become the
// case's archives, and the portal is notified. Errors: the kind's intake
// errors; CodeNotFound (also outside the jurisdiction); CodeConflict when
// it is no longer queued or the version is stale. counter is what the clerk
// captured at the counter in the kind's own type (an ID card's photo and
// fingerprints, and the contact details confirmed with the person), nil
// when the kind needs nothing. The kind's corrections of the portal's data
// (OnlineKind.Correct) are the case's, and are recorded on the application
// (CounterCorrections) and, by field, in its audit entry; a refused one
// leaves the application queued and unchanged.
func (s *OnlineService) Accept(ctx context.Context, id string, version int, counter any) (*Case, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	a, err := s.forClerk(ctx, s.DB, actor, id, version)
	if err != nil {
		return nil, err
	}
	oi, err := s.intake(a.Kind)
	if err != nil {
		return nil, err
	}
	c, err := oi.StartOnline(ctx, a, counter, func(ctx context.Context, tx Repos, c *Case, corrections []OnlineCorrection) error {
		cur, err := s.forClerk(ctx, tx, actor, a.ID, a.Version)
		if err != nil {
			return err
		}
		now := s.Now().UTC()
		for _, m := range cur.Materials {
			f := &CaseFile{ID: s.NewID(), CaseID: c.ID, Category: FileArchive, MaterialCode: m.Code, Name: m.Name,
				ContentType: m.ContentType, Size: m.Size, BlobKey: m.BlobKey, Restriction: RestrictionNone, Valid: true,
				CreatedBy: cur.ClientID, CreatedAt: now, UpdatedAt: now}
			if err := tx.Files().CreateCaseFile(ctx, f); err != nil {
				return err
			}
		}
		cur.Status, cur.CaseID, cur.CollabNo, cur.CaseStatus, cur.UpdatedAt = OnlineAccepted, c.ID, c.CollabNo, c.Status, now
		cur.CounterCorrections = corrections
		if err := tx.Online().UpdateOnlineApplication(ctx, cur); err != nil {
			return err
		}
		detail := "case " + c.ID
		if len(corrections) > 0 { // the values are on the application, read by staff with their masking
			fields := make([]string, len(corrections))
			for i, co := range corrections {
				fields[i] = co.Field
			}
			detail += ", corrected at the counter: " + strings.Join(fields, ", ")
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "online.accept", "OnlineApplication", cur.ID, detail)); err != nil {
			return err
		}
		return s.record(ctx, tx, cur)
	})
	if err != nil {
		return nil, fmt.Errorf("accept online application %s: %w", id, err)
	}
	return c, nil
}

// Reject refuses an online application without opening a case (the
// person never came, the materials are unusable): CLERK of its station,
// with a reason the portal reads. Errors as Accept, and CodeInvalid
// (field reason) for a missing reason.
func (s *OnlineService) Reject(ctx context.Context, id string, version int, reason string) (*OnlineApplication, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || !printable(reason, 500) {
		return nil, FieldErrorf("reason", "give the portal a reason of at most 500 characters").WithReason("online.reason")
	}
	var out *OnlineApplication
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		a, err := s.forClerk(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		now := s.Now().UTC()
		a.Status, a.Reason, a.UpdatedAt = OnlineRejected, reason, now
		if err := tx.Online().UpdateOnlineApplication(ctx, a); err != nil {
			return err
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "online.reject", "OnlineApplication", a.ID, reason)); err != nil {
			return err
		}
		out = a
		return s.record(ctx, tx, a)
	})
	if err != nil {
		return nil, fmt.Errorf("reject online application %s: %w", id, err)
	}
	return out, nil
}

// observe follows the case of an online application: each step of the
// case updates the application's case status, status and result and
// notifies its portal, in the step's transaction.
func (s *OnlineService) observe(ctx context.Context, tx Repos, c *Case) error {
	if c.Side != SideAcceptance {
		return nil
	}
	a, err := tx.Online().FindOnlineApplicationByCase(ctx, c.ID)
	if ErrorCode(err) == CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	a.CaseStatus = c.Status
	switch c.Status {
	case StatusCompleted:
		a.Status = OnlineCompleted
	case StatusRefused, StatusClosed:
		a.Status = OnlineRefused
	default:
		a.Status = OnlineAccepted
	}
	if m, ok := s.Cases.modules[c.Kind].(OnlineModule); ok {
		if a.Result, err = m.Online().OnlineResult(c); err != nil {
			return err
		}
	}
	a.UpdatedAt = s.Now().UTC()
	if err := tx.Online().UpdateOnlineApplication(ctx, a); err != nil {
		return err
	}
	return s.record(ctx, tx, a)
}

// WebhookPayload is the JSON body of a webhook: the application's state
// after a change. Portals treat deliveries by ID as idempotent (a delivery
// may arrive again if its acknowledgement was lost) and order them by Seq.
type WebhookPayload struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Seq           int             `json:"seq"`
	ApplicationID string          `json:"applicationId"`
	Reference     string          `json:"reference"`
	Kind          CaseKind        `json:"kind"`
	Status        OnlineStatus    `json:"status"`
	CaseStatus    CaseStatus      `json:"caseStatus,omitempty"`
	CollabNo      string          `json:"collabNo,omitempty"`
	Reason        string          `json:"reason,omitempty"`
	Result        json.RawMessage `json:"result,omitempty"`
	At            time.Time       `json:"at"`
}

// record notifies a's portal of its current state, in tx: a webhook
// delivery (when the portal has a webhook URL) enqueued on tx, and an event
// for the subscription published on commit.
func (s *OnlineService) record(ctx context.Context, tx Repos, a *OnlineApplication) error {
	now := s.Now().UTC()
	if err := tx.Collab().PublishCollabEvent(ctx, CollabEvent{MessageID: s.NewID(), CollabNo: a.CollabNo, Subject: a.ID, CaseKind: string(a.Kind),
		MessageType: OnlineEventType, Office: a.Office, AppliedAt: now, Audience: a.ClientUserID, Status: string(a.Status)}); err != nil {
		return err
	}
	client, err := tx.Integrators().FindIntegratorClient(ctx, a.ClientUserID)
	if ErrorCode(err) == CodeNotFound || (err == nil && client.WebhookURL == "") {
		return nil
	} else if err != nil {
		return err
	}
	d := &WebhookDelivery{ID: s.NewID(), ClientUserID: a.ClientUserID, ApplicationID: a.ID, Status: WebhookPending, CreatedAt: now, UpdatedAt: now}
	if err := tx.Online().CreateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	// A portal reads personal identifiers masked (pii.go), in webhooks as in the API.
	result := a.Result
	if len(result) > 0 {
		if result, err = MaskJSON(result); err != nil {
			return err
		}
	}
	p := WebhookPayload{ID: d.ID, Type: "online_application.updated", Seq: d.Seq, ApplicationID: a.ID, Reference: a.Reference, Kind: a.Kind,
		Status: a.Status, CaseStatus: a.CaseStatus, CollabNo: a.CollabNo, Reason: MaskText(a.Reason), Result: result, At: now}
	if d.Payload, err = json.Marshal(p); err != nil {
		return err
	}
	if err := tx.Online().UpdateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	return tx.Jobs().Enqueue(ctx, DeliverWebhookArgs{DeliveryID: d.ID}, WithMaxAttempts(WebhookMaxAttempts))
}

// Webhook headers: the delivery ID, the signing time (Unix seconds) and
// the signature "v1=" + hex(HMAC-SHA256(webhook secret, timestamp + "." + body)).
const (
	WebhookDeliveryHeader  = "X-Hukou-Delivery"
	WebhookTimestampHeader = "X-Hukou-Timestamp"
	WebhookSignatureHeader = "X-Hukou-Signature"
)

// SignWebhook returns the signature header value of body sent at ts.
func SignWebhook(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifyWebhook checks a webhook's signature and that it was signed within
// tolerance of now (replays of old deliveries are refused).
func VerifyWebhook(secret, signature, timestamp string, body []byte, now time.Time, tolerance time.Duration) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return false
	}
	return hmac.Equal([]byte(SignWebhook(secret, ts, body)), []byte(signature))
}

// DeliverWebhook posts one delivery (the deliver_webhook job): signed with
// the portal's current webhook secret at the time of sending. A 2xx answer
// marks it DELIVERED; a failure is counted and returned so the job retries
// with backoff, except on the last attempt, when the delivery is DEAD (an
// ADMIN may replay it). A delivery no longer PENDING is skipped.
func (s *OnlineService) DeliverWebhook(ctx context.Context, id string, last bool) error {
	d, err := s.DB.Online().FindWebhookDelivery(ctx, id)
	if err != nil {
		return fmt.Errorf("webhook delivery %s: %w", id, err)
	}
	if d.Status != WebhookPending {
		return nil
	}
	client, err := s.DB.Integrators().FindIntegratorClient(ctx, d.ClientUserID)
	if err != nil {
		return fmt.Errorf("webhook delivery %s: %w", id, err)
	}
	var sendErr error
	switch {
	case client.WebhookURL == "":
		sendErr = Errorf(CodeUnavailable, "the client has no webhook URL")
	case s.Webhooks == nil:
		sendErr = Errorf(CodeUnavailable, "no webhook sender is configured")
	default:
		ts := s.Now().Unix()
		sendErr = s.Webhooks.Post(ctx, client.WebhookURL, map[string]string{
			"Content-Type":         "application/json",
			WebhookDeliveryHeader:  d.ID,
			WebhookTimestampHeader: strconv.FormatInt(ts, 10),
			WebhookSignatureHeader: SignWebhook(client.WebhookSecret, ts, d.Payload),
		}, d.Payload)
	}
	now := s.Now().UTC()
	d.Attempts++
	d.UpdatedAt = now
	if sendErr == nil {
		d.Status, d.DeliveredAt, d.LastError = WebhookDelivered, &now, ""
	} else {
		d.LastError = clip(sendErr.Error(), 500, "failed")
		if last {
			d.Status = WebhookDead
		}
	}
	if err := s.DB.Online().UpdateWebhookDelivery(context.WithoutCancel(ctx), d); err != nil {
		return err
	}
	if sendErr != nil && !last {
		return fmt.Errorf("webhook delivery %s attempt %d: %w", id, d.Attempts, sendErr)
	}
	return nil
}

// FindWebhookDeliveries lists deliveries in status ("" for all), oldest
// first, for the operations view (ADMIN). Errors: CodeForbidden.
func (s *OnlineService) FindWebhookDeliveries(ctx context.Context, status WebhookStatus, limit int) ([]*WebhookDelivery, error) {
	if _, err := Authorize(ctx, RoleAdmin); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.DB.Online().FindWebhookDeliveries(ctx, status, limit)
}

// ReplayWebhook sends a DEAD delivery again (ADMIN): it is PENDING with
// its attempts reset, and a new job is enqueued, in one audited
// transaction. Errors: CodeForbidden, CodeNotFound, CodeInvalidTransition
// for a delivery that is not dead.
func (s *OnlineService) ReplayWebhook(ctx context.Context, id string) (*WebhookDelivery, error) {
	actor, err := Authorize(ctx, RoleAdmin)
	if err != nil {
		return nil, err
	}
	var out *WebhookDelivery
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		d, err := tx.Online().FindWebhookDelivery(ctx, id)
		if err != nil {
			return orMissing(err, notFound("no webhook delivery has this ID"))
		}
		if d.Status != WebhookDead {
			return Errorf(CodeInvalidTransition, "only a dead delivery is replayed; this one is %s", d.Status).WithReason("webhook.not_dead")
		}
		d.Status, d.Attempts, d.UpdatedAt = WebhookPending, 0, s.Now().UTC()
		if err := tx.Online().UpdateWebhookDelivery(ctx, d); err != nil {
			return err
		}
		if err := tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, d.UpdatedAt, AuditChange, "replayWebhookDelivery", "WebhookDelivery", d.ID, d.ApplicationID)); err != nil {
			return err
		}
		out = d
		return tx.Jobs().Enqueue(ctx, DeliverWebhookArgs{DeliveryID: d.ID}, WithMaxAttempts(WebhookMaxAttempts))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Events returns the changes of the calling portal's own applications
// (the onlineApplicationEvents subscription), until ctx ends. Errors:
// CodeForbidden for callers other than INTEGRATOR clients.
func (s *OnlineService) Events(ctx context.Context, bus CollabEvents) (<-chan CollabEvent, error) {
	return portalEvents(ctx, bus, OnlineEventType)
}

// portalEvents returns the events of messageType meant for the calling
// portal, until ctx ends. Errors: CodeForbidden for callers other than
// INTEGRATOR clients.
func portalEvents(ctx context.Context, bus CollabEvents, messageType string) (<-chan CollabEvent, error) {
	actor, err := Authorize(ctx, RoleIntegrator)
	if err != nil {
		return nil, err
	}
	in := bus.SubscribeCollabEvents(ctx)
	out := make(chan CollabEvent, 16)
	go func() {
		defer close(out)
		for e := range in {
			if e.MessageType == messageType && e.Audience == actor.UserID {
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// Result decodes a's result into its kind's type (nil while none).
func (s *OnlineService) Result(a *OnlineApplication) (OnlineResultDetails, error) {
	if len(a.Result) == 0 {
		return nil, nil
	}
	oi, err := s.intake(a.Kind)
	if err != nil {
		return nil, err
	}
	d, err := oi.DecodeOnlineResult(a.Result)
	if err != nil {
		return nil, fmt.Errorf("result of online application %s: %w", a.ID, err)
	}
	return d, nil
}
