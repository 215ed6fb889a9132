// Package platform is hukou's client for the collaboration platform (协同平台),
// the hub that carries signed envelopes between offices: send, pull an inbox
// with a cursor, acknowledge. The wire contract is openapi.yaml in this
// folder (served by the simulator, platformsim, at /openapi.yaml) and
// README.md; nothing outside integrations/ sees it.
package platform

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"hukou/domain"
	"hukou/integrations/httpclient"
)

// OpenAPISpec is the contract of the platform, OpenAPI 3 in YAML.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// MaxPullLimit is the largest page the platform returns.
const MaxPullLimit = 500

// Client implements domain.Platform over HTTP. It is safe for concurrent use.
type Client struct {
	http *httpclient.Client
}

var _ domain.Platform = (*Client)(nil)

// New returns a Client. cfg.BaseURL is the platform root, where
// /openapi.yaml is served (e.g. http://127.0.0.1:9092); the client appends
// /v1 unless the URL already ends with it. cfg.Service is always
// "platform"; the other fields keep httpclient's defaults when zero.
func New(cfg httpclient.Config) *Client {
	cfg.Service = "platform"
	if cfg.DisplayName == "" {
		cfg.DisplayName = "the collaboration platform"
	}
	cfg.BaseURL = httpclient.VersionedBase(cfg.BaseURL, "v1")
	return &Client{http: httpclient.New(cfg)}
}

// BreakerState reports the circuit breaker's state: "closed", "half-open" or "open".
func (c *Client) BreakerState() string { return c.http.BreakerState() }

// Send implements domain.Platform. The message ID is the Idempotency-Key and
// the call is retried on timeouts, lost answers and 5xx: the platform stores
// a message ID once. It does not validate env itself: the platform's
// CodeInvalid answer names the field.
func (c *Client) Send(ctx context.Context, env domain.Envelope) error {
	var out SendResult
	if err := c.http.Call(ctx, "send", http.MethodPost, "/messages", FromDomain(env), &out,
		httpclient.CallOptions{Idempotent: true, IdempotencyKey: env.MessageID}); err != nil {
		return fmt.Errorf("send message %s to %s: %w", env.MessageID, env.ReceiverOffice, err)
	}
	return nil
}

// Pull implements domain.Platform. limit ≤ 0 asks for the platform's
// default page (100); more than MaxPullLimit is cut to it. Reading changes
// nothing, so the call is retried. A message whose sentAt is not RFC 3339
// is returned with a zero SentAt rather than failing the page.
func (c *Client) Pull(ctx context.Context, office string, cursor string, limit int) ([]domain.Envelope, string, error) {
	msgs, next, err := c.PullMessages(ctx, office, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]domain.Envelope, 0, len(msgs))
	for _, m := range msgs {
		env, err := m.Envelope.ToDomain()
		if err != nil {
			// One message's unreadable send time must not fail the page (and
			// so block the inbox): it arrives without one, and the receiver
			// makes it a dead letter.
			m.Envelope.SentAt = ""
			if env, err = m.Envelope.ToDomain(); err != nil {
				return nil, "", fmt.Errorf("pull inbox of %s: message %s: %w", office, m.Envelope.MessageID, err)
			}
		}
		out = append(out, env)
	}
	return out, next, nil
}

// PullMessages is Pull with what the platform recorded about each message
// (when it accepted it, the SHA-256 of its canonical body), for operators
// and tests.
func (c *Client) PullMessages(ctx context.Context, office string, cursor string, limit int) ([]InboxMessage, string, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set("after", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(min(limit, MaxPullLimit)))
	}
	path := "/inbox/" + url.PathEscape(office)
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out Inbox
	if err := c.http.Call(ctx, "inbox", http.MethodGet, path, nil, &out, httpclient.CallOptions{Idempotent: true}); err != nil {
		return nil, "", fmt.Errorf("pull inbox of %s: %w", office, err)
	}
	return out.Messages, out.Next, nil
}

// WaitInbox implements domain.InboxWaiter: a long poll of office's inbox
// after cursor for up to wait (at most 30 s). It reports whether a message
// is there; it is not retried (the caller loops), and a platform that does
// not hold the request simply answers at once.
func (c *Client) WaitInbox(ctx context.Context, office, cursor string, wait time.Duration) (bool, error) {
	q := url.Values{}
	if cursor != "" {
		q.Set("after", cursor)
	}
	q.Set("limit", "1")
	q.Set("wait", strconv.Itoa(int(min(wait, 30*time.Second)/time.Second)))
	var out Inbox
	if err := c.http.Call(ctx, "inbox_wait", http.MethodGet, "/inbox/"+url.PathEscape(office)+"?"+q.Encode(), nil, &out,
		httpclient.CallOptions{LongPoll: wait}); err != nil {
		return false, fmt.Errorf("wait for the inbox of %s: %w", office, err)
	}
	return len(out.Messages) > 0, nil
}

// Ack implements domain.Platform. Acknowledging is idempotent, so the call
// is retried. No IDs is a no-op; more than 1,000 are sent in batches.
func (c *Client) Ack(ctx context.Context, office string, messageIDs []string) error {
	for len(messageIDs) > 0 {
		n := min(len(messageIDs), 1000)
		var out AckResult
		if err := c.http.Call(ctx, "ack", http.MethodPost, "/inbox/"+url.PathEscape(office)+"/ack",
			AckRequest{MessageIDs: messageIDs[:n]}, &out, httpclient.CallOptions{Idempotent: true}); err != nil {
			return fmt.Errorf("acknowledge %d messages of %s: %w", n, office, err)
		}
		messageIDs = messageIDs[n:]
	}
	return nil
}
