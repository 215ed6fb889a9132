// Package sm2cms makes and checks detached CMS SignedData (RFC 5652) with
// SM2-with-SM3 signatures, the signature container of a signed PDF
// (SubFilter adbe.pkcs7.detached) and of GB/T 38540 stamps. The SM2, SM3
// and certificate work is gmsm's; this package only lays out the ASN.1.
//
// The structure is the one OpenSSL 3 writes and verifies for an SM2 key
// (`openssl cms -sign -md sm3`): the PKCS #7 signedData and data OIDs, SM3
// as digest algorithm, SM2 (1.2.156.10197.1.301.1) as signature algorithm,
// signed attributes contentType, signingTime and messageDigest, the signature
// over their DER SET with the default SM2 user ID (1234567812345678).
package sm2cms

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// OIDs.
var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSM3           = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 401}
	oidSM2           = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301, 1}
	oidSM2WithSM3    = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 501}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContent     encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type signerInfo struct {
	Version            int
	SID                issuerAndSerial
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue // SET OF
}

// Sign returns a DER ContentInfo with a detached SignedData over content,
// signed by signer (an SM2 key, e.g. *sm2.PrivateKey, whose Sign accepts
// sm2.SM2SignerOption) whose certificate is certDER; extra certificates
// (the issuing CA) are included when given. at is the signing time.
func Sign(content []byte, signer crypto.Signer, certDER []byte, at time.Time, extra ...[]byte) ([]byte, error) {
	cert, err := smx509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("sm2cms: signer certificate: %w", err)
	}
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, errors.New("sm2cms: the signer is not an SM2 key")
	}
	if cp, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !cp.Equal(pub) {
		return nil, errors.New("sm2cms: the certificate is not the signer's")
	}
	digest := sm3.Sum(content)
	attrs, err := signedAttributes(digest[:], at)
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(rand.Reader, attrs, sm2.NewSM2SignerOption(true, nil))
	if err != nil {
		return nil, fmt.Errorf("sm2cms: sign: %w", err)
	}
	certs := append([]byte{}, certDER...)
	for _, e := range extra {
		certs = append(certs, e...)
	}
	si := signerInfo{
		Version:            1,
		SID:                issuerAndSerial{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, Serial: cert.SerialNumber},
		DigestAlgorithm:    pkix.AlgorithmIdentifier{Algorithm: oidSM3},
		SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: attrs[2+lenLen(attrs):]},
		SignatureAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidSM2},
		Signature:          sig,
	}
	sd := signedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{{Algorithm: oidSM3}},
		EncapContent:     encapContentInfo{EContentType: oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certs},
		SignerInfos:      []signerInfo{si},
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, fmt.Errorf("sm2cms: %w", err)
	}
	// A RawValue with FullBytes ignores the explicit tag, so wrap by hand.
	return asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{oidSignedData, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}})
}

// lenLen is the number of length octets after the tag of the DER TLV b.
func lenLen(b []byte) int {
	if len(b) < 2 || b[1] < 0x80 {
		return 0
	}
	return int(b[1] & 0x7f)
}

// signedAttributes returns the DER SET OF the signed attributes (sorted as
// DER requires), which is what the signature covers.
func signedAttributes(digest []byte, at time.Time) ([]byte, error) {
	var enc [][]byte
	add := func(oid asn1.ObjectIdentifier, v any) error {
		val, err := asn1.Marshal(v)
		if err != nil {
			return err
		}
		set, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: val})
		if err != nil {
			return err
		}
		a, err := asn1.Marshal(attribute{Type: oid, Values: asn1.RawValue{FullBytes: set}})
		enc = append(enc, a)
		return err
	}
	if err := add(oidContentType, oidData); err != nil {
		return nil, err
	}
	if err := add(oidSigningTime, at.UTC().Truncate(time.Second)); err != nil {
		return nil, err
	}
	if err := add(oidMessageDigest, digest); err != nil {
		return nil, err
	}
	sort.Slice(enc, func(i, j int) bool { return bytes.Compare(enc[i], enc[j]) < 0 })
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Join(enc, nil)})
}

// Signed is what a verified SignedData says.
type Signed struct {
	// Signer is the certificate that made the signature.
	Signer *smx509.Certificate
	// Certificates are all certificates the SignedData carries.
	Certificates []*smx509.Certificate
	// SigningTime is the signingTime attribute (zero when absent).
	SigningTime time.Time
}

// Verify parses der (a ContentInfo with a detached SignedData) and checks
// that its one signer's SM2 signature covers content: the messageDigest
// attribute is SM3(content) and the signature over the signed attributes
// verifies with the signer certificate's key. It does not judge the
// certificate (see Signed.Signer and smx509's Verify for the chain).
func Verify(der, content []byte) (*Signed, error) {
	var ci contentInfo
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return nil, fmt.Errorf("sm2cms: not a CMS ContentInfo: %w", err)
	}
	if len(bytes.TrimRight(rest, "\x00")) != 0 {
		return nil, errors.New("sm2cms: data after the ContentInfo")
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("sm2cms: content type %v is not signedData", ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("sm2cms: SignedData: %w", err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("sm2cms: %d signers, want 1", len(sd.SignerInfos))
	}
	out := &Signed{}
	for b := sd.Certificates.Bytes; len(b) > 0; {
		var raw asn1.RawValue
		r, err := asn1.Unmarshal(b, &raw)
		if err != nil {
			return nil, fmt.Errorf("sm2cms: certificates: %w", err)
		}
		c, err := smx509.ParseCertificate(raw.FullBytes)
		if err != nil {
			return nil, fmt.Errorf("sm2cms: certificate: %w", err)
		}
		out.Certificates = append(out.Certificates, c)
		b = r
	}
	si := sd.SignerInfos[0]
	for _, c := range out.Certificates {
		if c.SerialNumber.Cmp(si.SID.Serial) == 0 && bytes.Equal(c.RawIssuer, si.SID.Issuer.FullBytes) {
			out.Signer = c
		}
	}
	if out.Signer == nil {
		return nil, errors.New("sm2cms: the signer's certificate is missing")
	}
	if !si.DigestAlgorithm.Algorithm.Equal(oidSM3) {
		return nil, fmt.Errorf("sm2cms: digest algorithm %v is not SM3", si.DigestAlgorithm.Algorithm)
	}
	if a := si.SignatureAlgorithm.Algorithm; !a.Equal(oidSM2) && !a.Equal(oidSM2WithSM3) {
		return nil, fmt.Errorf("sm2cms: signature algorithm %v is not SM2", a)
	}
	if len(si.SignedAttrs.Bytes) == 0 {
		return nil, errors.New("sm2cms: no signed attributes")
	}
	var digest []byte
	for b := si.SignedAttrs.Bytes; len(b) > 0; {
		var a attribute
		r, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil, fmt.Errorf("sm2cms: signed attribute: %w", err)
		}
		b = r
		switch {
		case a.Type.Equal(oidMessageDigest):
			if _, err := asn1.Unmarshal(a.Values.Bytes, &digest); err != nil {
				return nil, fmt.Errorf("sm2cms: messageDigest: %w", err)
			}
		case a.Type.Equal(oidSigningTime):
			if _, err := asn1.Unmarshal(a.Values.Bytes, &out.SigningTime); err != nil {
				return nil, fmt.Errorf("sm2cms: signingTime: %w", err)
			}
		}
	}
	sum := sm3.Sum(content)
	if !bytes.Equal(digest, sum[:]) {
		return nil, ErrDigest
	}
	pub, ok := out.Signer.PublicKey.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, errors.New("sm2cms: the signer's key is not SM2")
	}
	// The signature covers the attributes with their SET tag, not [0].
	attrs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: si.SignedAttrs.Bytes})
	if err != nil {
		return nil, err
	}
	if !sm2.VerifyASN1WithSM2(pub, nil, attrs, si.Signature) {
		return nil, ErrSignature
	}
	return out, nil
}

// Errors of Verify that say the content or the signature is not what was signed.
var (
	ErrDigest    = errors.New("sm2cms: the content's SM3 digest differs from the signed one (the content changed)")
	ErrSignature = errors.New("sm2cms: the SM2 signature does not verify")
)

// Parts are the raw pieces of a SignedData's one signer, for checking it
// with another tool: the DER SET of signed attributes (what the signature
// covers), the SM2 signature (ASN.1 r, s), the messageDigest attribute and
// the signer's certificate.
type Parts struct {
	SignedAttrs   []byte
	Signature     []byte
	MessageDigest []byte
	SignerCert    []byte
}

// Inspect returns the parts of der without verifying anything.
func Inspect(der []byte) (*Parts, error) {
	var ci contentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("sm2cms: not a CMS ContentInfo: %w", err)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("sm2cms: SignedData: %w", err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("sm2cms: %d signers, want 1", len(sd.SignerInfos))
	}
	si := sd.SignerInfos[0]
	attrs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: si.SignedAttrs.Bytes})
	if err != nil {
		return nil, err
	}
	p := &Parts{SignedAttrs: attrs, Signature: si.Signature}
	for b := si.SignedAttrs.Bytes; len(b) > 0; {
		var a attribute
		r, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil, err
		}
		b = r
		if a.Type.Equal(oidMessageDigest) {
			if _, err := asn1.Unmarshal(a.Values.Bytes, &p.MessageDigest); err != nil {
				return nil, err
			}
		}
	}
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(sd.Certificates.Bytes, &raw); err != nil {
		return nil, err
	}
	p.SignerCert = raw.FullBytes
	return p, nil
}
