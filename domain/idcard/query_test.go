package idcard

import (
	"testing"

	"hukou/domain"
)

// TestQueryFields declares a valid query source (1.5.4): the engine refuses
// to start with an invalid one.
func TestQueryFields(t *testing.T) {
	t.Parallel()
	s := &Service{}
	if err := domain.CaseQuerySource(Workflow, s.QueryLabel(), s.QueryFields()).Validate(); err != nil {
		t.Fatal(err)
	}
}
