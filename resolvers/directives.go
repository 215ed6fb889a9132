package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"hukou/domain"
)

// authDirective implements @auth(roles:): a coarse gate that requires a
// signed-in caller holding one of roles. Office jurisdiction is the domain's job.
func authDirective(ctx context.Context, _ any, next graphql.Resolver, roles []domain.Role) (any, error) {
	if domain.ActorFromContext(ctx) == nil {
		if err := authError(ctx); err != nil {
			return nil, err
		}
	}
	if _, err := domain.Authorize(ctx, roles...); err != nil {
		return nil, err
	}
	return next(ctx)
}
