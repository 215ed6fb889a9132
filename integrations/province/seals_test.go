package province_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/emmansun/gmsm/smx509"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/integrations/province/provincesim"
	"hukou/storage/sealkeys"
)

// TestSeals issues a household and a personal seal for keys made in the
// file key store, over HTTP against the contract, and revokes one (5.1.1).
func TestSeals(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	keys := &sealkeys.FileStore{Dir: filepath.Join(t.TempDir(), "keys")}
	ref, pub, err := keys.NewKey(ctx)
	require.NoError(t, err)
	st, err := os.Stat(filepath.Join(keys.Dir, ref+".pem"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "a private key file is readable by its owner only")

	seal, err := b.client.IssueSeal(ctx, domain.SealRequest{Kind: domain.SealHousehold, OfficeCode: "211102000000",
		OfficeName: "盘锦市公安局兴隆台分局兴隆派出所", PublicKey: pub})
	require.NoError(t, err)
	require.Equal(t, "盘锦市公安局兴隆台分局兴隆派出所户口专用章", seal.Name)
	require.Equal(t, provincesim.SealValidity, seal.ValidTo.Sub(seal.ValidFrom))

	cert, err := smx509.ParseCertificate(seal.Certificate)
	require.NoError(t, err)
	require.Equal(t, seal.ID, cert.Subject.SerialNumber, "the certificate names the seal")
	signer, err := keys.Signer(ctx, ref)
	require.NoError(t, err)
	require.True(t, cert.PublicKey.(*ecdsa.PublicKey).Equal(signer.(crypto.Signer).Public()), "the certificate is for the key store's key")

	anchors, err := b.client.TrustAnchors(ctx)
	require.NoError(t, err)
	require.Len(t, anchors, 1)
	require.Equal(t, seal.CACertificate, anchors[0])
	roots := smx509.NewCertPool()
	caCert, err := smx509.ParseCertificate(anchors[0])
	require.NoError(t, err)
	roots.AddCert(caCert)
	_, err = cert.Verify(smx509.VerifyOptions{Roots: roots, CurrentTime: seal.ValidFrom.Add(1), KeyUsages: []smx509.ExtKeyUsage{smx509.ExtKeyUsageAny}})
	require.NoError(t, err, "the seal certificate chains to the e-seal CA")

	// The GB/T 38540 seal data names the seal and carries its picture and certificate.
	var ses struct {
		Info struct {
			Header struct {
				ID      string
				Version int
				Vid     string
			}
			EsID     string
			Property asn1.RawValue
			Picture  struct {
				Type          string
				Data          []byte
				Width, Height int
			}
		}
		Sign asn1.RawValue
	}
	_, err = asn1.Unmarshal(seal.SealData, &ses)
	require.NoError(t, err)
	require.Equal(t, "ES", ses.Info.Header.ID)
	require.Equal(t, seal.ID, ses.Info.EsID)
	require.Equal(t, seal.Image, ses.Info.Picture.Data)

	_, pub2, err := keys.NewKey(ctx)
	require.NoError(t, err)
	personal, err := b.client.IssueSeal(ctx, domain.SealRequest{Kind: domain.SealPersonal, OfficeCode: "211102000000",
		OfficeName: "兴隆派出所", UserID: "u1", PersonName: "张警官", PublicKey: pub2})
	require.NoError(t, err)
	require.Equal(t, "张警官", personal.Name)

	state, err := b.client.SealState(ctx, seal.ID)
	require.NoError(t, err)
	require.Nil(t, state.RevokedAt)
	require.NoError(t, b.client.RevokeSeal(ctx, seal.ID, "印章遗失"))
	require.NoError(t, b.client.RevokeSeal(ctx, seal.ID, "again"), "revoking twice is harmless")
	state, err = b.client.SealState(ctx, seal.ID)
	require.NoError(t, err)
	require.NotNil(t, state.RevokedAt)
	require.Equal(t, "印章遗失", state.RevokeReason)

	_, err = b.client.SealState(ctx, "ES-nope")
	var de *domain.Error
	require.True(t, errors.As(err, &de))
	require.Equal(t, domain.CodeNotFound, de.Code)

	_, err = b.client.IssueSeal(ctx, domain.SealRequest{Kind: domain.SealHousehold, OfficeCode: "211102000000", OfficeName: "x", PublicKey: []byte("not a key")})
	require.True(t, errors.As(err, &de))
	require.Equal(t, domain.CodeInvalid, de.Code)
	require.Equal(t, "publicKey", de.Field)

	_, err = keys.Signer(ctx, "0123456789abcdef0123456789abcdef")
	require.True(t, errors.As(err, &de))
	require.Equal(t, "seal.key_missing", de.Reason)
}
