package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FoundCardStatus is where a found ID card stands (撿拾招領, 3.1.5).
type FoundCardStatus string

// Found card statuses.
const (
	CardHeld    FoundCardStatus = "HELD"    // kept at the station it was handed to
	CardClaimed FoundCardStatus = "CLAIMED" // collected by its owner (or an agent)
)

// FoundCard is an ID card someone found (3.1.5): where and when, by whom,
// the station it was handed to, the owner the Ministry matched by the
// card's number, and the claim.
type FoundCard struct {
	ID          string
	IDNumber    string // printed on the card
	NameOnCard  string
	FoundAt     time.Time
	FoundPlace  string
	FinderName  string
	FinderPhone string
	// Station is the police station that holds the card.
	Station string
	// OwnerMatched says the Ministry knows the card's number; OwnerName and
	// OwnerOffice are its owner's name and registration office then.
	OwnerMatched bool
	OwnerName    string
	OwnerOffice  string
	Status       FoundCardStatus
	RecordedBy   string
	// The claim: who collected it (the owner or an agent) and when.
	ClaimantName     string
	ClaimantIDNumber string
	ClaimedAt        *time.Time
	ClaimedBy        string // the clerk who handed it over
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int
}

// FoundCardRepository stores found ID cards.
type FoundCardRepository interface {
	CreateFoundCard(ctx context.Context, f *FoundCard) error
	// FindFoundCard returns CodeNotFound when there is none.
	FindFoundCard(ctx context.Context, id string) (*FoundCard, error)
	// UpdateFoundCard writes f's claim if its version is still f.Version
	// and increments it; CodeConflict otherwise.
	UpdateFoundCard(ctx context.Context, f *FoundCard) error
	// FindFoundCards returns the cards with the ID number (when set) held
	// at stations under prefix, newest first, at most limit.
	FindFoundCards(ctx context.Context, idNumber, stationPrefix string, limit int) ([]*FoundCard, error)
}

// FoundCardService records found ID cards, matches them to owners and
// records their claims (3.1.5). The owner is matched through the Ministry
// (the card may belong to anyone in the country).
type FoundCardService struct {
	DB       Database
	Audit    AuditSink
	Ministry Ministry
	Now      func() time.Time
	NewID    func() string
}

// NewFoundCard is what the station records.
type NewFoundCard struct {
	IDNumber    string
	NameOnCard  string
	FoundAt     time.Time
	FoundPlace  string
	FinderName  string
	FinderPhone string
}

// RecordFound records a found ID card handed to the calling clerk's
// station (CLERK at a police station): the card's number is checked, its
// owner matched through the Ministry (an unknown number is recorded
// unmatched), all in one audited transaction. Errors: CodeForbidden,
// CodeInvalid naming the field, CodeUnavailable (the Ministry).
func (s *FoundCardService) RecordFound(ctx context.Context, in NewFoundCard) (*FoundCard, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	if actor.Office == nil || actor.Office.Level != OfficePoliceStation {
		return nil, Errorf(CodeForbidden, "found cards are handed to a police station").WithReason("case.station_only")
	}
	number, err := ValidateIDNumber("idNumber", strings.TrimSpace(in.IDNumber), s.Now())
	if err != nil {
		return nil, err
	}
	in.FoundPlace, in.FinderName = strings.TrimSpace(in.FoundPlace), strings.TrimSpace(in.FinderName)
	switch {
	case in.FoundPlace == "" || !printable(in.FoundPlace, 300):
		return nil, FieldErrorf("foundPlace", "say where the card was found (at most 300 characters)").WithReason("found_card.place")
	case in.FinderName == "" || !printable(in.FinderName, 64):
		return nil, FieldErrorf("finderName", "name who found it (at most 64 characters)").WithReason("found_card.finder")
	case in.FoundAt.IsZero() || in.FoundAt.After(s.Now().Add(time.Hour)):
		return nil, FieldErrorf("foundAt", "give when it was found, not in the future").WithReason("found_card.found_at")
	case !printable(in.NameOnCard, 64) || !printable(in.FinderPhone, 32):
		return nil, FieldErrorf("nameOnCard", "at most 64 characters").WithReason("found_card.name")
	}
	now := s.Now().UTC()
	f := &FoundCard{ID: s.NewID(), IDNumber: number, NameOnCard: strings.TrimSpace(in.NameOnCard), FoundAt: in.FoundAt.UTC(), FoundPlace: in.FoundPlace,
		FinderName: in.FinderName, FinderPhone: strings.TrimSpace(in.FinderPhone), Station: actor.OfficeCode, Status: CardHeld,
		RecordedBy: actor.Username, CreatedAt: now, UpdatedAt: now, Version: 1}
	h, err := s.Ministry.HouseholdByIDNumber(ctx, number)
	switch {
	case err == nil:
		f.OwnerMatched, f.OwnerName, f.OwnerOffice = true, h.Person.Name, h.OfficeCode
	case ErrorCode(err) != CodeNotFound:
		return nil, fmt.Errorf("match found card %s: %w", number, err)
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.FoundCards().CreateFoundCard(ctx, f); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "foundCard.record", "FoundCard", f.ID, f.IDNumber))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FindFound returns the found cards with the ID number held in the
// caller's jurisdiction (CLERK, OFFICER, ADMIN), newest first: an owner
// asking at a counter learns whether and where the card waits. Audited as
// a read of the number. Errors: CodeForbidden, CodeInvalid (idNumber).
func (s *FoundCardService) FindFound(ctx context.Context, idNumber string) ([]*FoundCard, error) {
	actor, err := Authorize(ctx, RoleClerk, RoleOfficer, RoleAdmin)
	if err != nil {
		return nil, err
	}
	number := ""
	if strings.TrimSpace(idNumber) != "" {
		if number, err = ValidateIDNumber("idNumber", strings.TrimSpace(idNumber), s.Now()); err != nil {
			return nil, err
		}
	}
	cards, err := s.DB.FoundCards().FindFoundCards(ctx, number, jurisdictionOf(actor), 100)
	if err != nil {
		return nil, err
	}
	if err := s.Audit.Record(ctx, NewAuditEntry(actor, s.Now(), AuditRead, "foundIdCards", "FoundCard", number, fmt.Sprintf("%d cards", len(cards)))); err != nil {
		return nil, err
	}
	return cards, nil
}

// Claim records that a held card was collected (CLERK of the station that
// holds it), by its owner or an agent whose ID number is recorded, in one
// audited transaction. Errors: CodeNotFound (also another station's card);
// CodeInvalidTransition when already claimed; CodeConflict for a stale
// version; CodeInvalid naming the field.
func (s *FoundCardService) Claim(ctx context.Context, id string, version int, claimantName, claimantIDNumber string) (*FoundCard, error) {
	actor, err := Authorize(ctx, RoleClerk)
	if err != nil {
		return nil, err
	}
	claimantName = strings.TrimSpace(claimantName)
	if claimantName == "" || !printable(claimantName, 64) {
		return nil, FieldErrorf("claimantName", "name who collects the card").WithReason("found_card.claimant")
	}
	number, err := ValidateIDNumber("claimantIdNumber", strings.TrimSpace(claimantIDNumber), s.Now())
	if err != nil {
		return nil, err
	}
	var out *FoundCard
	err = s.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		missing := notFound("no found card has this ID")
		f, err := tx.FoundCards().FindFoundCard(ctx, id)
		if err != nil {
			return orMissing(err, missing)
		}
		if !actor.CanSee(f.Station) {
			return missing
		}
		if f.Status != CardHeld {
			return Errorf(CodeInvalidTransition, "the card was already claimed").WithReason("found_card.claimed")
		}
		if version != 0 && version != f.Version {
			return Errorf(CodeConflict, "the card's record changed meanwhile; reload it").WithReason("found_card.stale")
		}
		now := s.Now().UTC()
		f.Status, f.ClaimantName, f.ClaimantIDNumber, f.ClaimedAt, f.ClaimedBy, f.UpdatedAt = CardClaimed, claimantName, number, &now, actor.Username, now
		if err := tx.FoundCards().UpdateFoundCard(ctx, f); err != nil {
			return err
		}
		out = f
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "foundCard.claim", "FoundCard", f.ID, number))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FlagFoundCards marks in an ID card history (7.1.3, the Ministry's) the
// card that found cards matched to its owner stand for (3.1.5): the
// current card, the one issued last, gets the newest found card's time,
// station and claim. Found cards not matched to an owner, or a history
// without an issued card, flag nothing. history is changed in place.
func FlagFoundCards(history []IDCardRecord, found []*FoundCard) {
	var newest *FoundCard
	for _, f := range found {
		if f.OwnerMatched && (newest == nil || f.FoundAt.After(newest.FoundAt)) {
			newest = f
		}
	}
	if newest == nil {
		return
	}
	current := -1
	for i := range history {
		if !history[i].IssuedOn.IsZero() && (current < 0 || !history[i].IssuedOn.Before(history[current].IssuedOn)) {
			current = i
		}
	}
	if current < 0 {
		return
	}
	at := newest.FoundAt
	history[current].FoundAt, history[current].FoundStation, history[current].FoundClaimed = &at, newest.Station, newest.Status == CardClaimed
}

// FoundCardsOf returns the found cards with the ID number anywhere in this
// deployment, for the ID card history (no jurisdiction: the intake of any
// station shows where the card waits). Not audited: the intake's look-up
// that calls it is.
func FoundCardsOf(ctx context.Context, repos Repos, idNumber string) ([]*FoundCard, error) {
	return repos.FoundCards().FindFoundCards(ctx, idNumber, "", 20)
}
