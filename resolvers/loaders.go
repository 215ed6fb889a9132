package resolvers

import (
	"context"
	"net/http"
	"time"

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
