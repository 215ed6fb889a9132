package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScanAgent_LoopbackOnly (issue 16 item 5, 1.4.14): the scan agent
// refuses to listen anywhere but on loopback, and to start without the
// SPA's origin.
func TestScanAgent_LoopbackOnly(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:9192"} {
		err := runScanAgent(context.Background(), []string{"--listen", addr, "--allow-origin", "https://hukou.example"})
		require.ErrorContains(t, err, "not loopback", addr)
	}
	err := runScanAgent(context.Background(), []string{"--listen", "127.0.0.1:0"})
	require.ErrorContains(t, err, "allow-origin")
}
