package resolvers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/resolvers"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestWorkstation gives the intake pages the ID card reader's address (读卡,
// issue 19 item 5); an analyst, who enters no one, is refused.
func TestWorkstation(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		b := setup(t, db)
		res := *b.res
		res.IDReaderURL = "http://127.0.0.1:9192/idreader"
		mux := http.NewServeMux()
		mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: &res, Tokens: b.tokens}))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		const q = `{ workstation { idCardReaderUrl } }`
		var out struct {
			Workstation struct{ IDCardReaderURL string }
		}
		b.do2(t, srv.URL, b.token(t, b.clerk), q, nil).ok(t, &out)
		require.Equal(t, "http://127.0.0.1:9192/idreader", out.Workstation.IDCardReaderURL)
		requireError(t, b.do2(t, srv.URL, b.token(t, b.analyst), q, nil), "FORBIDDEN", "", "auth.role")
		requireError(t, b.do2(t, srv.URL, "", q, nil), "UNAUTHENTICATED", "", "")
	})
}
