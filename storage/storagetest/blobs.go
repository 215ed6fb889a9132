package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"hukou/domain"
	"hukou/storage/blob"
)

// EachBlobStore runs fn against a fresh local folder store and a fresh S3
// store (a bucket of its own on the server of $TEST_S3_URL, removed when
// the test ends), as parallel subtests "local" and "s3". Without
// $TEST_S3_URL the S3 half fails on CI and is skipped loudly elsewhere.
func EachBlobStore(t *testing.T, fn func(t *testing.T, blobs domain.BlobStore)) {
	t.Helper()
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		s, err := blob.NewLocal(filepath.Join(t.TempDir(), "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		fn(t, s)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenS3(t))
	})
}

// OpenS3 opens a store in a new bucket of the server of $TEST_S3_URL; the
// bucket and what it holds are removed when t ends.
func OpenS3(t testing.TB) *blob.S3 {
	t.Helper()
	raw := os.Getenv("TEST_S3_URL")
	if raw == "" {
		const msg = "TEST_S3_URL is not set: the S3 half of this test DID NOT RUN. " +
			"Start a server with `export TEST_S3_URL=$(scripts/s3-test-server.sh)`."
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("!!! " + msg)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("TEST_S3_URL: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	u.Host = "hukou-st-" + hex.EncodeToString(b[:])
	u.Path = "/test"
	q := u.Query()
	q.Set("create", "1")
	u.RawQuery = q.Encode()
	s, err := blob.Open(context.Background(), u.String())
	if err != nil {
		t.Fatalf("open TEST_S3_URL: %v", err)
	}
	st := s.(*blob.S3)
	t.Cleanup(func() {
		ctx := context.Background()
		_ = st.List(ctx, func(r domain.BlobRef) error { return st.Delete(ctx, r.Key) })
		bucket := st.Bucket()
		_, _ = st.Client().DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	})
	return st
}
