package domain

import (
	"context"
	"io"
	"time"
)

// BlobStore keeps immutable binary objects addressed by the SHA-256 of their content.
// Document images, generated PDFs and other attachments live here; rows in the
// database refer to them by BlobRef.Key. Implementations are safe for concurrent
// use. Errors are *Error values (possibly wrapped): CodeNotFound for a missing
// object, CodeInvalid for a malformed key, CodeUnavailable when the backing
// store cannot be reached; anything else is internal.
//
// Because objects are immutable, write the blob first and commit the row that
// refers to it afterwards; blobs left without a row are removed by the orphan
// sweeper (BlobSweeper) through Delete once they are older than its grace
// period. A Put of bytes already stored refreshes the object's modification
// time, so the grace period counts from the latest Put of the content.
type BlobStore interface {
	// Put stores r's content and returns its reference. Storing the same bytes
	// twice returns the same Key and only refreshes the object's ModTime.
	// When the object already exists, the returned BlobRef describes the stored
	// object (including the content type it was first stored with). An empty
	// contentType means "application/octet-stream"; a malformed one gives CodeInvalid.
	Put(ctx context.Context, r io.Reader, contentType string) (BlobRef, error)
	// Open returns the object's content; a missing key gives a *Error with CodeNotFound.
	// The caller must close the returned reader.
	Open(ctx context.Context, key string) (io.ReadCloser, BlobRef, error)
	// Stat returns the object's reference without its content; a missing key
	// gives CodeNotFound.
	Stat(ctx context.Context, key string) (BlobRef, error)
	// Delete removes the object. Deleting a missing object is not an error, so
	// the sweeper may retry freely. Only the orphan sweeper calls it.
	Delete(ctx context.Context, key string) error
	// List calls fn with the reference of every stored object (its Key,
	// Size and ModTime; ContentType may be empty), in no particular order,
	// until fn returns an error, which List returns. Objects stored or
	// deleted meanwhile may or may not be listed. Only the sweeper calls it.
	List(ctx context.Context, fn func(BlobRef) error) error
	// Ping checks that the store is reachable and usable, for /readyz; it gives
	// CodeUnavailable when it is not.
	Ping(ctx context.Context) error
}

// BlobRef describes a stored object.
type BlobRef struct {
	Key         string // lower-case hex SHA-256 of the content (64 characters)
	Size        int64  // content length in bytes
	ContentType string // media type given to Put, e.g. "image/jpeg"
	// ModTime is when the object was last Put (set by Stat and List; Put
	// and Open may leave it zero).
	ModTime time.Time
}

// BlobKeyLen is the length of a BlobRef.Key: a hex-encoded SHA-256.
const BlobKeyLen = 64

// CheckBlobKey returns a CodeInvalid *Error (field "key") unless key is exactly
// 64 lower-case hexadecimal characters. Stores call it before using a key in a
// path or an object name, so a key can never escape the store's folder or prefix.
func CheckBlobKey(key string) error {
	if len(key) != BlobKeyLen {
		return FieldErrorf("key", "blob key must be %d lower-case hex characters", BlobKeyLen).WithReason("blob.key")
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return FieldErrorf("key", "blob key must be %d lower-case hex characters", BlobKeyLen).WithReason("blob.key")
		}
	}
	return nil
}
