package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The household member identifier (户成员标识号, hcybsh; features 8.1.1 and
// 8.1.2). The bureau's rule is not public, so hukou implements a documented
// default that is replaceable configuration (feature 9): HcybshRule holds its
// parameters, AssignHcybsh is the Go reference implementation (the oracle
// tests compare the database against), and the SQL that implements the same
// rule lives in storage (storage/hcybsh.go for the full generation, the
// migration 20261125000003_hcybsh for the insert trigger). Changing the rule
// means changing those three places together; the storage tests fail if the
// SQL and this oracle disagree.
//
// The default rule:
//
//   - hcybsh = household number followed by a SeqWidth-digit (2) member
//     sequence, zero-padded: household 110100001 → 11010000101, 11010000102, …
//   - When a household's existing members are numbered together (the full
//     generation), the head of household (relation 02) comes first, then the
//     spouse (relations 10–12), then everyone else; within each group by
//     relation code, then birth date, then ID number (codes compared
//     byte-wise).
//   - A member inserted later takes the next free number of the household:
//     one more than the highest number the household has ever handed out.
//   - A number is never reused within a household: a member who moved out
//     or died keeps theirs, and the per-household counter never goes back.
//   - The sequence has SeqWidth digits, so a household can number at most
//     10^SeqWidth − 1 (99) members over its lifetime; the next one is refused
//     (CodeInvalid here, a check_violation / ABORT in the database) rather
//     than given an identifier of another shape.
//   - Uniqueness is enforced by the UNIQUE constraint on residents.hcybsh.

// HcybshRule holds the parameters of the hcybsh rule.
type HcybshRule struct {
	// SeqWidth is the number of digits of the member sequence.
	SeqWidth int
	// HeadRelation is the GB/T 4761 code of the head of household.
	HeadRelation string
	// SpouseRelations are the GB/T 4761 codes ranked right after the head.
	SpouseRelations []string
}

// DefaultHcybshRule is the rule hukou implements (see the package comment
// above HcybshRule). storage's SQL hard-codes the same values.
var DefaultHcybshRule = HcybshRule{SeqWidth: 2, HeadRelation: "02", SpouseRelations: []string{"10", "11", "12"}}

// MaxSeq returns the highest member sequence the rule can express.
func (r HcybshRule) MaxSeq() int {
	n := 1
	for range r.SeqWidth {
		n *= 10
	}
	return n - 1
}

// Format returns the identifier of member seq of the household.
func (r HcybshRule) Format(householdNumber string, seq int) string {
	return fmt.Sprintf("%s%0*d", householdNumber, r.SeqWidth, seq)
}

// Seq returns the member sequence of an identifier of the household, and
// false if hcybsh is not shaped like one.
func (r HcybshRule) Seq(householdNumber, hcybsh string) (int, bool) {
	s, ok := strings.CutPrefix(hcybsh, householdNumber)
	if !ok || len(s) != r.SeqWidth {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// group ranks a relation: 0 for the head, 1 for a spouse, 2 for the rest.
func (r HcybshRule) group(relation string) int {
	switch {
	case relation == r.HeadRelation:
		return 0
	case slices.Contains(r.SpouseRelations, relation):
		return 1
	default:
		return 2
	}
}

// Compare orders two members of a household for numbering: head, spouse,
// others; then relation code, birth date and ID number.
func (r HcybshRule) Compare(a, b *Resident) int {
	return cmp.Or(
		cmp.Compare(r.group(a.Relation), r.group(b.Relation)),
		strings.Compare(a.Relation, b.Relation),
		a.BirthDate.Compare(b.BirthDate),
		strings.Compare(a.IDNumber, b.IDNumber),
	)
}

// Assign numbers the members of one household whose Hcybsh is nil, in rule
// order, starting at next (or after the highest existing number of the
// household, if that is higher). It returns the new identifiers by resident
// ID and the next free sequence afterwards. Members that already have an
// identifier keep it. It returns a CodeInvalid error when the household runs
// out of sequence numbers.
func (r HcybshRule) Assign(householdNumber string, members []Resident, next int) (map[string]string, int, error) {
	next = max(next, 1)
	var todo []*Resident
	for i := range members {
		m := &members[i]
		if m.Hcybsh == nil {
			todo = append(todo, m)
			continue
		}
		if seq, ok := r.Seq(householdNumber, *m.Hcybsh); ok {
			next = max(next, seq+1)
		}
	}
	slices.SortStableFunc(todo, r.Compare)
	out := make(map[string]string, len(todo))
	for _, m := range todo {
		if next > r.MaxSeq() {
			return nil, next, Errorf(CodeInvalid, "household %s has no free member number (at most %d)", householdNumber, r.MaxSeq())
		}
		out[m.ID] = r.Format(householdNumber, next)
		next++
	}
	return out, next, nil
}

// AssignHcybsh applies DefaultHcybshRule.Assign: the reference
// implementation of the full generation for one household.
func AssignHcybsh(householdNumber string, members []Resident, next int) (map[string]string, int, error) {
	return DefaultHcybshRule.Assign(householdNumber, members, next)
}
