package resolvers

import (
	"context"
	"fmt"
	"time"

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

// piiDirective implements @pii(kind:), the one masking layer of the API:
// when the caller's personal data is masked (domain.Actor.MasksPersonalData)
// the field's value is replaced by its masked form (domain/pii.go); anyone
// else reads it as resolved. It never changes the resolved object, which
// loaders may share within a request.
func piiDirective(ctx context.Context, obj any, next graphql.Resolver, kind domain.PIIKind) (any, error) {
	v, err := next(ctx)
	if err != nil || !domain.ActorFromContext(ctx).MasksPersonalData() {
		return v, err
	}
	return maskValue(obj, kind, v)
}

// maskValue masks v, a field value of obj, as kind. It knows the Go types
// the schema's @pii fields resolve to; any other is a schema mistake and
// fails the field rather than leak it.
func maskValue(obj any, kind domain.PIIKind, v any) (any, error) {
	str := func(s string) string {
		if kind == domain.PIIItemValue {
			return domain.MaskItemValue(obj, s)
		}
		return domain.MaskString(kind, s)
	}
	switch x := v.(type) {
	case string:
		return str(x), nil
	case *string:
		if x == nil {
			return x, nil
		}
		s := str(*x)
		return &s, nil
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = str(s)
		}
		return out, nil
	case time.Time:
		if kind == domain.PIIBirthDate {
			return domain.GeneraliseDate(x), nil
		}
	case *time.Time:
		if kind == domain.PIIBirthDate {
			if x == nil {
				return x, nil
			}
			t := domain.GeneraliseDate(*x)
			return &t, nil
		}
	}
	return nil, fmt.Errorf("@pii(kind: %s) cannot mask a %T", kind, v)
}
