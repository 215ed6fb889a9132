package domain_test

import (
	"testing"
	"time"

	"hukou/domain"
)

func member(id, relation, birth, idNumber string) domain.Resident {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		panic(err)
	}
	return domain.Resident{ID: id, Relation: relation, BirthDate: b, IDNumber: idNumber}
}

func TestAssignHcybsh_OrdersHeadSpouseThenRelationBirthIDNumber(t *testing.T) {
	t.Parallel()
	members := []domain.Resident{
		member("grandchild", "41", "2015-01-01", "3"),
		member("son-young", "21", "2000-05-05", "5"),
		member("son-old", "21", "1995-05-05", "6"),
		member("twin-b", "22", "1998-03-03", "8"),
		member("twin-a", "22", "1998-03-03", "7"),
		member("self", "01", "1990-01-01", "1"), // 01 sorts before 02 by code, yet the head leads
		member("wife", "12", "1970-01-01", "9"),
		member("head", "02", "1968-01-01", "4"),
	}
	got, next, err := domain.AssignHcybsh("110100001", members, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"head": "11010000101", "wife": "11010000102", "self": "11010000103",
		"son-old": "11010000104", "son-young": "11010000105",
		"twin-a": "11010000106", "twin-b": "11010000107", "grandchild": "11010000108",
	}
	if next != 9 || len(got) != len(want) {
		t.Fatalf("next %d, got %v", next, got)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}
}

func TestAssignHcybsh_KeepsNumbersAndContinuesAfterTheHighest(t *testing.T) {
	t.Parallel()
	kept := "11010000107"
	members := []domain.Resident{
		member("new-child", "20", "2020-01-01", "2"),
		member("left", "02", "1960-01-01", "1"), // numbered long ago, moved out
		member("new-head", "02", "1980-01-01", "3"),
	}
	members[1].Hcybsh, members[1].Status = &kept, domain.ResidentMovedOut
	got, next, err := domain.AssignHcybsh("110100001", members, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["new-head"] != "11010000108" || got["new-child"] != "11010000109" || next != 10 {
		t.Fatalf("got %v, next %d", got, next)
	}
	// A counter ahead of the highest number wins: numbers are never reused.
	got, _, _ = domain.AssignHcybsh("110100001", members, 20)
	if got["new-head"] != "11010000120" {
		t.Fatalf("got %v", got)
	}
}

func TestAssignHcybsh_RefusesTheHundredthMember(t *testing.T) {
	t.Parallel()
	members := []domain.Resident{member("a", "99", "1990-01-01", "1"), member("b", "99", "1990-01-01", "2")}
	if _, _, err := domain.AssignHcybsh("110100001", members, 99); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("err %v", err)
	}
	got, next, err := domain.AssignHcybsh("110100001", members[:1], 99)
	if err != nil || got["a"] != "11010000199" || next != 100 {
		t.Fatalf("got %v, next %d, err %v", got, next, err)
	}
}

func TestHcybshRule_FormatAndSeq(t *testing.T) {
	t.Parallel()
	r := domain.DefaultHcybshRule
	if r.MaxSeq() != 99 || r.Format("020100046", 5) != "02010004605" {
		t.Fatal(r.MaxSeq(), r.Format("020100046", 5))
	}
	if n, ok := r.Seq("020100046", "02010004605"); !ok || n != 5 {
		t.Fatal(n, ok)
	}
	for _, bad := range []string{"02010004705", "0201000465", "020100046ab"} {
		if _, ok := r.Seq("020100046", bad); ok {
			t.Errorf("%s parsed", bad)
		}
	}
}
