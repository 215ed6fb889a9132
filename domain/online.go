package domain

import (
	"context"
	"encoding/json"
	"time"
)

// OnlineStatus is where an online application (互联网+ 网上申请, 3.1.1–3.1.4)
// stands, as its portal sees it.
type OnlineStatus string

// Online application statuses.
const (
	// OnlineSubmitted: in the station's queue; no clerk has taken it yet.
	OnlineSubmitted OnlineStatus = "SUBMITTED"
	// OnlineAccepted: a clerk opened its case at the counter (the person
	// came in, 3.1.4); CaseStatus follows the case.
	OnlineAccepted OnlineStatus = "ACCEPTED"
	// OnlineRejected: the clerk refused the application before opening a
	// case (Reason says why).
	OnlineRejected OnlineStatus = "REJECTED"
	// OnlineCompleted: its case was completed; Result holds the outcome.
	OnlineCompleted OnlineStatus = "COMPLETED"
	// OnlineRefused: its case was refused (and closed).
	OnlineRefused OnlineStatus = "REFUSED"
)

// OnlineApplication is an application an Internet+ portal submitted for a
// citizen: the kind's intake data and the materials uploaded with it,
// queued at a police station until a clerk completes it into a case.
// Only the portal that submitted it reads it through the portal API.
type OnlineApplication struct {
	ID string
	// ClientUserID is the submitting INTEGRATOR user; ClientID its client ID.
	ClientUserID string
	ClientID     string
	Kind         CaseKind
	// Office is the police station whose queue it is in.
	Office string
	// Reference is the portal's own number for it (echoed in webhooks).
	Reference string
	// Data is the kind's online intake data as checked (OnlineIntake).
	Data      json.RawMessage
	Materials []OnlineMaterial
	Status    OnlineStatus
	// CaseID, CollabNo and CaseStatus name the case once a clerk opened it.
	CaseID     string
	CollabNo   string
	CaseStatus CaseStatus
	// Result is what the portal may read of the case's outcome (the
	// kind's OnlineResult); nil while there is none.
	Result json.RawMessage
	// CounterCorrections are the fields of Data the clerk changed when
	// completing it at the counter (3.1.4), in the kind's order: the case
	// was opened with the counter's values, while Data stays as the portal
	// submitted it. Staff read them; the portal never does.
	CounterCorrections []OnlineCorrection
	Reason             string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int
}

// OnlineCorrection is one field of an online application's data that the
// clerk corrected with the person at the counter (3.1.4): the field as the
// accepting input names it, the portal's value and the counter's.
type OnlineCorrection struct {
	Field   string `json:"field"`
	Portal  string `json:"portal"`
	Counter string `json:"counter"`
}

// OnlineMaterial is one file uploaded with an online application, checked
// as archives are and kept in the blob store; it becomes an archive of the
// case when a clerk opens it.
type OnlineMaterial struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	BlobKey     string `json:"blobKey"`
	SHA256      string `json:"sha256"`
}

// OnlineIntake is the online intake of a kind portals may submit online,
// which its module returns (OnlineModule); OnlineKind builds one.
type OnlineIntake interface {
	// CheckOnline checks a portal's intake data for the kind without
	// look-ups and returns it normalised, as stored. Errors: CodeInvalid
	// naming the field (prefixed "data.").
	CheckOnline(data json.RawMessage) (json.RawMessage, error)
	// StartOnline opens the case of app at the calling clerk's counter:
	// the kind's own intake with its look-ups and what the clerk captured
	// or corrected there (counter, the kind's own type; nil when nothing
	// was), running link in the creating transaction with the corrections
	// of app's data the case was opened with (nil for none). A refused
	// correction opens nothing. Errors: as the kind's intake.
	StartOnline(ctx context.Context, app *OnlineApplication, counter any, link func(ctx context.Context, tx Repos, c *Case, corrections []OnlineCorrection) error) (*Case, error)
	// OnlineResult returns what the portal may read of c's outcome (nil
	// while there is none).
	OnlineResult(c *Case) (json.RawMessage, error)
	// DecodeOnlineResult decodes what OnlineResult stored into the kind's
	// type of the schema's OnlineResult union.
	DecodeOnlineResult(raw json.RawMessage) (OnlineResultDetails, error)
}

// OnlineResultDetails is a kind's outcome as the portal reads it (the
// schema's OnlineResult union).
type OnlineResultDetails interface{}

// OnlineFilter selects online applications; the service sets the owner or
// the office prefix from the caller.
type OnlineFilter struct {
	ClientUserID string
	OfficePrefix string
	Statuses     []OnlineStatus
	Kind         CaseKind
}

// OnlinePage is a page of online applications, newest first, keyed by
// their immutable ID (UUIDv7, time-ordered): a stable cursor.
type OnlinePage struct {
	Applications []*OnlineApplication
	HasNextPage  bool
	EndCursor    string
}

// WebhookStatus is where a webhook delivery stands.
type WebhookStatus string

// Webhook delivery statuses.
const (
	WebhookPending   WebhookStatus = "PENDING"   // to be (re)tried
	WebhookDelivered WebhookStatus = "DELIVERED" // the portal answered 2xx
	WebhookDead      WebhookStatus = "DEAD"      // retries exhausted; an ADMIN may replay it
)

// WebhookDelivery is one notification to a portal: a change of one of its
// applications, signed and posted to its webhook URL by a job that retries
// with backoff and dead-letters it after its last attempt.
type WebhookDelivery struct {
	ID            string
	ClientUserID  string
	ApplicationID string
	Seq           int // 1, 2, … per application
	Payload       json.RawMessage
	Status        WebhookStatus
	Attempts      int
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DeliveredAt   *time.Time
}

// OnlineRepository stores online applications and webhook deliveries.
type OnlineRepository interface {
	// CreateOnlineApplication inserts a.
	CreateOnlineApplication(ctx context.Context, a *OnlineApplication) error
	// FindOnlineApplication returns CodeNotFound when there is none.
	FindOnlineApplication(ctx context.Context, id string) (*OnlineApplication, error)
	// FindOnlineApplicationByCase returns the application whose case is
	// caseID, or CodeNotFound.
	FindOnlineApplicationByCase(ctx context.Context, caseID string) (*OnlineApplication, error)
	// UpdateOnlineApplication writes a if its stored version is still
	// a.Version and increments it; CodeConflict otherwise (and when its
	// case is taken by another application).
	UpdateOnlineApplication(ctx context.Context, a *OnlineApplication) error
	// FindOnlineApplications pages through applications matching f, newest first.
	FindOnlineApplications(ctx context.Context, f OnlineFilter, p Page) (*OnlinePage, error)
	// CreateWebhookDelivery inserts d, setting d.Seq (the next of its application).
	CreateWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
	// FindWebhookDelivery returns CodeNotFound when there is none.
	FindWebhookDelivery(ctx context.Context, id string) (*WebhookDelivery, error)
	// UpdateWebhookDelivery stores d's payload, status, attempts, error and times.
	UpdateWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
	// FindWebhookDeliveries lists deliveries in status (all when ""),
	// oldest first, at most limit.
	FindWebhookDeliveries(ctx context.Context, status WebhookStatus, limit int) ([]*WebhookDelivery, error)
}

// DeliverWebhookArgs is the job that posts one webhook delivery.
type DeliverWebhookArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind implements JobArgs.
func (DeliverWebhookArgs) Kind() string { return "deliver_webhook" }

// WebhookMaxAttempts is how often a delivery is tried before it is dead.
const WebhookMaxAttempts = 12

// WebhookSender posts a signed webhook (integrations/portal implements it).
type WebhookSender interface {
	// Post sends body with headers to url. Errors: CodeUnavailable for a
	// network failure or a non-2xx answer (its status in the message).
	Post(ctx context.Context, url string, headers map[string]string, body []byte) error
}

// OnlineEventType is the MessageType of the CollabEvent published when an
// online application changes (the onlineApplicationEvents subscription).
const OnlineEventType = "ONLINE_APPLICATION"
