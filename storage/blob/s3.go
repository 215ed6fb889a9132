package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"hukou/domain"
)

// S3Config configures an S3 store. Bucket, Region and both keys are required.
type S3Config struct {
	// Endpoint is the server's base URL, e.g. "http://127.0.0.1:7070"; empty
	// means AWS itself. Requests always use path-style addressing
	// (endpoint/bucket/key), which every S3-compatible server understands.
	Endpoint        string
	Region          string
	Bucket          string
	Prefix          string // optional folder inside the bucket; a "/" is appended when missing
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // optional
	// CreateBucket makes NewS3 create the bucket when it does not exist.
	CreateBucket bool
	// SpoolDir is where Put keeps bodies larger than MemoryLimit while
	// hashing them; empty means os.TempDir().
	SpoolDir string
	// MemoryLimit is the largest body Put buffers in memory; 0 means
	// DefaultMemoryLimit.
	MemoryLimit int64
	// HTTPClient replaces the SDK's default HTTP client when set.
	HTTPClient *http.Client
}

// DefaultMemoryLimit is the default S3Config.MemoryLimit: document images and
// PDFs are usually smaller, so Put rarely touches the disk.
const DefaultMemoryLimit = 8 << 20

// S3 is a domain.BlobStore on an S3-compatible object store. The object name
// is the prefix followed by the key; the content type is the object's
// Content-Type. Put hashes the body before uploading (buffering it in memory
// up to S3Config.MemoryLimit, spooling it to a temporary file beyond), skips
// the upload when the object already exists, and sends the SHA-256 so that
// the server verifies what it stores. Bodies are uploaded in a single request,
// so an object is at most 5 GiB.
type S3 struct {
	client   *s3.Client
	bucket   string
	prefix   string
	spoolDir string
	memLimit int64
}

var _ domain.BlobStore = (*S3)(nil)

// NewS3 returns a store for cfg. It contacts the server only when
// cfg.CreateBucket is set; use Ping to check the store is usable.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	switch {
	case cfg.Bucket == "":
		return nil, errors.New("blob: s3: bucket is required")
	case cfg.Region == "":
		return nil, errors.New("blob: s3: region is required")
	case cfg.AccessKeyID == "" || cfg.SecretAccessKey == "":
		return nil, errors.New("blob: s3: access key and secret key are required")
	}
	opts := s3.Options{
		Region:       cfg.Region,
		UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(
			cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken),
		DisableLogOutputChecksumValidationSkipped: true,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	st := &S3{
		client:   s3.New(opts),
		bucket:   cfg.Bucket,
		prefix:   strings.TrimLeft(cfg.Prefix, "/"),
		spoolDir: cfg.SpoolDir,
		memLimit: cfg.MemoryLimit,
	}
	if st.prefix != "" && !strings.HasSuffix(st.prefix, "/") {
		st.prefix += "/"
	}
	if st.memLimit <= 0 {
		st.memLimit = DefaultMemoryLimit
	}
	if cfg.CreateBucket {
		if err := st.createBucket(ctx, cfg.Region); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// Bucket returns the bucket name.
func (s *S3) Bucket() string { return s.bucket }

// Prefix returns the prefix of every object name ("" or ending in "/").
func (s *S3) Prefix() string { return s.prefix }

// Client returns the underlying SDK client, for tests and tools.
func (s *S3) Client() *s3.Client { return s.client }

func (s *S3) createBucket(ctx context.Context, region string) error {
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err == nil {
		return nil
	} else if statusCode(err) != http.StatusNotFound {
		return s.error("head bucket", "", err)
	}
	in := &s3.CreateBucketInput{Bucket: &s.bucket}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(region),
		}
	}
	if _, err := s.client.CreateBucket(ctx, in); err != nil {
		// Another process may have created it meanwhile: fine if we can use it.
		if _, herr := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); herr != nil {
			return s.error("create bucket", "", err)
		}
	}
	return nil
}

func (s *S3) objectName(key string) *string { return aws.String(s.prefix + key) }

// Put implements domain.BlobStore.
func (s *S3) Put(ctx context.Context, r io.Reader, contentType string) (domain.BlobRef, error) {
	contentType, err := normalizeContentType(contentType)
	if err != nil {
		return domain.BlobRef{}, err
	}
	body, size, sum, cleanup, err := s.spool(ctx, r)
	if err != nil {
		return domain.BlobRef{}, err
	}
	defer cleanup()
	key := hex.EncodeToString(sum)

	if ref, err := s.Stat(ctx, key); err == nil {
		// Same bytes already stored: upload them again under the type they
		// were first stored with, which refreshes the object's LastModified
		// (S3 has no touch), so the orphan sweeper's grace period counts
		// from this Put and cannot remove the object before the row that
		// this Put is for is committed.
		contentType = ref.ContentType
	} else if domain.ErrorCode(err) != domain.CodeNotFound {
		return domain.BlobRef{}, err
	}
	// Two concurrent Puts of the same bytes may both upload; they write the
	// same content under the same name, so the result is the same.
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:            &s.bucket,
		Key:               s.objectName(key),
		Body:              body,
		ContentLength:     aws.Int64(size),
		ContentType:       aws.String(contentType),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		ChecksumSHA256:    aws.String(base64.StdEncoding.EncodeToString(sum)),
	})
	if err != nil {
		return domain.BlobRef{}, s.error("put", key, err)
	}
	return domain.BlobRef{Key: key, Size: size, ContentType: contentType}, nil
}

// spool reads r to the end while hashing it, into memory up to s.memLimit and
// into a temporary file beyond, and returns a seekable copy of the content.
func (s *S3) spool(ctx context.Context, r io.Reader) (body io.ReadSeeker, size int64, sum []byte, cleanup func(), err error) {
	h := sha256.New()
	src := io.TeeReader(ctxReader{ctx, r}, h)
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, src, s.memLimit+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, nil, nil, fmt.Errorf("blob: put: read body: %w", err)
	}
	if n <= s.memLimit {
		return bytes.NewReader(buf.Bytes()), n, h.Sum(nil), func() {}, nil
	}
	f, err := os.CreateTemp(s.spoolDir, "hukou-blob-*")
	if err != nil {
		return nil, 0, nil, nil, fmt.Errorf("blob: put: spool: %w", err)
	}
	cleanup = func() { f.Close(); os.Remove(f.Name()) }
	if _, err := f.Write(buf.Bytes()); err != nil {
		cleanup()
		return nil, 0, nil, nil, fmt.Errorf("blob: put: spool: %w", err)
	}
	rest, err := io.Copy(f, src)
	if err != nil {
		cleanup()
		return nil, 0, nil, nil, fmt.Errorf("blob: put: spool: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, 0, nil, nil, fmt.Errorf("blob: put: spool: %w", err)
	}
	return f, n + rest, h.Sum(nil), cleanup, nil
}

// Open implements domain.BlobStore.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, domain.BlobRef, error) {
	if err := domain.CheckBlobKey(key); err != nil {
		return nil, domain.BlobRef{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: s.objectName(key)})
	if err != nil {
		return nil, domain.BlobRef{}, s.error("get", key, err)
	}
	return out.Body, ref(key, out.ContentLength, out.ContentType), nil
}

// Stat implements domain.BlobStore.
func (s *S3) Stat(ctx context.Context, key string) (domain.BlobRef, error) {
	if err := domain.CheckBlobKey(key); err != nil {
		return domain.BlobRef{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: s.objectName(key)})
	if err != nil {
		return domain.BlobRef{}, s.error("head", key, err)
	}
	r := ref(key, out.ContentLength, out.ContentType)
	r.ModTime = aws.ToTime(out.LastModified)
	return r, nil
}

// List implements domain.BlobStore: every object under the prefix whose
// name is a blob key (anything else in the bucket is not the store's).
func (s *S3) List(ctx context.Context, fn func(domain.BlobRef) error) error {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(s.prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s.error("list", "", err)
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			if domain.CheckBlobKey(key) != nil {
				continue
			}
			if err := fn(domain.BlobRef{Key: key, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete implements domain.BlobStore. S3 deletes are idempotent.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := domain.CheckBlobKey(key); err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: s.objectName(key)}); err != nil {
		if statusCode(err) == http.StatusNotFound && !isNoSuchBucket(err) {
			return nil
		}
		return s.error("delete", key, err)
	}
	return nil
}

// Ping implements domain.BlobStore: the bucket must exist and be accessible.
func (s *S3) Ping(ctx context.Context) error {
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err != nil {
		if statusCode(err) == http.StatusNotFound {
			return fmt.Errorf("%w: blob: s3 bucket %q does not exist: %w", unavailable(), s.bucket, err)
		}
		return s.error("ping", "", err)
	}
	return nil
}

func ref(key string, size *int64, contentType *string) domain.BlobRef {
	r := domain.BlobRef{Key: key, Size: aws.ToInt64(size), ContentType: aws.ToString(contentType)}
	if r.ContentType == "" {
		r.ContentType = defaultContentType
	}
	return r
}

// error translates an SDK error: a missing object is CodeNotFound; a missing
// bucket, a 5xx, a network failure or a timeout is CodeUnavailable; a
// cancelled context is returned as it is; anything else stays internal. The
// cause is kept in the chain for logs.
func (s *S3) error(op, key string, err error) error {
	what := fmt.Sprintf("blob: s3 %s", op)
	if key != "" {
		what += " " + key
	}
	code := statusCode(err)
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", what, err)
	case isNoSuchBucket(err):
		return fmt.Errorf("%w: %s: bucket %q does not exist: %w", unavailable(), what, s.bucket, err)
	case code == http.StatusNotFound:
		return fmt.Errorf("%w: %s: %w", domain.Errorf(domain.CodeNotFound, "document %s not found", key), what, err)
	case code >= 500, code == 0 && !isAPIError(err), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %s: %w", unavailable(), what, err)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

func unavailable() *domain.Error {
	return domain.Errorf(domain.CodeUnavailable, "document store unavailable")
}

// statusCode returns the HTTP status of a failed request, 0 when no response arrived.
func statusCode(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func isAPIError(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae)
}

func isNoSuchBucket(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket"
}
