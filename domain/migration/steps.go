package migration

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"hukou/domain"
)

// Submit locks the case and sends it with its captured archives to the
// registration office through the platform (1.1.4, 1.4.2), in one
// transaction; the archives are read before it. Every material the
// Ministry's list marks required and every material the category requires
// (data/categories.csv) must have been captured (CodeInvalid naming
// "materials", reason archive.materials_missing).
func (s *Service) Submit(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	var archives []domain.FileContent
	sent := &struct {
		Archives int `json:"archives"`
	}{}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActSubmit, Data: sent,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			if err := s.Documents.RequireMaterials(ctx, c); err != nil {
				return err
			}
			d, err := decode(c)
			if err != nil {
				return err
			}
			if archives, err = s.Documents.ArchiveContents(ctx, c.ID); err != nil {
				return err
			}
			sent.Archives = len(archives)
			return categoryMaterials(d.Applicant.Category, archives)
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			return s.Cases.SendApplication(ctx, tx, c, archives)
		}})
}

// categoryMaterials refuses archives that lack a material the category
// requires.
func categoryMaterials(category string, archives []domain.FileContent) error {
	cat, _ := categoryOf(category)
	var missing []string
	for _, m := range cat.Materials {
		if !slices.ContainsFunc(archives, func(f domain.FileContent) bool { return f.MaterialCode == m }) {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return domain.FieldErrorf("materials", "%s needs these materials captured before submitting: %s", cat.Name, strings.Join(missing, ", ")).WithReason("archive.materials_missing")
	}
	return nil
}

// onApplication answers EXTRACTED once the engine created the registration
// office's copy (status RECEIVED, in the approval queue).
func (s *Service) onApplication(ctx context.Context, tx domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgExtracted,
		Body: map[string]string{"status": string(domain.StatusReceived)}, ReplyToHash: env.Hash()})
	return nil, err
}

// Refuse records the registration office's refusal to move the movers out
// with its reasons (each required) and sends it to the acceptance office
// (2.1.2, 1.3.7).
func (s *Service) Refuse(ctx context.Context, ref domain.CaseRef, reasons []string) (*domain.Case, error) {
	clean := cleanReasons(reasons)
	d := Decision{Approved: false, Reasons: clean}
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActRefuse, Note: strings.Join(clean, "; "), Data: d,
		Validate: func() error {
			if len(clean) == 0 {
				return domain.FieldErrorf("reasons", "give at least one reason for the refusal").WithReason("migration.reasons_required")
			}
			return nil
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return setResult(c, Outcome{Decision: d})
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgRefused, Body: d})
			return err
		}})
}

// onRefused keeps the refusal's reasons on the acceptance office's copy.
func (s *Service) onRefused(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var d Decision
	if err := json.Unmarshal(env.Body, &d); err != nil || d.Approved || len(cleanReasons(d.Reasons)) == 0 {
		return nil, domain.FieldErrorf("body", "the refusal carries no reasons").WithReason("migration.refusal_body")
	}
	return d, setResult(c, Outcome{Decision: d})
}

// CloseRefused closes a refused case at the acceptance office (1.3.7) and
// tells the registration office, whose refused copy closes too.
func (s *Service) CloseRefused(ctx context.Context, ref domain.CaseRef) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCloseRefused,
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			_, err := s.Cases.SendToOtherSide(ctx, tx, c, domain.Message{Type: MsgClosed,
				Body: map[string]string{"status": string(domain.StatusClosed)}})
			return err
		}})
}
