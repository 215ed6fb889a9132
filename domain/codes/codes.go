// Package codes serves the national standard code lists hukou uses, loaded from embedded data files.
//
// The lists live in data/ as UTF-8 CSV files with a header row, so that a
// change to a standard is a reviewed diff of data, never a code change
// (feature 9):
//
//   - gbt2260.csv: GB/T 2260 administrative divisions (code,name,level,parent,status),
//     current codes plus historical codes that ID numbers issued in the past still carry;
//   - gbt3304.csv: GB/T 3304 ethnicities (code,name);
//   - gbt4761.csv: GB/T 4761 family relations (code,name);
//   - gbt2261.csv: GB/T 2261.1 sex (code,name).
//
// The files are parsed once, on first use. Malformed embedded data is a build
// defect, so it panics rather than returning errors to every caller; the
// package tests parse every file so that such a defect never ships.
package codes

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

//go:embed data/*.csv
var dataFS embed.FS

// Division levels, as written in the level column of gbt2260.csv.
const (
	LevelProvince   = "province"
	LevelPrefecture = "prefecture"
	LevelCounty     = "county"
)

// Division is one GB/T 2260 administrative division.
type Division struct {
	// Code is the 6-digit division code, e.g. "211104".
	Code string
	// Name is the official Chinese name, e.g. "大洼区".
	Name string
	// Level is LevelProvince, LevelPrefecture or LevelCounty.
	Level string
	// Parent is the code of the enclosing division; "" for a province. A
	// county directly under a province (municipality districts, 省直辖县级行政区划)
	// has the province as parent.
	Parent string
	// Historical reports that the code is no longer current. Historical codes
	// are kept because ID numbers and old records still carry them.
	Historical bool
}

// Entry is one code of a flat code list (ethnicity, relation, sex).
type Entry struct {
	// Code is the code as the standard writes it, leading zeros included.
	Code string
	// Name is the official Chinese name.
	Name string
}

// Named is code's entry in a list looked up with lookup, or an entry named
// by the code itself when the list lacks it (a code the standard retired).
func Named(code string, lookup func(string) (Entry, bool)) Entry {
	if e, ok := lookup(code); ok {
		return e
	}
	return Entry{Code: code, Name: code}
}

type list struct {
	entries []Entry
	byCode  map[string]Entry
}

type tables struct {
	divisions   []Division
	division    map[string]Division
	ethnicities list
	relations   list
	sexes       list
}

var loaded = sync.OnceValue(func() *tables {
	t, err := load(dataFS)
	if err != nil {
		panic("codes: malformed embedded data: " + err.Error())
	}
	return t
})

func load(fsys embed.FS) (*tables, error) {
	var t tables
	var err error
	if t.divisions, t.division, err = loadDivisions(fsys, "data/gbt2260.csv"); err != nil {
		return nil, err
	}
	if t.ethnicities, err = loadList(fsys, "data/gbt3304.csv", 2); err != nil {
		return nil, err
	}
	if t.relations, err = loadList(fsys, "data/gbt4761.csv", 2); err != nil {
		return nil, err
	}
	if t.sexes, err = loadList(fsys, "data/gbt2261.csv", 1); err != nil {
		return nil, err
	}
	return &t, nil
}

// readCSV returns the records of the named file after checking its header.
func readCSV(fsys embed.FS, name string, header ...string) ([][]string, error) {
	b, err := fsys.ReadFile(name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(header)
	got, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	if !slices.Equal(got, header) {
		return nil, fmt.Errorf("%s: header is %q, want %q", name, got, header)
	}
	var recs [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		recs = append(recs, rec)
	}
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func loadList(fsys embed.FS, name string, width int) (list, error) {
	recs, err := readCSV(fsys, name, "code", "name")
	if err != nil {
		return list{}, err
	}
	l := list{byCode: make(map[string]Entry, len(recs))}
	for i, rec := range recs {
		e := Entry{Code: rec[0], Name: strings.TrimSpace(rec[1])}
		switch {
		case !isDigits(e.Code, width):
			return list{}, fmt.Errorf("%s row %d: code %q is not %d digits", name, i+2, e.Code, width)
		case e.Name == "":
			return list{}, fmt.Errorf("%s row %d: empty name", name, i+2)
		}
		if _, dup := l.byCode[e.Code]; dup {
			return list{}, fmt.Errorf("%s row %d: duplicate code %s", name, i+2, e.Code)
		}
		l.byCode[e.Code] = e
		l.entries = append(l.entries, e)
	}
	slices.SortFunc(l.entries, func(a, b Entry) int { return strings.Compare(a.Code, b.Code) })
	return l, nil
}

func loadDivisions(fsys embed.FS, name string) ([]Division, map[string]Division, error) {
	recs, err := readCSV(fsys, name, "code", "name", "level", "parent", "status")
	if err != nil {
		return nil, nil, err
	}
	byCode := make(map[string]Division, len(recs))
	all := make([]Division, 0, len(recs))
	for i, rec := range recs {
		d := Division{Code: rec[0], Name: strings.TrimSpace(rec[1]), Level: rec[2], Parent: rec[3]}
		row := i + 2
		switch rec[4] {
		case "current":
		case "historical":
			d.Historical = true
		default:
			return nil, nil, fmt.Errorf("%s row %d: status %q is neither current nor historical", name, row, rec[4])
		}
		if !isDigits(d.Code, 6) {
			return nil, nil, fmt.Errorf("%s row %d: code %q is not 6 digits", name, row, d.Code)
		}
		if d.Name == "" {
			return nil, nil, fmt.Errorf("%s row %d: empty name", name, row)
		}
		if want := levelOf(d.Code); d.Level != want {
			return nil, nil, fmt.Errorf("%s row %d: code %s has level %q, want %q", name, row, d.Code, d.Level, want)
		}
		if _, dup := byCode[d.Code]; dup {
			return nil, nil, fmt.Errorf("%s row %d: duplicate code %s", name, row, d.Code)
		}
		byCode[d.Code] = d
		all = append(all, d)
	}
	for _, d := range all {
		if err := checkParent(d, byCode); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	slices.SortFunc(all, func(a, b Division) int { return strings.Compare(a.Code, b.Code) })
	return all, byCode, nil
}

// levelOf derives the level a well-formed code must have: GB/T 2260 codes
// end in 0000 for provinces and 00 for prefectures.
func levelOf(code string) string {
	switch {
	case strings.HasSuffix(code, "0000"):
		return LevelProvince
	case strings.HasSuffix(code, "00"):
		return LevelPrefecture
	default:
		return LevelCounty
	}
}

func checkParent(d Division, byCode map[string]Division) error {
	if d.Level == LevelProvince {
		if d.Parent != "" {
			return fmt.Errorf("province %s has parent %s", d.Code, d.Parent)
		}
		return nil
	}
	p, ok := byCode[d.Parent]
	if !ok {
		return fmt.Errorf("%s %s: parent %q does not exist", d.Level, d.Code, d.Parent)
	}
	if p.Code[:2] != d.Code[:2] {
		return fmt.Errorf("%s %s: parent %s is in another province", d.Level, d.Code, p.Code)
	}
	switch {
	case d.Level == LevelPrefecture && p.Level != LevelProvince,
		d.Level == LevelCounty && p.Level == LevelCounty,
		p.Level == LevelPrefecture && p.Code[:4] != d.Code[:4]:
		return fmt.Errorf("%s %s: parent %s (%s) does not enclose it", d.Level, d.Code, p.Code, p.Level)
	}
	return nil
}

// LookupDivision returns the division with the given 6-digit code, current
// or historical, and whether it exists. (Go does not allow a function named
// like the Division type.)
func LookupDivision(code string) (Division, bool) {
	d, ok := loaded().division[code]
	return d, ok
}

// Divisions returns every division, current and historical, sorted by code.
// The caller may modify the returned slice.
func Divisions() []Division {
	return slices.Clone(loaded().divisions)
}

// DivisionsUnder returns the divisions whose code starts with prefix, other
// than the division that prefix itself names, sorted by code: "2111" (or
// "211100") gives the counties of Panjin, "21" every prefecture and county of
// Liaoning. Historical divisions are included; filter on Historical if needed.
// It returns nil for an empty or non-numeric prefix.
func DivisionsUnder(prefix string) []Division {
	for len(prefix) >= 2 && len(prefix)%2 == 0 && strings.HasSuffix(prefix, "00") {
		prefix = prefix[:len(prefix)-2] // "211100" means the same as "2111"
	}
	if prefix == "" || len(prefix) > 6 || !isDigits(prefix, len(prefix)) {
		return nil
	}
	self := prefix + strings.Repeat("0", 6-len(prefix))
	all := loaded().divisions
	start, _ := slices.BinarySearchFunc(all, prefix, func(d Division, p string) int { return strings.Compare(d.Code, p) })
	var out []Division
	for _, d := range all[start:] {
		if !strings.HasPrefix(d.Code, prefix) {
			break
		}
		if d.Code != self {
			out = append(out, d)
		}
	}
	return out
}

// Province returns the province-level division that contains the 6-digit
// code (which need not itself exist), and whether that province exists.
func Province(code string) (Division, bool) {
	if !isDigits(code, 6) {
		return Division{}, false
	}
	return LookupDivision(code[:2] + "0000")
}

// FullName returns the name of the division with its enclosing divisions,
// province first, as printed on certificates: "辽宁省盘锦市大洼区" for
// 211104, "北京市东城区" for 110101. It returns "" for an unknown code.
func FullName(code string) string {
	d, ok := LookupDivision(code)
	if !ok {
		return ""
	}
	names := []string{d.Name}
	for d.Parent != "" {
		d, ok = LookupDivision(d.Parent)
		if !ok { // impossible: load checked every parent
			break
		}
		names = append(names, d.Name)
	}
	slices.Reverse(names)
	return strings.Join(names, "")
}

// Ethnicity returns the GB/T 3304 ethnicity with the given 2-digit code.
func Ethnicity(code string) (Entry, bool) {
	e, ok := loaded().ethnicities.byCode[code]
	return e, ok
}

// Ethnicities returns every GB/T 3304 ethnicity, sorted by code.
func Ethnicities() []Entry { return slices.Clone(loaded().ethnicities.entries) }

// Relation returns the GB/T 4761 family relation with the given 2-digit code.
func Relation(code string) (Entry, bool) {
	e, ok := loaded().relations.byCode[code]
	return e, ok
}

// Relations returns every GB/T 4761 family relation, sorted by code.
func Relations() []Entry { return slices.Clone(loaded().relations.entries) }

// Sex returns the GB/T 2261.1 sex with the given 1-digit code.
func Sex(code string) (Entry, bool) {
	e, ok := loaded().sexes.byCode[code]
	return e, ok
}

// Sexes returns every GB/T 2261.1 sex code, sorted by code.
func Sexes() []Entry { return slices.Clone(loaded().sexes.entries) }
