package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDemoPeer(t *testing.T) {
	t.Parallel()
	base := config{OfficeCode: "211100000000", ListenAddr: "127.0.0.1:8080", DatabaseURL: "./data/hukou.db", BlobURL: "./data/blobs", MetricsAddr: "127.0.0.1:9091"}
	peer, err := demoPeer(base, "130100000000", "", "")
	require.NoError(t, err)
	require.Equal(t, config{OfficeCode: "130100000000", ListenAddr: "127.0.0.1:8081", DatabaseURL: "./data/hukou-130100.db",
		BlobURL: "./data/blobs-130100", MetricsAddr: "off", SealKeyDir: "data/seal-keys-130100"}, peer)

	s3 := base
	s3.BlobURL = "s3://bucket?endpoint=http://127.0.0.1:7070"
	s3.ListenAddr = "127.0.0.1:0"
	peer, err = demoPeer(s3, "130100000000", "", "")
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:0", peer.ListenAddr)
	require.Equal(t, "s3://bucket/130100?endpoint=http://127.0.0.1:7070", peer.BlobURL)

	pg := base
	pg.DatabaseURL = "postgres://postgres@127.0.0.1:5432/hukou?sslmode=disable"
	_, err = demoPeer(pg, "130100000000", "", "")
	require.ErrorContains(t, err, "--peer-database-url")
	peer, err = demoPeer(pg, "130100000000", "127.0.0.1:9000", "postgres://postgres@127.0.0.1:5432/sjz")
	require.NoError(t, err)
	require.Equal(t, "postgres://postgres@127.0.0.1:5432/sjz", peer.DatabaseURL)
	require.Equal(t, "127.0.0.1:9000", peer.ListenAddr)

	for _, bad := range []string{"211100000000", "1301", "13010000000x"} {
		_, err = demoPeer(base, bad, "", "")
		require.ErrorContains(t, err, "--peer-office-code", bad)
	}
}
