package openapitest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/integrations/openapitest"
)

const spec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v1/thing:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [n]
                properties: {n: {type: integer}}
`

// recorder catches what Transport reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestTransport(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		path, status, body string
		wantErr            bool
	}{
		"OK":               {"/v1/thing", "200", `{"n":1}`, false},
		"ErrBodyViolates":  {"/v1/thing", "200", `{"n":"one"}`, true},
		"ErrStatusUnknown": {"/v1/thing", "500", `{}`, true},
		"ErrPathNotInSpec": {"/v1/other", "200", `{"n":1}`, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				code := 200
				_, _ = fmt.Sscan(tc.status, &code)
				w.WriteHeader(code)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			rec := &recorder{TB: t}
			res, err := openapitest.New(rec, []byte(spec)).Client().Get(srv.URL + tc.path)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, tc.wantErr, len(rec.errs) > 0, "%v", rec.errs)
		})
	}
}
