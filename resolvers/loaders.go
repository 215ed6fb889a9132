package resolvers

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"hukou/domain"
)

// loaders batches relation look-ups within one request, so a page of 50
// residents costs one query per relation, not 50.
type loaders struct {
	OfficeByCode       *dataloadgen.Loader[string, *domain.Office]
	HouseholdByID      *dataloadgen.Loader[string, *domain.Household]
	AddressByID        *dataloadgen.Loader[string, *domain.Address]
	MembersByHousehold *dataloadgen.Loader[string, []*domain.Resident]
}

type loadersKey struct{}

func newLoaders(reg *domain.RegisterService) *loaders {
	wait := dataloadgen.WithWait(time.Millisecond)
	return &loaders{
		OfficeByCode: dataloadgen.NewMappedLoader(func(ctx context.Context, codes []string) (map[string]*domain.Office, error) {
			return byKey(reg.OfficesByCodes(ctx, codes))(func(o *domain.Office) string { return o.Code })
		}, wait),
		HouseholdByID: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*domain.Household, error) {
			return byKey(reg.HouseholdsByIDs(ctx, ids))(func(h *domain.Household) string { return h.ID })
		}, wait),
		AddressByID: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*domain.Address, error) {
			return byKey(reg.AddressesByIDs(ctx, ids))(func(a *domain.Address) string { return a.ID })
		}, wait),
		MembersByHousehold: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]*domain.Resident, error) {
			rs, err := reg.MembersByHouseholdIDs(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[string][]*domain.Resident, len(ids))
			for _, id := range ids {
				out[id] = []*domain.Resident{}
			}
			for _, r := range rs {
				out[r.HouseholdID] = append(out[r.HouseholdID], r)
			}
			return out, nil
		}, wait),
	}
}

// byKey indexes a fetch result by key. A missing key (absent, or outside the
// caller's jurisdiction) makes the loader return dataloadgen.ErrNotFound,
// which the error presenter shows as NOT_FOUND.
func byKey[T any](items []T, err error) func(key func(T) string) (map[string]T, error) {
	return func(key func(T) string) (map[string]T, error) {
		if err != nil {
			return nil, err
		}
		out := make(map[string]T, len(items))
		for _, it := range items {
			out[key(it)] = it
		}
		return out, nil
	}
}

// withLoaders gives every request its own loaders.
func withLoaders(reg *domain.RegisterService, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(reg))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFrom(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}

// selects reports whether the current field's selection asks for path,
// each step a field name and the type it is selected on (fragments
// included), e.g. selects(ctx, "edges", "ResidentConnection", "node",
// "ResidentEdge", "household", "Resident").
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return false
	}
	op := graphql.GetOperationContext(ctx)
	sel := fc.Field.Selections
	for i := 0; i+1 < len(path); i += 2 {
		found := false
		for _, f := range graphql.CollectFields(op, sel, []string{path[i+1]}) {
			if f.Name == path[i] {
				sel, found = f.Selections, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// primeHouseholds fetches the households of residents now, in one query,
// and primes the request's loader with them, so the household fields that
// follow find them at once instead of waiting for a batch (a single
// resident's household would otherwise pay the loader's batching wait).
// Households the caller may not see are left to the loader (NOT_FOUND).
func primeHouseholds(ctx context.Context, reg *domain.RegisterService, residents []*domain.Resident) error {
	ids := make([]string, 0, len(residents))
	for _, r := range residents {
		ids = append(ids, r.HouseholdID)
	}
	hs, err := reg.HouseholdsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	l := loadersFrom(ctx).HouseholdByID
	for _, h := range hs {
		l.Prime(h.ID, h)
	}
	return nil
}
