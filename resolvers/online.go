package resolvers

import (
	"encoding/json"

	"hukou/domain"
	"hukou/graph/model"
)

// onlineSubmission maps a kind's submitOnline<Kind>Application input onto
// the one online intake (domain.OnlineService.Submit): the kind's data as
// JSON and the uploaded materials.
func onlineSubmission(kind domain.CaseKind, office string, reference *string, data any, materials []*model.OnlineMaterialInput) (domain.OnlineSubmission, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return domain.OnlineSubmission{}, err
	}
	sub := domain.OnlineSubmission{Kind: kind, Office: office, Data: raw}
	if reference != nil {
		sub.Reference = *reference
	}
	for _, m := range materials {
		sub.Materials = append(sub.Materials, domain.OnlineUpload{Code: m.Code, Name: m.File.Filename, ContentType: m.File.ContentType, Content: m.File.File})
	}
	return sub, nil
}
