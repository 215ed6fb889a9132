// Package blob implements domain.BlobStore on a local folder (Local, the
// embedded default) and on any S3-compatible object store (S3, through
// aws-sdk-go-v2). Open picks one from the BLOB_URL setting.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"regexp"
	"strings"

	"hukou/domain"
)

// defaultContentType is used when Put is given no content type.
const defaultContentType = "application/octet-stream"

// Open returns the blob store that rawURL (the BLOB_URL setting) names:
//
//   - a plain path ("./data/blobs", "/var/lib/hukou/blobs") or a file URL with
//     an absolute path ("file:///var/lib/hukou/blobs"): a Local store on that
//     folder, created if missing;
//   - "s3://[ACCESS_KEY:SECRET_KEY@]bucket[/prefix][?endpoint=URL&region=R&create=1]":
//     an S3 store. Credentials come from the URL's userinfo (percent-encode
//     special characters) or else from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
//     and AWS_SESSION_TOKEN. region defaults to AWS_REGION, then
//     AWS_DEFAULT_REGION, then "us-east-1"; endpoint defaults to AWS itself;
//     create=1 creates the bucket if it is missing (contacting the server).
//
// Unknown query parameters and schemes are errors, so a typo is not silently ignored.
func Open(ctx context.Context, rawURL string) (domain.BlobStore, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, errors.New("blob: BLOB_URL is empty; give a folder path, file:///abs/path or s3://bucket/prefix?endpoint=URL")
	}
	if !strings.Contains(rawURL, "://") && !strings.HasPrefix(rawURL, "file:") && !strings.HasPrefix(rawURL, "s3:") {
		return NewLocal(rawURL) // a plain path, which may contain ':' or '?'
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blob: invalid BLOB_URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		return openFile(u)
	case "s3":
		cfg, err := parseS3URL(u)
		if err != nil {
			return nil, err
		}
		return NewS3(ctx, cfg)
	default:
		return nil, fmt.Errorf("blob: BLOB_URL %s: unsupported scheme %q (want a folder path, file:// or s3://)", redact(u), u.Scheme)
	}
}

func openFile(u *url.URL) (domain.BlobStore, error) {
	switch {
	case u.Opaque != "" || !strings.HasPrefix(u.Path, "/"):
		return nil, fmt.Errorf("blob: BLOB_URL %q: a file URL needs an absolute path, like file:///var/lib/hukou/blobs", u.String())
	case u.Host != "" && u.Host != "localhost":
		return nil, fmt.Errorf("blob: BLOB_URL %q: a file URL cannot name a remote host %q", u.String(), u.Host)
	case u.RawQuery != "" || u.User != nil:
		return nil, fmt.Errorf("blob: BLOB_URL %q: a file URL takes no query or user", u.String())
	}
	return NewLocal(u.Path)
}

// bucketName follows the S3 bucket naming rules (lower case, 3 to 63 characters).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func parseS3URL(u *url.URL) (S3Config, error) {
	cfg := S3Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/")}
	if u.Opaque != "" || cfg.Bucket == "" {
		return cfg, fmt.Errorf("blob: BLOB_URL %s: no bucket; want s3://bucket/prefix", redact(u))
	}
	if !bucketName.MatchString(cfg.Bucket) {
		return cfg, fmt.Errorf("blob: BLOB_URL %s: invalid bucket name %q (3-63 lower-case letters, digits, '.' or '-')", redact(u), cfg.Bucket)
	}
	if u.User != nil {
		cfg.AccessKeyID = u.User.Username()
		cfg.SecretAccessKey, _ = u.User.Password()
		if cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" {
			return cfg, fmt.Errorf("blob: BLOB_URL %s: userinfo must be ACCESS_KEY:SECRET_KEY", redact(u))
		}
	} else {
		cfg.AccessKeyID = os.Getenv("AWS_ACCESS_KEY_ID")
		cfg.SecretAccessKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
		cfg.SessionToken = os.Getenv("AWS_SESSION_TOKEN")
		if cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" {
			return cfg, fmt.Errorf("blob: BLOB_URL %s: no credentials; put ACCESS_KEY:SECRET_KEY@ in the URL or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", redact(u))
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return cfg, fmt.Errorf("blob: BLOB_URL %s: invalid query: %w", redact(u), err)
	}
	for name, vals := range q {
		if len(vals) != 1 {
			return cfg, fmt.Errorf("blob: BLOB_URL %s: parameter %q given %d times", redact(u), name, len(vals))
		}
		v := vals[0]
		switch name {
		case "endpoint":
			e, err := url.Parse(v)
			if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
				return cfg, fmt.Errorf("blob: BLOB_URL %s: endpoint %q must be an http:// or https:// URL", redact(u), v)
			}
			cfg.Endpoint = v
		case "region":
			if v == "" {
				return cfg, fmt.Errorf("blob: BLOB_URL %s: region is empty", redact(u))
			}
			cfg.Region = v
		case "create":
			switch v {
			case "1", "true":
				cfg.CreateBucket = true
			case "0", "false", "":
			default:
				return cfg, fmt.Errorf("blob: BLOB_URL %s: create must be 1 or 0, not %q", redact(u), v)
			}
		default:
			return cfg, fmt.Errorf("blob: BLOB_URL %s: unknown parameter %q (known: endpoint, region, create)", redact(u), name)
		}
	}
	if cfg.Region == "" {
		cfg.Region = firstNonEmpty(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	}
	return cfg, nil
}

// redact returns u without its secret key, for error messages.
func redact(u *url.URL) string { return u.Redacted() }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// normalizeContentType defaults an empty content type and rejects a
// malformed one (it ends up in an HTTP header or a sidecar file).
func normalizeContentType(ct string) (string, error) {
	ct = strings.TrimSpace(ct)
	if ct == "" {
		return defaultContentType, nil
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil || strings.ContainsAny(ct, "\r\n") {
		return "", domain.FieldErrorf("contentType", "invalid content type %q", ct)
	}
	return ct, nil
}

// ctxReader stops a long copy once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
