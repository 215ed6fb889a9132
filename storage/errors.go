package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lib/pq"

	"hukou/domain"
)

// translate maps database errors onto domain codes: no rows → CodeNotFound,
// a unique violation → CodeConflict. what names the thing for the message.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.CodeNotFound, "%s not found", what).WithReason("not_found")
	}
	if isUniqueViolation(err) {
		// Only the domain error is wrapped: the driver's message is detail.
		return fmt.Errorf("%w: %s", domain.Errorf(domain.CodeConflict, "%s already exists", what).WithReason("conflict.duplicate"), err.Error())
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}
