package population_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"hukou/domain"
	"hukou/domain/codes"
	"hukou/domain/idnumber"
	"hukou/domain/population"
)

func panjin(seed int64, n int) population.Config {
	return population.Config{Seed: seed, Division: "211100", Residents: n}
}

// collect returns deep copies of every household of cfg.
func collect(t *testing.T, cfg population.Config) []population.Household {
	t.Helper()
	var out []population.Household
	err := population.Generate(cfg, func(h *population.Household) error {
		c := *h
		c.Members = append([]domain.Resident(nil), h.Members...)
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOffices(t *testing.T) {
	t.Parallel()
	for _, div := range population.Divisions() {
		t.Run(div, func(t *testing.T) {
			t.Parallel()
			offices, err := population.Offices(population.Config{Seed: 1, Division: div})
			if err != nil {
				t.Fatal(err)
			}
			again, _ := population.Offices(population.Config{Seed: 1, Division: div})
			if !reflect.DeepEqual(offices, again) {
				t.Fatal("offices differ between two calls")
			}
			byCode := map[string]domain.Office{}
			stations := map[string]int{}
			for _, o := range offices {
				if len(o.Code) != 12 || len(o.Division) != 6 || o.Name == "" {
					t.Fatalf("bad office %+v", o)
				}
				if _, dup := byCode[o.Code]; dup {
					t.Fatalf("duplicate office code %s", o.Code)
				}
				byCode[o.Code] = o
				switch o.Level {
				case domain.OfficeCityBureau:
					if o.Code != div+"000000" || o.ParentCode != "" {
						t.Fatalf("bad city bureau %+v", o)
					}
				case domain.OfficeCountyBureau:
					if o.Code != o.Division+"000000" || o.ParentCode != div+"000000" {
						t.Fatalf("bad county bureau %+v", o)
					}
				case domain.OfficePoliceStation:
					p, ok := byCode[o.ParentCode]
					if !ok || p.Level != domain.OfficeCountyBureau || !p.Covers(o.Code) {
						t.Fatalf("station %+v has bad parent", o)
					}
					if o.Code[6:8] != "00" || o.Code[10:] != "00" || !strings.HasSuffix(o.Name, "派出所") {
						t.Fatalf("bad station %+v", o)
					}
					stations[o.ParentCode]++
				}
			}
			if offices[0].Level != domain.OfficeCityBureau {
				t.Fatal("city bureau must come first")
			}
			for parent, n := range stations {
				if n < 3 || n > 8 {
					t.Fatalf("county %s has %d stations", parent, n)
				}
			}
			if div == "211100" {
				want := map[string]string{
					"211100000000": "盘锦市公安局", "211103000000": "盘锦市公安局兴隆台分局",
					"211122000000": "盘山县公安局", "211103000100": "兴隆台派出所",
				}
				for code, name := range want {
					if byCode[code].Name != name {
						t.Errorf("office %s is %q, want %q", code, byCode[code].Name, name)
					}
				}
			}
		})
	}
	if _, err := population.Offices(population.Config{Division: "999900"}); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("unknown division: got %v", err)
	}
}

func TestGenerate_Deterministic(t *testing.T) {
	t.Parallel()
	a := collect(t, panjin(7, 20000))
	b := collect(t, panjin(7, 20000))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same config differ")
	}
	c := collect(t, panjin(8, 20000))
	if reflect.DeepEqual(a[:10], c[:10]) {
		t.Fatal("different seeds give the same population")
	}
	// A shorter run is a prefix of a longer one (up to the cut household).
	short := collect(t, panjin(7, 5000))
	for i := 0; i < len(short)-1; i++ {
		if !reflect.DeepEqual(short[i], a[i]) {
			t.Fatalf("household %d differs between 5000 and 20000 residents", i)
		}
	}
	// The iterator gives the same stream.
	i := 0
	for h, err := range population.All(panjin(7, 20000)) {
		if err != nil {
			t.Fatal(err)
		}
		if h.Household.ID != a[i].Household.ID || len(h.Members) != len(a[i].Members) {
			t.Fatalf("All differs from Generate at household %d", i)
		}
		i++
	}
	if i != len(a) {
		t.Fatalf("All gave %d households, Generate %d", i, len(a))
	}
}

func TestGenerate_Population(t *testing.T) {
	t.Parallel()
	const n = 200_000
	cfg := panjin(42, n)
	offices, err := population.Offices(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stationOf := map[string]domain.Office{}
	for _, o := range offices {
		stationOf[o.Code] = o
	}
	ids := make(map[string]struct{}, 2*n)
	idNumbers := make(map[string]struct{}, n)
	numbers := map[string]struct{}{}
	var (
		total, households, collective, rare, deceased, movedOut, heads3 int
		ethnic                                                          = map[string]int{}
		sizes                                                           = map[int]int{}
		relations                                                       = map[string]int{}
		urbanRural                                                      = map[string]int{}
		lastID                                                          string
		sawRareExample                                                  string
	)
	useID := func(id string) {
		if len(id) != 36 || id[14] != '7' {
			t.Fatalf("ID %q is not UUIDv7-shaped", id)
		}
		if _, dup := ids[id]; dup {
			t.Fatalf("duplicate ID %s", id)
		}
		if id <= lastID {
			t.Fatalf("ID %s does not sort after %s", id, lastID)
		}
		ids[id], lastID = struct{}{}, id
	}
	err = population.Generate(cfg, func(h *population.Household) error {
		households++
		useID(h.Address.ID)
		useID(h.Household.ID)
		if _, dup := numbers[h.Household.Number]; dup {
			return fmt.Errorf("duplicate household number %s", h.Household.Number)
		}
		numbers[h.Household.Number] = struct{}{}
		if len(h.Household.Number) != 9 || h.Household.Number[:2] != h.Household.StationCode[4:6] {
			return fmt.Errorf("bad household number %s at %s", h.Household.Number, h.Household.StationCode)
		}
		st, ok := stationOf[h.Household.StationCode]
		if !ok || st.Level != domain.OfficePoliceStation || h.Address.StationCode != st.Code || h.Address.Division != st.Division {
			return fmt.Errorf("household %s: bad station %s", h.Household.Number, h.Household.StationCode)
		}
		if h.Household.AddressID != h.Address.ID || h.Address.Detail == "" || len(h.Address.UrbanRural) != 3 {
			return fmt.Errorf("bad address %+v", h.Address)
		}
		urbanRural[h.Address.UrbanRural]++
		sizes[len(h.Members)]++
		var head *domain.Resident
		heads := 0
		for i := range h.Members {
			r := &h.Members[i]
			total++
			useID(r.ID)
			relations[r.Relation]++
			ethnic[r.Ethnicity]++
			if r.HouseholdID != h.Household.ID || r.StationCode != h.Household.StationCode {
				return fmt.Errorf("resident %s not tied to its household", r.ID)
			}
			if err := checkIDNumber(r); err != nil {
				return err
			}
			if _, dup := idNumbers[r.IDNumber]; dup {
				return fmt.Errorf("duplicate ID number %s", r.IDNumber)
			}
			idNumbers[r.IDNumber] = struct{}{}
			if n := utf8.RuneCountInString(r.Name); n < 2 || n > 4 || !utf8.ValidString(r.Name) {
				return fmt.Errorf("bad name %q", r.Name)
			}
			for _, c := range r.Name {
				if c > 0xFFFF {
					rare++
					sawRareExample = r.Name
					break
				}
			}
			age := ageAt(r.BirthDate, population.RefDate)
			if age < 0 || age > 100 {
				return fmt.Errorf("age %d of %s", age, r.IDNumber)
			}
			switch r.Status {
			case domain.ResidentDeceased:
				deceased++
			case domain.ResidentMovedOut:
				movedOut++
			case domain.ResidentActive:
			default:
				return fmt.Errorf("status %q", r.Status)
			}
			if r.Relation == "02" {
				heads++
				head = r
			}
		}
		if h.Household.Type == domain.HouseholdCollective {
			collective++
			for _, r := range h.Members {
				if r.Relation != "99" {
					return fmt.Errorf("collective member with relation %s", r.Relation)
				}
			}
			return nil
		}
		if len(h.Members) > 6 {
			return fmt.Errorf("family of %d", len(h.Members))
		}
		if heads != 1 || h.Members[0].Relation != "02" {
			return fmt.Errorf("family household %s has %d heads", h.Household.Number, heads)
		}
		if len(h.Members) >= 3 {
			heads3++
		}
		for _, r := range h.Members[1:] {
			diff := ageAt(r.BirthDate, population.RefDate) - ageAt(head.BirthDate, population.RefDate)
			switch r.Relation[0] {
			case '1': // spouse: opposite sex, similar age
				if r.Sex == head.Sex || diff < -8 || diff > 8 {
					return fmt.Errorf("spouse %s of head %s", r.IDNumber, head.IDNumber)
				}
			case '2', '3': // children (sons 2x, daughters 3x; 28 son-in-law, 38 daughter-in-law)
				if r.Relation == "28" || r.Relation == "38" {
					continue
				}
				if diff > -18 || diff < -45 {
					return fmt.Errorf("child %s is %d years younger than head", r.IDNumber, -diff)
				}
				if (r.Relation[0] == '2') != (r.Sex == "1") {
					return fmt.Errorf("child %s: relation %s with sex %s", r.IDNumber, r.Relation, r.Sex)
				}
			case '4':
				if diff > -36 {
					return fmt.Errorf("grandchild %s only %d years younger than head", r.IDNumber, -diff)
				}
			case '5':
				if diff < 15 {
					return fmt.Errorf("parent %s only %d years older than head", r.IDNumber, diff)
				}
				if (r.Relation == "51") != (r.Sex == "1") {
					return fmt.Errorf("parent %s: relation %s with sex %s", r.IDNumber, r.Relation, r.Sex)
				}
			default:
				return fmt.Errorf("unexpected relation %s in a family", r.Relation)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != n {
		t.Fatalf("generated %d residents, want %d", total, n)
	}
	mean := float64(total) / float64(households)
	share := func(k int) float64 { return float64(k) / float64(total) }
	t.Logf("%d households (mean size %.2f, %d collective), sizes %v", households, mean, collective, sizes)
	t.Logf("ethnicities %v; relations %v; urban/rural %v", ethnic, relations, urbanRural)
	t.Logf("rare names %d (e.g. %s), deceased %d, moved out %d", rare, sawRareExample, deceased, movedOut)
	if mean < 2.3 || mean > 3.3 {
		t.Errorf("mean household size %.2f", mean)
	}
	if c := float64(collective) / float64(households); c < 0.01 || c > 0.03 {
		t.Errorf("collective share %.3f", c)
	}
	if s := share(ethnic["01"]); s < 0.8 || s > 0.9 {
		t.Errorf("Han share %.3f", s)
	}
	if s := share(ethnic["11"]); s < 0.08 || s > 0.18 {
		t.Errorf("Manchu share %.3f", s)
	}
	// About n/5000 = 40 rare names expected.
	if rare < 15 || rare > 80 {
		t.Errorf("%d rare-character names in %d, expected about %d", rare, n, n/population.DefaultRareNameOneIn)
	}
	if s := share(deceased + movedOut); s < 0.003 || s > 0.04 {
		t.Errorf("inactive share %.4f", s)
	}
	for _, rel := range []string{"02", "12", "11", "21", "31", "22", "32", "51", "52", "41", "42", "99"} {
		if relations[rel] == 0 {
			t.Errorf("no relation %s generated", rel)
		}
	}
	if heads3 == 0 || sizes[1] == 0 || sizes[6] == 0 {
		t.Errorf("household sizes too narrow: %v", sizes)
	}
}

func checkIDNumber(r *domain.Resident) error {
	n := r.IDNumber
	if len(n) != 18 || idnumber.CheckDigit(n[:17]) != n[17] {
		return fmt.Errorf("ID number %s: bad check digit", n)
	}
	if n[6:14] != r.BirthDate.Format("20060102") {
		return fmt.Errorf("ID number %s does not match birth date %s", n, r.BirthDate.Format(time.DateOnly))
	}
	if n[:6] != r.BirthplaceDivision {
		return fmt.Errorf("ID number %s does not match birthplace %s", n, r.BirthplaceDivision)
	}
	male := (n[16]-'0')%2 == 1
	if male != (r.Sex == "1") {
		return fmt.Errorf("ID number %s does not match sex %s", n, r.Sex)
	}
	return nil
}

func ageAt(birth, at time.Time) int {
	a := at.Year() - birth.Year()
	if at.YearDay() < birth.YearDay() {
		a--
	}
	return a
}

func TestGenerate_RareNames(t *testing.T) {
	t.Parallel()
	cfg := panjin(3, 1000)
	cfg.RareNameOneIn = 10
	rare := 0
	for h, err := range population.All(cfg) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h.Members {
			if strings.ContainsFunc(r.Name, func(c rune) bool { return c >= 0x20000 && c <= 0x2A6DF }) {
				rare++
			}
		}
	}
	if rare < 50 || rare > 160 {
		t.Fatalf("%d rare names with RareNameOneIn 10 in 1000", rare)
	}
	cfg.RareNameOneIn = -1
	for h, err := range population.All(cfg) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h.Members {
			if strings.ContainsFunc(r.Name, func(c rune) bool { return c > 0xFFFF }) {
				t.Fatalf("rare name %s with RareNameOneIn -1", r.Name)
			}
		}
	}
}

func TestGenerate_OtherCities(t *testing.T) {
	t.Parallel()
	for _, div := range []string{"130100", "510100", "440100"} {
		hs := collect(t, population.Config{Seed: 1, Division: div, Residents: 3000})
		if hs[0].Address.Division[:4] != div[:4] {
			t.Errorf("%s: address in %s", div, hs[0].Address.Division)
		}
	}
}

func TestGenerate_Errors(t *testing.T) {
	t.Parallel()
	err := population.Generate(population.Config{Division: "211100", Residents: -1}, func(*population.Household) error { return nil })
	if domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("negative size: %v", err)
	}
	stop := errors.New("stop")
	err = population.Generate(panjin(1, 100), func(*population.Household) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("yield error not returned: %v", err)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		n := 0
		_ = population.Generate(panjin(1, 100_000), func(h *population.Household) error {
			n += len(h.Members)
			return nil
		})
	}
}

// TestGenerate_Codes checks every generated code against the national
// standard tables of domain/codes.
func TestGenerate_Codes(t *testing.T) {
	t.Parallel()
	for _, div := range population.Divisions() {
		offices, _ := population.Offices(population.Config{Seed: 1, Division: div})
		for _, o := range offices {
			if _, ok := codes.LookupDivision(o.Division); !ok {
				t.Errorf("office %s: unknown division %s", o.Code, o.Division)
			}
		}
	}
	for h, err := range population.All(panjin(9, 30000)) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h.Members {
			if _, ok := codes.Ethnicity(r.Ethnicity); !ok {
				t.Fatalf("unknown ethnicity %s", r.Ethnicity)
			}
			if _, ok := codes.Relation(r.Relation); !ok {
				t.Fatalf("unknown relation %s", r.Relation)
			}
			if _, ok := codes.Sex(r.Sex); !ok {
				t.Fatalf("unknown sex %s", r.Sex)
			}
			if _, ok := codes.LookupDivision(r.BirthplaceDivision); !ok {
				t.Fatalf("unknown birthplace %s", r.BirthplaceDivision)
			}
		}
	}
}
