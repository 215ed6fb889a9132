package domain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
)

// OnlineModule is implemented by a module whose kind portals may submit
// online (3.1.1–3.1.4): the engine finds the kind's OnlineIntake on the
// registered module, so no kind is named here.
type OnlineModule interface {
	Online() OnlineIntake
}

// OnlineKind is the part of an online intake every kind shares, built from
// the kind's own rules: the portal's data decoded strictly (unknown fields
// refused) and normalised by Check, rule errors named under Prefix; the
// counter's intake run by Start when a clerk completes the application;
// the outcome the portal reads, from Result, stored as JSON and decoded
// back into R for the schema's OnlineResult union. A kind's Online()
// returns one (domain/birth/online.go).
type OnlineKind[D, R any] struct {
	// What names the data in the malformed-data message ("birth").
	What string
	// Prefix is put before the field of Check's errors ("data.applicant.").
	Prefix string
	// Check applies the rules that need no look-up and normalises d as
	// the counter stores it. Errors: CodeInvalid naming the field.
	Check func(d *D) error
	// Start opens the case at the calling clerk's counter from the stored
	// data and what the clerk captured (counter; nil from the generic
	// acceptOnlineApplication), running link in the creating transaction.
	Start func(ctx context.Context, app *OnlineApplication, d D, counter any, link func(ctx context.Context, tx Repos, c *Case) error) (*Case, error)
	// Correct applies to d, the portal's data as stored, the corrections
	// the clerk confirmed with the person at the counter (carried in
	// counter, as Start receives it), checked and normalised as the
	// counter's own intake does, and returns the fields whose value
	// changed; a field the clerk left out keeps the portal's value, and
	// what identifies the application is never the counter's to change.
	// It runs before Start, so a refused correction opens nothing and
	// leaves the application as it was. Errors: CodeInvalid naming the
	// accepting input's field. nil: the portal's data always stands.
	Correct func(d *D, counter any) ([]OnlineCorrection, error)
	// Result returns what the portal may read of c's outcome (nil while
	// there is none).
	Result func(c *Case) (*R, error)
	// Fill completes a decoded result (empty lists for the schema's
	// non-null lists); nil for none.
	Fill func(r *R)
}

// prefixOnlineField puts prefix before the field of err's *Error.
func prefixOnlineField(err error, prefix string) error {
	var de *Error
	if errors.As(err, &de) && de.Field != "" {
		de.Field = prefix + de.Field
	}
	return err
}

// CheckOnline implements OnlineIntake.
func (k OnlineKind[D, R]) CheckOnline(raw json.RawMessage) (json.RawMessage, error) {
	var d D
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, FieldErrorf("data", "the %s application data is malformed: %v", k.What, err).WithReason("online.data")
	}
	if err := k.Check(&d); err != nil {
		return nil, prefixOnlineField(err, k.Prefix)
	}
	return json.Marshal(d)
}

// StartOnline implements OnlineIntake.
func (k OnlineKind[D, R]) StartOnline(ctx context.Context, app *OnlineApplication, counter any, link func(ctx context.Context, tx Repos, c *Case, corrections []OnlineCorrection) error) (*Case, error) {
	var d D
	if err := json.Unmarshal(app.Data, &d); err != nil {
		return nil, err
	}
	var corrections []OnlineCorrection
	if k.Correct != nil {
		var err error
		if corrections, err = k.Correct(&d, counter); err != nil {
			return nil, err
		}
	}
	return k.Start(ctx, app, d, counter, func(ctx context.Context, tx Repos, c *Case) error {
		return link(ctx, tx, c, corrections)
	})
}

// OnlineResult implements OnlineIntake.
func (k OnlineKind[D, R]) OnlineResult(c *Case) (json.RawMessage, error) {
	r, err := k.Result(c)
	if err != nil || r == nil {
		return nil, err
	}
	return json.Marshal(r)
}

// DecodeOnlineResult implements OnlineIntake.
func (k OnlineKind[D, R]) DecodeOnlineResult(raw json.RawMessage) (OnlineResultDetails, error) {
	r := new(R)
	if err := json.Unmarshal(raw, r); err != nil {
		return nil, err
	}
	if k.Fill != nil {
		k.Fill(r)
	}
	return r, nil
}

// NoCounter is the Start of a kind whose clerk captures nothing beyond the
// portal's data: it refuses a counter capture meant for another kind.
func NoCounter(counter any) error {
	if counter != nil {
		return FieldErrorf("input", "this application is completed with acceptOnlineApplication, without captures").WithReason("online.kind")
	}
	return nil
}
