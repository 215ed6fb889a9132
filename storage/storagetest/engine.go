package storagetest

import (
	"context"
	"time"

	"github.com/google/uuid"

	"hukou/domain"
	"hukou/storage"
)

// Engine returns a case engine over db that knows the workflows' statuses
// (what archives and reads need) but applies no messages: its platform is
// never reached. Tests of a kind's steps register the kind's module on an
// engine with a real platform instead.
func Engine(db *storage.DB, audit domain.AuditSink, workflows ...*domain.Workflow) *domain.CaseService {
	return EngineOn(db, audit, workflows...)
}

// EngineOn is Engine over any domain.Database, such as a wrapper of a
// storage.DB that injects failures.
func EngineOn(db domain.Database, audit domain.AuditSink, workflows ...*domain.Workflow) *domain.CaseService {
	cases := domain.NewCaseService(db, audit, Collab(db), time.Now, uuid.NewString)
	for _, w := range workflows {
		cases.Register(declarationOnly{w})
	}
	return cases
}

// Collab returns the collaboration service of the deployment 211100000000
// over db, whose platform is never reached: what it sends stays PENDING.
// Tests of the message log use it.
func Collab(db domain.Database) *domain.CollabService {
	return domain.NewCollabService(db, unreachablePlatform{}, &domain.KeyRing{}, "211100000000", time.Now, uuid.NewString)
}

// declarationOnly is a module with a declaration and nothing else.
type declarationOnly struct{ w *domain.Workflow }

func (m declarationOnly) Workflow() *domain.Workflow { return m.w }

func (declarationOnly) Receivers() map[domain.MessageType]domain.ReceiveFunc { return nil }

func (declarationOnly) Details(*domain.Case) (domain.CaseDetails, error) { return struct{}{}, nil }

// unreachablePlatform refuses every call: the external platform is down.
type unreachablePlatform struct{}

func (unreachablePlatform) Send(context.Context, domain.Envelope) error { return errDown }

func (unreachablePlatform) Pull(context.Context, string, string, int) ([]domain.Envelope, string, error) {
	return nil, "", errDown
}

func (unreachablePlatform) Ack(context.Context, string, []string) error { return errDown }

var errDown = domain.Errorf(domain.CodeUnavailable, "the platform is not reachable in this test")
