// Package resolvers maps GraphQL operations onto domain use cases: each
// resolver authenticates through the context's Actor, calls one domain
// method, and maps the result. No business rules, no SQL.
package resolvers

import (
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/certificate"
	"hukou/domain/idcard"
	"hukou/domain/migration"
)

// Resolver holds the use cases the schema's resolvers call.
type Resolver struct {
	Register    *domain.RegisterService
	Auth        *domain.AuthService
	Users       *domain.UserService
	Audit       *domain.AuditService
	Collab      *domain.CollabService
	Casework    *domain.CaseService
	Birth       *birth.Service
	Migration   *migration.Service
	Certificate *certificate.Service
	IDCard      *idcard.Service
	Events      domain.CollabEvents
	Hcybsh      *domain.HcybshService
	Archives    *domain.ArchiveService
	Queries     *domain.QueryService
	SealService *domain.SealService
	Licences    *domain.LicenceService
	Integrators *domain.IntegratorService
	Idempotency *domain.IdempotencyService
	Online      *domain.OnlineService
	FoundCards  *domain.FoundCardService
	HukouBooks  *domain.HukouBookService
	// Receipts prints every kind's acceptance receipt (issue 19).
	Receipts *domain.ReceiptService
	// IDReaderURL is the ID card reader service the SPA calls (读卡, issue 19).
	IDReaderURL string
}
