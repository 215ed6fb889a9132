package certificate

import (
	"testing"

	"hukou/domain"
)

// TestQueryFields declares valid query sources for both kinds (1.5.1): the
// engine refuses to start with an invalid one.
func TestQueryFields(t *testing.T) {
	t.Parallel()
	s := &Service{}
	if err := domain.CaseQuerySource(MatterWorkflow, s.QueryLabel(), s.QueryFields()).Validate(); err != nil {
		t.Fatal(err)
	}
	info := s.Info().(infoModule)
	if err := domain.CaseQuerySource(InfoWorkflow, info.QueryLabel(), info.QueryFields()).Validate(); err != nil {
		t.Fatal(err)
	}
}
