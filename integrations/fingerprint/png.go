package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
)

// The device writes, into each finger image it delivers, the SHA-256 of the
// template it extracted from that image, as a PNG tEXt chunk. This is the
// simulation's stand-in for extracting the minutiae from the image again:
// the production centre compares it with the template it was sent (a
// template of another capture, or of another finger, does not match).
const digestKeyword = "hukou-template-sha256"

// TemplateDigest is the hex SHA-256 of a template.
func TemplateDigest(template []byte) string {
	sum := sha256.Sum256(template)
	return hex.EncodeToString(sum[:])
}

// EmbedDigest returns png with a tEXt chunk holding the template's digest,
// right after the IHDR chunk. png must be a PNG file.
func EmbedDigest(png, template []byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4 // signature, IHDR length+type, data, CRC
	if len(png) < ihdrEnd {
		return png
	}
	data := append([]byte(digestKeyword+"\x00"), TemplateDigest(template)...)
	chunk := make([]byte, 0, 12+len(data))
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(png)+len(chunk))
	out = append(out, png[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, png[ihdrEnd:]...)
}

// DigestOf returns the template digest a device wrote into png, if any.
func DigestOf(png []byte) (string, bool) {
	if len(png) < 8 || !bytes.Equal(png[:8], []byte("\x89PNG\r\n\x1a\n")) {
		return "", false
	}
	for p := 8; p+12 <= len(png); {
		n := int(binary.BigEndian.Uint32(png[p : p+4]))
		if n < 0 || p+12+n > len(png) {
			return "", false
		}
		typ, data := string(png[p+4:p+8]), png[p+8:p+8+n]
		if typ == "tEXt" {
			if k, v, ok := bytes.Cut(data, []byte{0}); ok && string(k) == digestKeyword {
				return string(v), true
			}
		}
		if typ == "IDAT" || typ == "IEND" {
			return "", false
		}
		p += 12 + n
	}
	return "", false
}
