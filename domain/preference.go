package domain

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Per-user preferences (#19 item 4): small settings a user keeps on the
// server so that they follow the user from one counter PC to another. The
// keys are a closed set, each with its own validator, and every value is a
// small JSON document, so the store never becomes a place for arbitrary data.
// Only the user reads and writes their own preferences.

// PreferenceKey names a preference. Keys are stored; never rename one.
type PreferenceKey string

// Preference keys.
const (
	// PreferenceCaseListColumns is the case list's column settings:
	// {"order": [CaseListColumn…], "hidden": [CaseListColumn…]}.
	PreferenceCaseListColumns PreferenceKey = "CASE_LIST_COLUMNS"
)

// MaxPreferenceBytes bounds a preference's JSON value.
const MaxPreferenceBytes = 4 << 10

// preferenceValidators checks and normalises the value of each key; a key
// absent here is refused.
var preferenceValidators = map[PreferenceKey]func(raw []byte) ([]byte, error){
	PreferenceCaseListColumns: validateCaseListColumns,
}

// Valid reports whether k is a known preference key.
func (k PreferenceKey) Valid() bool { _, ok := preferenceValidators[k]; return ok }

// Preference is one user's value of one key.
type Preference struct {
	UserID    string
	Key       PreferenceKey
	Value     json.RawMessage
	UpdatedAt time.Time
}

// PreferenceRepository keeps preferences (part of UserRepository).
type PreferenceRepository interface {
	// FindPreference returns CodeNotFound when the user has none of key.
	FindPreference(ctx context.Context, userID string, key PreferenceKey) (*Preference, error)
	// PutPreference inserts or replaces the user's value of p.Key.
	PutPreference(ctx context.Context, p *Preference) error
}

// CaseListColumn is a column of the case list, as the SPA names it.
type CaseListColumn string

// The case list's columns, in their default order.
const (
	CaseColumnCollabNo    CaseListColumn = "collabNo"
	CaseColumnKind        CaseListColumn = "kind"
	CaseColumnPeople      CaseListColumn = "people"
	CaseColumnSide        CaseListColumn = "side"
	CaseColumnOtherOffice CaseListColumn = "otherOffice"
	CaseColumnStatus      CaseListColumn = "status"
	CaseColumnCreated     CaseListColumn = "created"
	CaseColumnDeadline    CaseListColumn = "deadline"
	CaseColumnUpdatedAt   CaseListColumn = "updatedAt"
)

// CaseListColumns lists every column of the case list in its default order.
var CaseListColumns = []CaseListColumn{CaseColumnCollabNo, CaseColumnKind, CaseColumnPeople, CaseColumnSide,
	CaseColumnOtherOffice, CaseColumnStatus, CaseColumnCreated, CaseColumnDeadline, CaseColumnUpdatedAt}

// Valid reports whether c is a column of the case list.
func (c CaseListColumn) Valid() bool { return slices.Contains(CaseListColumns, c) }

// CaseListColumnSettings is the value of PreferenceCaseListColumns.
type CaseListColumnSettings struct {
	Order  []CaseListColumn `json:"order"`
	Hidden []CaseListColumn `json:"hidden"`
}

// validateCaseListColumns accepts known columns, each at most once, hidden
// ones among the ordered, at least one shown.
func validateCaseListColumns(raw []byte) ([]byte, error) {
	var s CaseListColumnSettings
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil || dec.More() {
		return nil, FieldErrorf("value", "the column settings are {\"order\": [...], \"hidden\": [...]}").WithReason("preference.invalid")
	}
	seen := map[CaseListColumn]bool{}
	for _, c := range s.Order {
		if !c.Valid() || seen[c] {
			return nil, FieldErrorf("value", "the column order names %q, which is unknown or named twice", c).WithReason("preference.invalid")
		}
		seen[c] = true
	}
	hidden := map[CaseListColumn]bool{}
	for _, c := range s.Hidden {
		if !seen[c] || hidden[c] {
			return nil, FieldErrorf("value", "the hidden columns name %q, which is not in the order or named twice", c).WithReason("preference.invalid")
		}
		hidden[c] = true
	}
	if len(s.Order) == 0 || len(hidden) >= len(s.Order) {
		return nil, FieldErrorf("value", "at least one column stays shown").WithReason("preference.invalid")
	}
	if s.Hidden == nil {
		s.Hidden = []CaseListColumn{}
	}
	return json.Marshal(s)
}

// MyPreference returns the caller's value of key, or nil when they have
// kept none. Any signed-in user; the value is never anyone else's.
// Errors: CodeUnauthenticated; CodeInvalid (reason preference.key) for an
// unknown key.
func (s *UserService) MyPreference(ctx context.Context, key PreferenceKey) (json.RawMessage, error) {
	actor, err := preferenceActor(ctx, key)
	if err != nil {
		return nil, err
	}
	p, err := s.DB.Users().FindPreference(ctx, actor.UserID, key)
	switch {
	case ErrorCode(err) == CodeNotFound:
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("find preference %s: %w", key, err)
	}
	return p.Value, nil
}

// SetMyPreference keeps value as the caller's value of key (the last write
// wins) and returns it normalised; the change is audited in its
// transaction. Errors: CodeUnauthenticated; CodeInvalid
// with reason preference.key (unknown key), preference.too_large (more than
// MaxPreferenceBytes) or preference.invalid (not what the key takes).
func (s *UserService) SetMyPreference(ctx context.Context, key PreferenceKey, value []byte) (json.RawMessage, error) {
	actor, err := preferenceActor(ctx, key)
	if err != nil {
		return nil, err
	}
	if len(value) > MaxPreferenceBytes {
		return nil, FieldErrorf("value", "a preference is at most %d bytes, this one %d", MaxPreferenceBytes, len(value)).WithReason("preference.too_large")
	}
	norm, err := preferenceValidators[key](value)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	p := &Preference{UserID: actor.UserID, Key: key, Value: norm, UpdatedAt: now.UTC()}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.Users().PutPreference(ctx, p); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "setMyPreference", "Preference", string(key), string(norm)))
	})
	if err != nil {
		return nil, fmt.Errorf("put preference %s: %w", key, err)
	}
	return norm, nil
}

// preferenceActor is the signed-in user who owns preferences of key.
func preferenceActor(ctx context.Context, key PreferenceKey) (*Actor, error) {
	actor, err := RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if actor.UserID == "" {
		return nil, Errorf(CodeForbidden, "only a signed-in user keeps preferences").WithReason("auth.role")
	}
	if !key.Valid() {
		return nil, FieldErrorf("key", "unknown preference %q", key).WithReason("preference.key")
	}
	return actor, nil
}
