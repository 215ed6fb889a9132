package resolvers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"hukou/domain"
)

// integratorGate admits each operation of an Internet+ integrator client
// through domain.IntegratorService.AdmitCall: its rate limit, its
// persisted-operation allow-list (by the SHA-256 of the query text, so
// automatic persisted queries sent by hash count as the query they stand
// for) and the audit entry of the call. Other callers pass untouched.
type integratorGate struct{ svc *domain.IntegratorService }

func (integratorGate) ExtensionName() string { return "IntegratorGate" }

func (integratorGate) Validate(graphql.ExecutableSchema) error { return nil }

func (g integratorGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if g.svc == nil || oc.Operation == nil {
		return nil
	}
	if err := g.svc.AdmitCall(ctx, oc.Operation.Name, OperationHash(oc.RawQuery), oc.Operation.Operation == ast.Mutation); err != nil {
		return presentError(ctx, err)
	}
	return nil
}

// OperationHash is the persisted-operation hash of a query text: SHA-256 in
// lower-case hex, as Apollo's automatic persisted queries compute it.
func OperationHash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}
