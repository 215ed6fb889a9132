package model

import "hukou/domain"

// ResidentConnection is a page of residents. Filter is kept so that
// totalCount, which costs a scan, is computed only when asked for.
type ResidentConnection struct {
	Edges    []*ResidentEdge `json:"edges"`
	PageInfo *PageInfo       `json:"pageInfo"`
	Filter   domain.ResidentFilter
}
