// Package sealkeys keeps electronic seals' SM2 private keys outside the
// database (domain.SealKeyStore). FileStore keeps each key as a PKCS #8 PEM
// file, readable by the owner only, in one folder (the demo default is
// seal-keys under the data folder); an HSM or KMS adapter implements the same
// port in production.
package sealkeys

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"hukou/domain"
)

// FileStore is a domain.SealKeyStore over a folder.
type FileStore struct {
	Dir string
}

var _ domain.SealKeyStore = (*FileStore)(nil)

var reRef = regexp.MustCompile(`^[0-9a-f]{32}$`)

// NewKey implements domain.SealKeyStore: an SM2 key pair, the private key
// written to Dir/<ref>.pem (mode 0600, folder 0700).
func (s *FileStore) NewKey(_ context.Context) (string, []byte, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("seal key store %s: %w", s.Dir, err)
	}
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, err
	}
	der, err := smx509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", nil, err
	}
	pub, err := smx509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return "", nil, err
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", nil, err
	}
	ref := hex.EncodeToString(id[:])
	f, err := os.OpenFile(filepath.Join(s.Dir, ref+".pem"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("seal key store: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	return ref, pub, nil
}

// Signer implements domain.SealKeyStore; the answer is a crypto.Signer
// (*sm2.PrivateKey). A missing key is a CodeConflict error naming the seal
// key store (the seal cannot be used until it is requested again).
func (s *FileStore) Signer(_ context.Context, ref string) (any, error) {
	if !reRef.MatchString(ref) {
		return nil, fmt.Errorf("seal key store: malformed key reference %q", ref)
	}
	data, err := os.ReadFile(filepath.Join(s.Dir, ref+".pem"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, domain.Errorf(domain.CodeConflict, "the private key of this seal is not in the seal key store %s; ask an administrator to request a new seal", s.Dir).WithReason("seal.key_missing")
	}
	if err != nil {
		return nil, fmt.Errorf("seal key store: %w", err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, fmt.Errorf("seal key store: %s is not PEM", ref)
	}
	k, err := smx509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("seal key store: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("seal key store: %s is not a signing key", ref)
	}
	return signer, nil
}
