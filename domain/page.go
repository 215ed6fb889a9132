package domain

import "encoding/base64"

// CursorFor makes a keyset cursor opaque to clients.
func CursorFor(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// CursorKey reverses CursorFor; a cursor this server did not issue is CodeInvalid on "after".
func CursorKey(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 {
		return "", FieldErrorf("after", "the cursor %q is not one this server issued; start again from the first page", cursor).WithReason("page.cursor")
	}
	return string(b), nil
}
