package scalar

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"

	"hukou/domain"
)

// GlobalID makes a Relay global ID from a type name and a domain ID.
func GlobalID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

// ParseGlobalID splits a global ID; ok is false for anything malformed.
func ParseGlobalID(gid string) (typ, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return "", "", false
	}
	typ, id, ok = strings.Cut(string(b), ":")
	return typ, id, ok && id != ""
}

// CaseID is a case's domain ID, read from and written as the case's global
// ID: inputs decode it once, so resolvers never repeat the decoding.
type CaseID string

// UnmarshalGQL decodes a global ID of a Case; anything else is a
// CodeInvalid error on field id with reason node.id.
func (c *CaseID) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	typ, id, ok := ParseGlobalID(s)
	if !ok || typ != "Case" {
		return domain.FieldErrorf("id", "%q is not the ID of a case", s).WithReason("node.id")
	}
	*c = CaseID(id)
	return nil
}

// MarshalGQL writes the case's global ID.
func (c CaseID) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(GlobalID("Case", string(c))))
}

// Ref names the case at the version the user saw.
func (c CaseID) Ref(version int) domain.CaseRef {
	return domain.CaseRef{ID: string(c), Version: version}
}
