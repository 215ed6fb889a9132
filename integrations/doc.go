// Package integrations groups hukou's clients for external systems — the
// Ministry (ministry), the provincial department (province) and the
// collaboration platform (platform) — each with a simulator that behaves like
// the real service, failures included. Nothing outside integrations/ knows a
// wire format: when the official specifications arrive, only an adapter
// changes (feature 9). Shared plumbing: httpclient (timeouts, retries,
// circuit breaker, error translation, metrics) and fault (fault injection for
// simulators).
package integrations
