package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// eachStore runs fn against a Local store in a fresh folder and an S3 store
// under a fresh prefix of the server named by $TEST_S3_URL. Both stores come
// from Open, so the URL parsing is exercised too. The S3 store's memory limit
// is lowered to 1 MiB so that large bodies go through the spool file.
func eachStore(t *testing.T, fn func(t *testing.T, s domain.BlobStore)) {
	t.Helper()
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "blobs"))
		require.NoError(t, err)
		fn(t, s)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		s := openTestS3(t)
		s.memLimit = 1 << 20
		fn(t, s)
	})
}

// openTestS3 opens $TEST_S3_URL in a bucket of its own (created) under a
// prefix unique to t, and removes what t stored and the bucket when t ends.
// (Parallel tests sharing one bucket of versitygw's posix backend sometimes
// failed with "Existing Object is a directory" as one test's cleanup removed
// the directories another's upload was creating.) Without $TEST_S3_URL it
// fails on CI and skips elsewhere.
func openTestS3(t *testing.T) *S3 {
	t.Helper()
	u := testS3URL(t)
	u.Host = "hukou-t-" + hex.EncodeToString(randomBytes(t, 6))
	u.Path = "/" + uniquePrefix(t)
	q := u.Query()
	q.Set("create", "1")
	u.RawQuery = q.Encode()
	s, err := Open(context.Background(), u.String())
	require.NoError(t, err, "open TEST_S3_URL")
	st := s.(*S3)
	t.Cleanup(func() {
		for _, key := range s3Objects(t, st) {
			_ = st.Delete(context.Background(), key[len(st.prefix):])
		}
		_, _ = st.client.DeleteBucket(context.Background(), &s3.DeleteBucketInput{Bucket: &st.bucket})
	})
	return st
}

// testS3URL returns $TEST_S3_URL parsed.
func testS3URL(t *testing.T) *url.URL {
	t.Helper()
	raw := os.Getenv("TEST_S3_URL")
	if raw == "" {
		const msg = "TEST_S3_URL is not set: the S3 half of the blob store tests DID NOT RUN. " +
			"Start a server with `export TEST_S3_URL=$(scripts/s3-test-server.sh)`."
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("!!! " + msg)
	}
	u, err := url.Parse(raw)
	require.NoError(t, err, "TEST_S3_URL")
	return u
}

var unsafeChars = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

func uniquePrefix(t *testing.T) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "test/" + unsafeChars.ReplaceAllString(t.Name(), "_") + "-" + hex.EncodeToString(b[:])
}

// objects lists the names of the objects s holds, failing t if a Put left a
// temporary file behind.
func objects(t *testing.T, s domain.BlobStore) []string {
	t.Helper()
	switch s := s.(type) {
	case *Local:
		var names []string
		err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			require.False(t, strings.HasPrefix(d.Name(), localTempPrefix), "temporary file left behind: %s", p)
			if !strings.HasSuffix(d.Name(), ".type") {
				names = append(names, d.Name())
			}
			return nil
		})
		require.NoError(t, err)
		return names
	case *S3:
		return s3Objects(t, s)
	default:
		t.Fatalf("unknown store %T", s)
		return nil
	}
}

func s3Objects(t *testing.T, s *S3) []string {
	t.Helper()
	var names []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &s.prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		for _, o := range page.Contents {
			names = append(names, *o.Key)
		}
	}
	return names
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func keyOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func readAll(t *testing.T, s domain.BlobStore, key string) ([]byte, domain.BlobRef) {
	t.Helper()
	rc, ref, err := s.Open(context.Background(), key)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return b, ref
}

func TestBlobStore_PutOpen(t *testing.T) {
	t.Parallel()
	allBytes := make([]byte, 0, 512)
	for i := range 512 {
		allBytes = append(allBytes, byte(i), byte(255-i)) // every byte value, NULs and CR/LF included
	}
	for _, tt := range []struct {
		name        string
		body        []byte
		contentType string
		wantType    string
	}{
		{"Binary", allBytes, "image/jpeg", "image/jpeg"},
		{"Large5MB", randomBytes(t, 5<<20+7), "application/pdf", "application/pdf"},
		{"Empty", nil, "text/plain; charset=utf-8", "text/plain; charset=utf-8"},
		{"DefaultContentType", []byte("%PDF-1.7"), "", "application/octet-stream"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, s domain.BlobStore) {
				ctx := context.Background()
				ref, err := s.Put(ctx, bytes.NewReader(tt.body), tt.contentType)
				require.NoError(t, err)
				want := domain.BlobRef{Key: keyOf(tt.body), Size: int64(len(tt.body)), ContentType: tt.wantType}
				require.Equal(t, want, ref)

				got, openRef := readAll(t, s, ref.Key)
				require.Equal(t, want, openRef)
				require.True(t, bytes.Equal(tt.body, got), "content differs after round trip")
				require.Len(t, objects(t, s), 1)
			})
		})
	}
}

func TestBlobStore_PutTwice(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		body := randomBytes(t, 10_000)
		first, err := s.Put(ctx, bytes.NewReader(body), "image/png")
		require.NoError(t, err)
		// A different content type does not create a second object: the
		// stored object, with its first content type, is returned.
		second, err := s.Put(ctx, io.NopCloser(bytes.NewReader(body)), "application/octet-stream")
		require.NoError(t, err)
		require.Equal(t, first, second)
		stat, err := s.Stat(ctx, first.Key)
		require.NoError(t, err)
		require.Equal(t, first, untimed(stat), "the second Put keeps the object's type and content")
		require.Equal(t, []string{first.Key}, baseNames(objects(t, s)))
	})
}

// untimed is r without its ModTime, for comparisons.
func untimed(r domain.BlobRef) domain.BlobRef {
	r.ModTime = time.Time{}
	return r
}

func baseNames(names []string) []string {
	for i, n := range names {
		names[i] = path.Base(n)
	}
	return names
}

func TestBlobStore_Stat(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		body := []byte("常住人口登记表")
		ref, err := s.Put(ctx, bytes.NewReader(body), "text/plain; charset=utf-8")
		require.NoError(t, err)

		got, err := s.Stat(ctx, ref.Key)
		require.NoError(t, err)
		require.WithinDuration(t, time.Now(), got.ModTime, time.Minute)
		require.Equal(t, domain.BlobRef{Key: keyOf(body), Size: int64(len(body)), ContentType: "text/plain; charset=utf-8"}, untimed(got))
	})
}

func TestBlobStore_ErrNotFound(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		missing := keyOf([]byte("never stored"))

		_, _, err := s.Open(ctx, missing)
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "Open: %v", err)
		_, err = s.Stat(ctx, missing)
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "Stat: %v", err)
	})
}

func TestBlobStore_ErrInvalidKey(t *testing.T) {
	t.Parallel()
	valid := keyOf([]byte("x"))
	keys := []string{
		"",
		"../../../../etc/passwd",
		"../" + valid[3:],
		"ab/cd/" + valid[6:],
		strings.ToUpper(valid),
		valid[:63],
		valid + "0",
		valid[:63] + "g",
		valid[:62] + "\x00a",
		" " + valid[1:],
	}
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		for _, key := range keys {
			_, _, err := s.Open(ctx, key)
			require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "Open(%q): %v", key, err)
			_, err = s.Stat(ctx, key)
			require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "Stat(%q): %v", key, err)
			err = s.Delete(ctx, key)
			require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "Delete(%q): %v", key, err)
		}
	})
}

func TestBlobStore_ErrInvalidContentType(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		for _, ct := range []string{"image/", "text/plain\r\nX-Evil: 1", "a b"} {
			_, err := s.Put(context.Background(), strings.NewReader("x"), ct)
			require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err), "Put(%q): %v", ct, err)
		}
		require.Empty(t, objects(t, s))
	})
}

func TestBlobStore_Delete(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		keep, err := s.Put(ctx, strings.NewReader("keep"), "text/plain")
		require.NoError(t, err)
		gone, err := s.Put(ctx, strings.NewReader("gone"), "text/plain")
		require.NoError(t, err)

		require.NoError(t, s.Delete(ctx, gone.Key))
		_, err = s.Stat(ctx, gone.Key)
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
		require.NoError(t, s.Delete(ctx, gone.Key), "deleting a missing object is not an error")
		require.Equal(t, []string{keep.Key}, baseNames(objects(t, s)))

		// The same bytes can be stored again after a delete.
		again, err := s.Put(ctx, strings.NewReader("gone"), "text/csv")
		require.NoError(t, err)
		require.Equal(t, domain.BlobRef{Key: gone.Key, Size: 4, ContentType: "text/csv"}, again)
	})
}

func TestBlobStore_ConcurrentPuts(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		same := randomBytes(t, 256<<10)
		const n = 16
		refs := make([]domain.BlobRef, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				body := same
				if i%4 == 3 { // some different bodies in the same folder at the same time
					body = append([]byte{byte(i)}, same...)
				}
				refs[i], errs[i] = s.Put(ctx, bytes.NewReader(body), "image/jpeg")
			})
		}
		wg.Wait()
		keys := map[string]bool{}
		for i := range n {
			require.NoError(t, errs[i])
			keys[refs[i].Key] = true
			if i%4 != 3 {
				require.Equal(t, domain.BlobRef{Key: keyOf(same), Size: int64(len(same)), ContentType: "image/jpeg"}, refs[i])
			}
		}
		require.Len(t, keys, 1+n/4)
		require.Len(t, objects(t, s), 1+n/4)
		got, _ := readAll(t, s, keyOf(same))
		require.True(t, bytes.Equal(same, got), "content differs after concurrent puts")
	})
}

func TestBlobStore_PutCanceled(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Put(ctx, bytes.NewReader(randomBytes(t, 1000)), "image/jpeg")
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, objects(t, s))
	})
}

func TestBlobStore_Ping(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		require.NoError(t, s.Ping(context.Background()))
	})
}

func TestLocal_ErrUnavailable(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := NewLocal(dir)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(dir)) // the volume went away
	err = s.Ping(context.Background())
	require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
	_, err = s.Put(context.Background(), strings.NewReader("x"), "")
	require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
}

func TestS3_ErrUnavailable(t *testing.T) {
	t.Parallel()

	t.Run("NoServer", func(t *testing.T) {
		t.Parallel()
		// A real closed port on loopback, not a mock: nothing listens on port 1.
		s, err := Open(context.Background(), "s3://ak:sk@nobucket?endpoint=http://127.0.0.1:1")
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err = s.Ping(ctx)
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
		_, err = s.Stat(ctx, keyOf(nil))
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
	})

	t.Run("NoBucket", func(t *testing.T) {
		t.Parallel()
		cfg, err := parseS3URL(testS3URL(t))
		require.NoError(t, err)
		cfg.Bucket, cfg.CreateBucket = "hukou-missing-"+hex.EncodeToString(randomBytes(t, 4)), false
		missing, err := NewS3(context.Background(), cfg)
		require.NoError(t, err)
		ping := missing.Ping(context.Background())
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(ping), "%v", ping)
		_, _, err = missing.Open(context.Background(), keyOf(nil))
		require.Equal(t, domain.CodeUnavailable, domain.ErrorCode(err), "%v", err)
	})
}

func TestOpen(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	ctx := context.Background()

	t.Run("LocalPath", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		s, err := Open(ctx, dir)
		require.NoError(t, err)
		require.Equal(t, dir, s.(*Local).Dir())
		require.DirExists(t, dir)

		s, err = Open(ctx, "file://"+dir+"2")
		require.NoError(t, err)
		require.Equal(t, dir+"2", s.(*Local).Dir())
		require.DirExists(t, dir+"2")
	})

	t.Run("S3", func(t *testing.T) {
		for _, tt := range []struct {
			url  string
			env  map[string]string
			want S3Config
		}{
			{
				url:  "s3://AK:S%2FK@hukou-docs/prod/blobs/?endpoint=http://127.0.0.1:7070&region=cn-north-1&create=1",
				want: S3Config{Endpoint: "http://127.0.0.1:7070", Region: "cn-north-1", Bucket: "hukou-docs", Prefix: "prod/blobs", AccessKeyID: "AK", SecretAccessKey: "S/K", CreateBucket: true},
			},
			{
				url:  "s3://hukou-docs",
				env:  map[string]string{"AWS_ACCESS_KEY_ID": "envak", "AWS_SECRET_ACCESS_KEY": "envsk", "AWS_SESSION_TOKEN": "tok", "AWS_REGION": "eu-west-1"},
				want: S3Config{Region: "eu-west-1", Bucket: "hukou-docs", AccessKeyID: "envak", SecretAccessKey: "envsk", SessionToken: "tok"},
			},
			{
				url:  "s3://AK:SK@b.c-d?create=0",
				want: S3Config{Region: "us-east-1", Bucket: "b.c-d", AccessKeyID: "AK", SecretAccessKey: "SK"},
			},
		} {
			t.Run(tt.url, func(t *testing.T) {
				for k, v := range tt.env {
					t.Setenv(k, v)
				}
				u, err := url.Parse(tt.url)
				require.NoError(t, err)
				cfg, err := parseS3URL(u)
				require.NoError(t, err)
				require.Equal(t, tt.want, cfg)
				s, err := Open(ctx, strings.Replace(tt.url, "create=1", "create=0", 1)) // no network
				require.NoError(t, err)
				require.Equal(t, tt.want.Bucket, s.(*S3).Bucket())
			})
		}
	})

	t.Run("Errors", func(t *testing.T) {
		for _, tt := range []struct{ url, want string }{
			{"", "BLOB_URL is empty"},
			{"   ", "BLOB_URL is empty"},
			{"http://example.com/blobs", `unsupported scheme "http"`},
			{"file:relative/path", "absolute path"},
			{"file://otherhost/srv/blobs", "remote host"},
			{"file:///srv/blobs?x=1", "no query"},
			{"s3://", "no bucket"},
			{"s3:bucket", "no bucket"},
			{"s3://AK:SK@Bad_Bucket", "invalid bucket name"},
			{"s3://hukou-docs", "no credentials"},
			{"s3://AK@hukou-docs", "userinfo must be ACCESS_KEY:SECRET_KEY"},
			{"s3://AK:SK@hukou-docs?endpoint=127.0.0.1:7070", "must be an http:// or https:// URL"},
			{"s3://AK:SK@hukou-docs?region=", "region is empty"},
			{"s3://AK:SK@hukou-docs?create=yes", "create must be 1 or 0"},
			{"s3://AK:SK@hukou-docs?endpiont=http://x", `unknown parameter "endpiont"`},
			{"s3://AK:SK@hukou-docs?region=a&region=b", "given 2 times"},
			{"s3://AK:SK@hukou-docs?%zz", "invalid query"},
		} {
			t.Run(tt.url, func(t *testing.T) {
				_, err := Open(ctx, tt.url)
				require.ErrorContains(t, err, tt.want)
				require.NotContains(t, err.Error(), ":SK@", "the secret key must not appear in errors")
			})
		}
	})
}

func TestBlobStore_List(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		want := map[string]int64{}
		for i := range 3 {
			b := randomBytes(t, 100+i)
			ref, err := s.Put(ctx, bytes.NewReader(b), "image/png")
			require.NoError(t, err)
			want[ref.Key] = int64(len(b))
		}
		if l, ok := s.(*Local); ok { // not objects: skipped
			require.NoError(t, os.WriteFile(filepath.Join(l.dir, "README"), []byte("x"), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(l.dir, localTempPrefix+"1"), []byte("x"), 0o600))
		}
		got := map[string]int64{}
		require.NoError(t, s.List(ctx, func(r domain.BlobRef) error {
			require.WithinDuration(t, time.Now(), r.ModTime, time.Minute, r.Key)
			got[r.Key] = r.Size
			return nil
		}))
		require.Equal(t, want, got)
		stop := io.ErrUnexpectedEOF
		n := 0
		require.ErrorIs(t, s.List(ctx, func(domain.BlobRef) error { n++; return stop }), stop, "fn's error ends the listing")
		require.Equal(t, 1, n)
	})
}

// TestBlobStore_PutRefreshesModTime: a Put of bytes already stored makes
// the object young again, so the orphan sweeper's grace period counts from
// the latest Put.
func TestBlobStore_PutRefreshesModTime(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s domain.BlobStore) {
		ctx := context.Background()
		b := randomBytes(t, 64)
		ref, err := s.Put(ctx, bytes.NewReader(b), "image/png")
		require.NoError(t, err)
		if l, ok := s.(*Local); ok {
			old := time.Now().Add(-48 * time.Hour)
			require.NoError(t, os.Chtimes(l.objectPath(ref.Key), old, old))
		} else {
			time.Sleep(1100 * time.Millisecond) // S3 times have one-second resolution
		}
		before, err := s.Stat(ctx, ref.Key)
		require.NoError(t, err)
		again, err := s.Put(ctx, bytes.NewReader(b), "application/pdf")
		require.NoError(t, err)
		require.Equal(t, "image/png", again.ContentType, "the type it was first stored with")
		after, err := s.Stat(ctx, ref.Key)
		require.NoError(t, err)
		require.True(t, after.ModTime.After(before.ModTime), "modification time refreshed: %s → %s", before.ModTime, after.ModTime)
		require.Equal(t, "image/png", after.ContentType)
	})
}
