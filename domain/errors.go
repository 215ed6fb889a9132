package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code classifies an Error. Clients switch on codes, so never rename one.
type Code string

// The closed set of error kinds. resolvers/errors.go maps each to a GraphQL
// extensions.code; storage and integrations translate their failures into them.
const (
	CodeInvalid           Code = "invalid" // bad input; Error.Field names it
	CodeUnauthenticated   Code = "unauthenticated"
	CodeForbidden         Code = "forbidden"
	CodeNotFound          Code = "not_found"
	CodeConflict          Code = "conflict"           // duplicate, or stale version
	CodeInvalidTransition Code = "invalid_transition" // status machine refused the move
	CodeUnavailable       Code = "unavailable"        // ministry/province service down
	CodeTooManyRequests   Code = "too_many_requests"  // throttled; Error.RetryAfter says when to try again
	CodeInternal          Code = "internal"
)

// Error is a business error whose Message is safe to show to end users.
// Field, when set, names the input field the message is about (for forms).
// Reason, when set, is a stable dotted key (e.g. "id_number.check_digit") that
// clients use to show a localised message; like Code it is never renamed.
// RetryAfter, when positive, is how long the client should wait before
// trying again (CodeTooManyRequests).
type Error struct {
	Code       Code
	Message    string
	Field      string
	Reason     string
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns a CodeInvalid *Error about the named input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WithReason sets e.Reason and returns e, for chaining after Errorf.
func (e *Error) WithReason(reason string) *Error {
	e.Reason = reason
	return e
}

// WithField sets e.Field and returns e, for chaining after Errorf.
func (e *Error) WithField(field string) *Error {
	e.Field = field
	return e
}

// ErrorCode returns the Code of the first *Error in err's chain: "" for nil,
// CodeInternal for an error that carries no *Error.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return CodeInternal
	}
}

// IsStale reports whether err is an optimistic-concurrency conflict: a
// record changed by someone else between its read and its write (reason
// "<record>.stale"). Unlike other conflicts it is transient: reading again
// and retrying can succeed.
func IsStale(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeConflict && strings.HasSuffix(e.Reason, ".stale")
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, or a generic text for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Internal error."
	}
}

// notFound returns the CodeNotFound error (reason not_found) for a record
// the caller cannot read. A record outside the caller's jurisdiction gets
// exactly the error of one that does not exist, so that no answer tells
// whether an ID exists elsewhere; the service audits that refusal as DENIED.
func notFound(format string, args ...any) *Error {
	return Errorf(CodeNotFound, format, args...).WithReason("not_found")
}

// orMissing returns missing for a CodeNotFound err (so that a missing record
// and a hidden one read the same whatever the repository said) and err
// otherwise.
func orMissing(err, missing error) error {
	if ErrorCode(err) == CodeNotFound {
		return missing
	}
	return err
}
