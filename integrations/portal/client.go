// Package portal is the Internet+ portal side of issue 18: the sender that
// posts signed webhooks to a portal (domain.WebhookSender), and, in
// portalsim, a simulated portal that submits applications and receives and
// verifies those webhooks.
package portal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"hukou/domain"
)

// Sender posts webhooks over HTTP; it implements domain.WebhookSender.
type Sender struct {
	// HTTP is the client (default: one with a 10 s timeout).
	HTTP *http.Client
}

var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

// Post implements domain.WebhookSender: any answer but 2xx, and any network
// failure, is CodeUnavailable with the status or the failure in the message.
func (s *Sender) Post(ctx context.Context, url string, headers map[string]string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return domain.Errorf(domain.CodeUnavailable, "webhook URL %s: %v", url, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := s.HTTP
	if client == nil {
		client = defaultHTTP
	}
	res, err := client.Do(req)
	if err != nil {
		return domain.Errorf(domain.CodeUnavailable, "the portal's webhook did not answer: %v", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return domain.Errorf(domain.CodeUnavailable, "the portal's webhook answered %s", res.Status)
	}
	return nil
}

var _ domain.WebhookSender = (*Sender)(nil)

// String names the sender in logs.
func (s *Sender) String() string {
	return fmt.Sprintf("webhook sender (timeout %s)", defaultHTTP.Timeout)
}
