package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"hukou/domain"
)

// Local is a domain.BlobStore on a local folder, the embedded default. An
// object with key k is the file <dir>/k[0:2]/k[2:4]/k and its content type is
// in the sidecar file next to it named k+".type". Put writes to a temporary
// file in dir while hashing, fsyncs it and renames it into place, so a reader
// never sees a partial object and concurrent Puts of the same bytes are safe.
// The sidecar is put in place before the object, so an existing object always
// has its content type.
type Local struct {
	dir string
}

var _ domain.BlobStore = (*Local)(nil)

// localTempPrefix starts the names of in-progress Puts in the root folder.
const localTempPrefix = ".put-"

// NewLocal returns a store on the folder dir, creating it (and its parents)
// if missing. dir is made absolute so later changes of the working directory
// do not matter.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: local folder path is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: local folder %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("blob: create local folder: %w", err)
	}
	return &Local{dir: abs}, nil
}

// Dir returns the absolute path of the store's folder.
func (l *Local) Dir() string { return l.dir }

func (l *Local) objectPath(key string) string {
	return filepath.Join(l.dir, key[0:2], key[2:4], key)
}

// Put implements domain.BlobStore.
func (l *Local) Put(ctx context.Context, r io.Reader, contentType string) (domain.BlobRef, error) {
	contentType, err := normalizeContentType(contentType)
	if err != nil {
		return domain.BlobRef{}, err
	}
	tmp, err := os.CreateTemp(l.dir, localTempPrefix+"*")
	if err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	tmpName := tmp.Name()
	defer func() {
		tmp.Close()        // no-op error once closed below
		os.Remove(tmpName) // gone already after a successful rename
	}()

	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, r})
	if err != nil {
		return domain.BlobRef{}, fmt.Errorf("blob: put: write temporary file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	if err := tmp.Close(); err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	key := hex.EncodeToString(h.Sum(nil))

	if ref, err := l.Stat(ctx, key); err == nil {
		// Same bytes already stored: refresh the modification time, so the
		// orphan sweeper's grace period counts from this Put.
		now := time.Now()
		if err := os.Chtimes(l.objectPath(key), now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return domain.BlobRef{}, l.ioError("put", err)
		} else if err == nil {
			ref.ModTime = time.Time{}
			return ref, nil
		}
		// Deleted meanwhile: store it again below.
	} else if domain.ErrorCode(err) != domain.CodeNotFound {
		return domain.BlobRef{}, err
	}

	final := l.objectPath(key)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	if err := writeFileAtomic(dir, final+".type", []byte(contentType)); err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	// Rename replaces atomically; a concurrent Put of the same bytes renames an
	// identical file, so whichever wins, the object is complete and correct.
	if err := os.Rename(tmpName, final); err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	if err := syncDir(dir); err != nil {
		return domain.BlobRef{}, l.ioError("put", err)
	}
	return domain.BlobRef{Key: key, Size: size, ContentType: contentType}, nil
}

// Open implements domain.BlobStore.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, domain.BlobRef, error) {
	if err := domain.CheckBlobKey(key); err != nil {
		return nil, domain.BlobRef{}, err
	}
	f, err := os.Open(l.objectPath(key))
	if err != nil {
		return nil, domain.BlobRef{}, l.keyError("open", key, err)
	}
	ref, err := l.ref(key, f.Stat)
	if err != nil {
		f.Close()
		return nil, domain.BlobRef{}, err
	}
	ref.ModTime = time.Time{} // Stat's and List's
	return f, ref, nil
}

// Stat implements domain.BlobStore.
func (l *Local) Stat(ctx context.Context, key string) (domain.BlobRef, error) {
	if err := domain.CheckBlobKey(key); err != nil {
		return domain.BlobRef{}, err
	}
	return l.ref(key, func() (fs.FileInfo, error) { return os.Stat(l.objectPath(key)) })
}

func (l *Local) ref(key string, stat func() (fs.FileInfo, error)) (domain.BlobRef, error) {
	fi, err := stat()
	if err != nil {
		return domain.BlobRef{}, l.keyError("stat", key, err)
	}
	if !fi.Mode().IsRegular() {
		return domain.BlobRef{}, fmt.Errorf("blob: stat %s: not a regular file", key)
	}
	ct, err := os.ReadFile(l.objectPath(key) + ".type")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return domain.BlobRef{}, l.ioError("stat", err)
	}
	contentType := strings.TrimSpace(string(ct))
	if contentType == "" { // object copied in by hand, without a sidecar
		contentType = defaultContentType
	}
	return domain.BlobRef{Key: key, Size: fi.Size(), ContentType: contentType, ModTime: fi.ModTime()}, nil
}

// List implements domain.BlobStore: it walks the two levels of fan-out
// folders; files that are not objects (sidecars, Puts in progress, anything
// copied in by hand) are skipped.
func (l *Local) List(ctx context.Context, fn func(domain.BlobRef) error) error {
	var fnErr error
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if depth := strings.Count(strings.TrimPrefix(p, l.dir), string(filepath.Separator)); depth > 2 {
				return fs.SkipDir
			}
			return nil
		}
		key := d.Name()
		if domain.CheckBlobKey(key) != nil || p != l.objectPath(key) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := fn(domain.BlobRef{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
			fnErr = err
			return err
		}
		return nil
	})
	switch {
	case err == nil, fnErr != nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return l.ioError("list", err)
}

// Delete implements domain.BlobStore. The sidecar goes after the object, so
// an existing object always keeps its content type.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := domain.CheckBlobKey(key); err != nil {
		return err
	}
	p := l.objectPath(key)
	for _, name := range []string{p, p + ".type"} {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return l.ioError("delete", err)
		}
	}
	return nil
}

// Ping implements domain.BlobStore: it checks that a file can be created in
// the folder.
func (l *Local) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(l.dir, localTempPrefix+"ping-*")
	if err != nil {
		return l.ioError("ping", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// keyError maps a missing file to CodeNotFound.
func (l *Local) keyError(op, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return domain.Errorf(domain.CodeNotFound, "document %s not found", key)
	}
	return l.ioError(op, err)
}

// ioError reports a folder that cannot be used (missing, read-only, full) as
// CodeUnavailable, keeping the cause for logs.
func (l *Local) ioError(op string, err error) error {
	return fmt.Errorf("%w: blob: %s: %w", domain.Errorf(domain.CodeUnavailable, "document store unavailable"), op, err)
}

// writeFileAtomic writes data to a temporary file in dir, fsyncs it and
// renames it to name.
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, localTempPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
