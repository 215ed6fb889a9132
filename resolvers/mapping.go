package resolvers

import (
	"context"
	"strconv"

	"hukou/domain"
	"hukou/domain/codes"
	"hukou/graph/model"
	"hukou/graph/scalar"

	"github.com/99designs/gqlgen/graphql"
)

// nodeID returns the domain ID inside a global ID of type typ.
func nodeID(typ, gid, field string) (string, error) {
	t, id, ok := scalar.ParseGlobalID(gid)
	if !ok || t != typ {
		return "", domain.FieldErrorf(field, "%q is not the ID of a %s", gid, typ).WithReason("node.id")
	}
	return id, nil
}

func (r *Resolver) resolveNode(ctx context.Context, gid string) (model.Node, error) {
	typ, id, ok := scalar.ParseGlobalID(gid)
	if !ok {
		return nil, domain.FieldErrorf("id", "%q is not an ID this server issued", gid).WithReason("node.id")
	}
	switch typ {
	case "Resident":
		return r.Register.FindResidentByID(ctx, id)
	case "Household":
		return r.Register.FindHouseholdByID(ctx, id)
	case "User":
		return r.Auth.FindUserByID(ctx, id)
	case "Case":
		return r.Casework.Find(ctx, id)
	default:
		return nil, domain.FieldErrorf("id", "%q is not an ID this server issued", gid).WithReason("node.id")
	}
}

// pageOf maps connection arguments to a domain.Page. The domain reads
// First 0 as "the default size", so an explicit first: 0 (or less) from a
// client is refused here instead of silently becoming a page of 50.
func pageOf(first *int, after *string) (domain.Page, error) {
	p := domain.Page{}
	if first != nil {
		if *first < 1 {
			return p, domain.FieldErrorf("first", "ask for between 1 and %d items per page", domain.MaxPageSize).WithReason("page.size")
		}
		p.First = *first
	}
	if after != nil {
		p.After = *after
	}
	return p, nil
}

func pageInfo(hasNext bool, endCursor string) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext}
	if endCursor != "" {
		pi.EndCursor = &endCursor
	}
	return pi
}

// codeEntry maps a stored code to its code-list entry; an unknown code keeps
// the code as its name rather than failing the whole read.

func division(code string) *model.Division {
	d, ok := codes.LookupDivision(code)
	if !ok {
		return nil
	}
	return &model.Division{Code: d.Code, Name: d.Name, FullName: codes.FullName(d.Code), Historical: d.Historical}
}

func collabConnection(page *domain.CollabMessagePage, err error) (*model.CollabMessageConnection, error) {
	if err != nil {
		return nil, err
	}
	conn := &model.CollabMessageConnection{PageInfo: pageInfo(page.HasNextPage, page.EndCursor), Edges: []*model.CollabMessageEdge{}}
	for _, m := range page.Messages {
		conn.Edges = append(conn.Edges, &model.CollabMessageEdge{Cursor: domain.CursorFor(strconv.FormatInt(m.Seq, 10)), Node: m})
	}
	return conn, nil
}

func caseConnection(page *domain.CasePage, err error) (*model.CaseConnection, error) {
	if err != nil {
		return nil, err
	}
	conn := &model.CaseConnection{PageInfo: pageInfo(page.HasNextPage, page.EndCursor), Edges: []*model.CaseEdge{}}
	for _, c := range page.Cases {
		conn.Edges = append(conn.Edges, &model.CaseEdge{Cursor: domain.CursorFor(c.ID), Node: c})
	}
	return conn, nil
}

// officeName names an office: from the register when it is ours, else by
// its GB/T 2260 division (an office of another deployment).
func officeName(ctx context.Context, code string) string {
	if o, err := loadersFrom(ctx).OfficeByCode.Load(ctx, code); err == nil && o != nil {
		return o.Name
	}
	if len(code) >= 6 {
		if name := codes.FullName(code[:6]); name != "" {
			return name
		}
	}
	return code
}

// pointers returns pointers to the elements of xs, as gqlgen's lists want.
func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// optionalValues is values for an optional list: nil (not given) stays nil.
func optionalValues[T any](ps []*T) []T {
	if ps == nil {
		return nil
	}
	return values(ps)
}

// values returns the values of ps (input lists arrive as pointers).
func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// deref is *p, or T's zero value when p is nil (an optional input left out).
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// uploads lists the pages of an archive: first (nil: none), then more.
func uploads(first *graphql.Upload, more []*graphql.Upload) []domain.ArchiveUpload {
	if first == nil {
		return nil
	}
	out := []domain.ArchiveUpload{{Name: first.Filename, ContentType: first.ContentType, Content: first.File}}
	for _, u := range more {
		if u != nil {
			out = append(out, domain.ArchiveUpload{Name: u.Filename, ContentType: u.ContentType, Content: u.File})
		}
	}
	return out
}
