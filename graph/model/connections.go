package model

import "hukou/domain"

// ResidentConnection is a page of residents. Filter is kept so that
// totalCount, which costs a scan, is computed only when asked for.
type ResidentConnection struct {
	Edges    []*ResidentEdge `json:"edges"`
	PageInfo *PageInfo       `json:"pageInfo"`
	Filter   domain.ResidentFilter
}

// BirthRegistration is a birth case as the schema shows it; the resolvers
// decode its applicant, Ministry and result data.
type BirthRegistration struct {
	*domain.Case
}
