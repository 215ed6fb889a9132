package platform_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/integrations/httpclient"
	"hukou/integrations/platform"
)

// TestClient_PullKeepsMalformedMessages: a platform that hands out one
// message with an unreadable send time must not fail the whole page, or
// every later message would wait behind it forever.
func TestClient_PullKeepsMalformedMessages(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"messages": [
			{"envelope": {"messageId": "bad", "sentAt": "yesterday", "body": {}}, "acceptedAt": "2026-01-01T00:00:00Z", "bodySha256": ""},
			{"envelope": {"messageId": "good", "sentAt": "2026-01-01T08:00:00Z", "body": {}}, "acceptedAt": "2026-01-01T00:00:00Z", "bodySha256": ""}],
			"next": "2"}`))
	}))
	t.Cleanup(srv.Close)
	c := platform.New(httpclient.Config{BaseURL: srv.URL, MaxAttempts: 1})
	msgs, next, err := c.Pull(context.Background(), panjin, "", 10)
	require.NoError(t, err)
	require.Equal(t, "2", next)
	require.Len(t, msgs, 2)
	require.Equal(t, "bad", msgs[0].MessageID)
	require.True(t, msgs[0].SentAt.IsZero(), "the receiver refuses it for its send time")
	require.False(t, msgs[1].SentAt.IsZero())
}
