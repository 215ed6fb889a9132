package resolvers

import (
	"net/http"
	"time"

	"hukou/domain"
)

// NewFileHandlerAt is NewFileHandler with the clock now, for tests of link expiry.
func NewFileHandlerAt(archives *domain.ArchiveService, tokens *Tokens, auth *domain.AuthService, now func() time.Time) http.Handler {
	h := NewFileHandler(archives, tokens, auth).(*fileHandler)
	h.now = now
	return h
}
