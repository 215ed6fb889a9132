package devicesim_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/integrations/devicesim"
	"hukou/integrations/fault"
)

type script struct {
	N int `json:"n"`
}

// TestScripts: scripts are taken in order, one per call; PUT queues them
// (refusing what Check refuses, and what is not a JSON list), DELETE
// clears; the shared routes answer.
func TestScripts(t *testing.T) {
	t.Parallel()
	s := &devicesim.Scripts[script]{Check: func(sc script) error {
		if sc.N < 0 {
			return errors.New("n must not be negative")
		}
		return nil
	}}
	mux := devicesim.Mux([]byte("openapi: 3.0.3\n"), fault.New(1))
	s.Handle(mux)
	srv := httptest.NewServer(devicesim.CORS(mux))
	t.Cleanup(srv.Close)
	do := func(method, path, body string) int {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusNoContent, do(http.MethodPut, "/admin/script", `[{"n": 1}, {"n": 2}]`))
	require.Equal(t, http.StatusBadRequest, do(http.MethodPut, "/admin/script", `[{"n": -1}]`))
	require.Equal(t, http.StatusBadRequest, do(http.MethodPut, "/admin/script", `{"n": 3}`))
	s.Add(script{N: 3})
	for _, want := range []int{1, 2, 3} {
		got, ok := s.Next()
		require.True(t, ok)
		require.Equal(t, want, got.N)
	}
	_, ok := s.Next()
	require.False(t, ok)
	s.Add(script{N: 4})
	require.Equal(t, http.StatusNoContent, do(http.MethodDelete, "/admin/script", ""))
	_, ok = s.Next()
	require.False(t, ok)
	require.Equal(t, http.StatusOK, do(http.MethodGet, "/openapi.yaml", ""))
	require.Equal(t, http.StatusOK, do(http.MethodGet, "/healthz", ""))
	require.Equal(t, http.StatusOK, do(http.MethodGet, "/admin/faults", ""))
	require.Equal(t, http.StatusNoContent, do(http.MethodOptions, "/anything", ""))
}
