package main

import (
	"context"
	"fmt"
	"slices"

	"hukou/domain"
)

// provisionDemoSeals gives a demo deployment's offices (those of the demo
// users) their household seals
// and its operators (clerk, officer, approver) their personal seals from the
// province's e-seal service (5.1.1), once: so that the demo's documents are
// signed, not drawn. An office or operator that has a seal keeps it.
func provisionDemoSeals(ctx context.Context, a *app) error {
	system := domain.WithActor(ctx, &domain.Actor{Username: "demo", System: true})
	done := map[string]bool{}
	for _, du := range demoUsers {
		u, err := a.db.Users().FindUserByUsername(ctx, du.username)
		if err != nil {
			return fmt.Errorf("demo seals: %w", err)
		}
		if !done[u.OfficeCode] {
			done[u.OfficeCode] = true
			have, err := a.db.Seals().ListSeals(ctx, u.OfficeCode)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(have, func(s *domain.ElectronicSeal) bool { return s.Kind == domain.SealHousehold }) {
				if _, err := a.seals.RequestSeal(system, domain.SealHousehold, u.OfficeCode, ""); err != nil {
					return fmt.Errorf("demo household seal of %s: %w", u.OfficeCode, err)
				}
			}
		}
		if slices.ContainsFunc(du.roles, operates) {
			have, err := a.db.Seals().UserSeals(ctx, u.ID)
			if err != nil {
				return err
			}
			if len(have) == 0 {
				if _, err := a.seals.RequestSeal(system, domain.SealPersonal, "", u.ID); err != nil {
					return fmt.Errorf("demo personal seal of %s: %w", u.Username, err)
				}
			}
		}
	}
	return nil
}

// operates reports whether a role prints business documents.
func operates(r domain.Role) bool {
	return r == domain.RoleClerk || r == domain.RoleOfficer || r == domain.RoleApprover
}
