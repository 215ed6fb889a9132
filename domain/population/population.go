// Package population generates a deterministic synthetic population for a
// city: its public security offices, and a stream of households with their
// addresses and members. The same Config yields exactly the same offices,
// addresses, households and residents, in the same order and with the same
// IDs, on every machine and every run: demos, benchmarks and the ministry
// simulator regenerate a population instead of storing it.
//
// Generation is a streaming iteration: memory stays proportional to the
// number of distinct (birthplace, birth date, sex) keys used for ID-number
// sequence allocation (tens of megabytes for millions of residents), never
// to the number of residents.
package population

import (
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"hukou/domain"
	"hukou/domain/idnumber"
)

// Config selects a population. Two generations with equal Configs produce
// identical output.
type Config struct {
	// Seed selects one of many possible populations of the city.
	Seed int64
	// Division is the 6-digit GB/T 2260 code of a prefecture-level city,
	// e.g. "211100" for Panjin. Divisions lists the supported ones.
	Division string
	// Residents is the exact number of residents to generate.
	Residents int
	// RareNameOneIn makes about one name in RareNameOneIn contain a character
	// outside the Basic Multilingual Plane; 0 means DefaultRareNameOneIn and
	// a negative value disables such names.
	RareNameOneIn int
}

// DefaultRareNameOneIn is the default rate of names with a rare (non-BMP)
// character: one in this many.
const DefaultRareNameOneIn = 5000

// RefDate is the "as of" date of every generated population: ages are
// computed against it and no one is born after it.
var RefDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// IDEpoch is the synthetic creation time of the first generated entity; the
// n-th entity (office codes excluded) is created n milliseconds later, and its
// UUIDv7-shaped ID carries that time, so IDs sort in creation order.
var IDEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Household is one generated household with its address and its members, in
// the order they appear in the register (the head first).
type Household struct {
	Household domain.Household
	Address   domain.Address
	Members   []domain.Resident
}

// Divisions returns the codes of the cities the generator knows, in a fixed
// order.
func Divisions() []string {
	out := make([]string, len(cities))
	for i, c := range cities {
		out[i] = c.Code
	}
	return out
}

// CityName returns the Chinese name of the city the generator knows by
// division code (e.g. 盘锦市 for 211100).
func CityName(division string) (string, bool) {
	for _, c := range cities {
		if c.Code == division {
			return c.Name, true
		}
	}
	return "", false
}

// ErrExhausted is returned (wrapped) when a Config asks for more residents
// than the generator's number spaces hold: more than 99,999 households at one
// station or 500 people of one sex born on one day in one county.
var ErrExhausted = errors.New("population: number space exhausted")

// Offices returns the offices of cfg's city: the city bureau first, then per
// county its bureau followed by its 3–8 police stations. It returns a
// CodeInvalid *domain.Error for an unknown division.
func Offices(cfg Config) ([]domain.Office, error) {
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	return p.offices, nil
}

// Generate streams cfg's population to yield, household by household, until
// exactly cfg.Residents residents were produced (the last household may be
// cut short). The *Household passed to yield is reused by the next call, so
// yield must copy what it keeps. Generate stops and returns the first
// non-nil error of yield. It returns a CodeInvalid *domain.Error for a bad
// Config and ErrExhausted when the number spaces overflow.
func Generate(cfg Config, yield func(*Household) error) error {
	g, err := NewGenerator(cfg)
	if err != nil {
		return err
	}
	for {
		h, err := g.Next()
		if err != nil {
			return err
		}
		if h == nil {
			return nil
		}
		if err := yield(h); err != nil {
			return err
		}
	}
}

// All returns cfg's population as an iterator over households; an error
// ends the sequence as its last pair. The *Household is reused between
// iterations, as with Generate.
func All(cfg Config) iter.Seq2[*Household, error] {
	return func(yield func(*Household, error) bool) {
		g, err := NewGenerator(cfg)
		if err != nil {
			yield(nil, err)
			return
		}
		for {
			h, err := g.Next()
			if err != nil {
				yield(nil, err)
				return
			}
			if h == nil || !yield(h, nil) {
				return
			}
		}
	}
}

// Generator produces one population household by household. It is not safe
// for concurrent use.
type Generator struct {
	plan     *plan
	rareOne  int
	produced int
	index    uint64 // households generated so far
	counter  uint64 // entities (addresses, households, residents) created so far
	seqs     map[seqKey]uint16
	hhSeq    []int // per station: households numbered so far
	pcg      *rand.PCG
	rng      *rand.Rand
	out      Household
	scratch  []member
}

// NewGenerator returns a Generator for cfg, or a CodeInvalid *domain.Error.
func NewGenerator(cfg Config) (*Generator, error) {
	if cfg.Residents < 0 {
		return nil, domain.FieldErrorf("residents", "must not be negative")
	}
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	rare := cfg.RareNameOneIn
	if rare == 0 {
		rare = DefaultRareNameOneIn
	}
	pcg := rand.NewPCG(0, 0)
	return &Generator{
		plan:    p,
		rareOne: rare,
		seqs:    make(map[seqKey]uint16),
		hhSeq:   make([]int, len(p.stations)),
		pcg:     pcg,
		rng:     rand.New(pcg),
	}, nil
}

// Next returns the next household, or nil when the population is complete.
// The returned value is overwritten by the following call.
func (g *Generator) Next() (*Household, error) {
	left := g.plan.cfg.Residents - g.produced
	if left <= 0 {
		return nil, nil
	}
	// Each household draws from its own stream, so a change in how one
	// household consumes randomness does not shift all the following ones.
	g.pcg.Seed(g.plan.seed, mix64(g.index+1))
	g.index++
	rng := g.rng

	st := g.plan.pickStation(rng)
	collective := rng.IntN(1000) < 20
	var ms []member
	if collective {
		ms = g.collective(rng)
	} else {
		ms = g.family(rng)
	}
	if len(ms) > left {
		ms = ms[:left]
	}

	h := &g.out
	g.hhSeq[st.index]++
	if g.hhSeq[st.index] > 99999 {
		return nil, fmt.Errorf("%w: more than 99999 households at station %s", ErrExhausted, st.office.Code)
	}
	addrID, addrAt := g.newID()
	h.Address = domain.Address{
		ID:          addrID,
		Division:    st.county.Code,
		StationCode: st.office.Code,
		CreatedAt:   addrAt,
		UpdatedAt:   addrAt,
		Version:     1,
	}
	h.Address.Detail, h.Address.UrbanRural = g.plan.address(rng, st, collective)
	hhID, hhAt := g.newID()
	typ := domain.HouseholdFamily
	if collective {
		typ = domain.HouseholdCollective
	}
	h.Household = domain.Household{
		ID:          hhID,
		Number:      fmt.Sprintf("%s%02d%05d", st.county.Code[4:6], st.number, g.hhSeq[st.index]),
		Type:        typ,
		AddressID:   addrID,
		StationCode: st.office.Code,
		CreatedAt:   hhAt,
		UpdatedAt:   hhAt,
		Version:     1,
	}
	h.Members = h.Members[:0]
	for i := range ms {
		r, err := g.resident(rng, st, &ms[i], hhID)
		if err != nil {
			return nil, err
		}
		h.Members = append(h.Members, r)
	}
	g.produced += len(ms)
	return h, nil
}

// member is a resident being composed, before names and numbers are drawn.
type member struct {
	relation  string
	male      bool
	age       int
	surname   string
	ethnicity string
}

const (
	sexMale   = "1" // GB/T 2261.1
	sexFemale = "2"
)

func (g *Generator) resident(rng *rand.Rand, st *station, m *member, householdID string) (domain.Resident, error) {
	birth := RefDate.AddDate(-m.age, 0, -rng.IntN(365))
	bp := g.plan.birthplace(rng, st, m.age)
	idn, err := g.idNumber(bp, birth, m.male)
	if err != nil {
		return domain.Resident{}, err
	}
	id, at := g.newID()
	sex := sexFemale
	if m.male {
		sex = sexMale
	}
	status := domain.ResidentActive
	switch x := rng.IntN(1000); {
	case m.age >= 70 && x < 50:
		status = domain.ResidentDeceased
	case m.age >= 18 && m.age < 60 && x >= 985:
		status = domain.ResidentMovedOut
	}
	return domain.Resident{
		ID:                 id,
		HouseholdID:        householdID,
		StationCode:        st.office.Code,
		Name:               m.surname + g.givenName(rng, birth.Year(), m.male),
		Sex:                sex,
		Ethnicity:          m.ethnicity,
		BirthDate:          birth,
		BirthplaceDivision: bp,
		IDNumber:           idn,
		Relation:           m.relation,
		Status:             status,
		CreatedAt:          at,
		UpdatedAt:          at,
		Version:            1,
	}, nil
}

// seqKey identifies one ID-number sequence space: a birthplace, a birth date
// and a sex (men take odd sequence numbers, women even).
type seqKey struct {
	division int32
	day      int32
	male     bool
}

// idNumber allocates the next sequence number of (division, birth, sex).
// The first number of each space is spread by a hash, and the following ones
// step by 2 modulo 1000, so up to 500 people share a space without clashing.
func (g *Generator) idNumber(division string, birth time.Time, male bool) (string, error) {
	div := int32(0)
	for i := 0; i < len(division); i++ {
		div = div*10 + int32(division[i]-'0')
	}
	k := seqKey{division: div, day: int32(birth.Unix() / 86400), male: male}
	n := g.seqs[k]
	if n >= 500 {
		return "", fmt.Errorf("%w: more than 500 people of one sex born on %s in %s", ErrExhausted, birth.Format(time.DateOnly), division)
	}
	g.seqs[k] = n + 1
	base := int(mix64(g.plan.seed^uint64(k.division)<<32^uint64(uint32(k.day))) % 500 * 2)
	if male {
		base++
	}
	return idnumber.Generate(division, birth, (base+2*int(n))%1000), nil
}

// newID returns the next UUIDv7-shaped ID and its synthetic creation time:
// the timestamp is IDEpoch plus the entity counter in milliseconds, the
// remaining 74 bits are a hash of the seed and the counter.
func (g *Generator) newID() (string, time.Time) {
	g.counter++
	ms := uint64(IDEpoch.UnixMilli()) + g.counter
	r := mix64(g.plan.seed ^ mix64(g.counter))
	r2 := mix64(r ^ 0x9e3779b97f4a7c15)
	var b [16]byte
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = 0x70 | byte(r>>8)&0x0f
	b[7] = byte(r)
	b[8] = 0x80 | byte(r2>>56)&0x3f
	for i := 9; i < 16; i++ {
		b[i] = byte(r2 >> (8 * (15 - i)))
	}
	const hexd = "0123456789abcdef"
	var s [36]byte
	j := 0
	for i := 0; i < 16; i++ {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hexd[b[i]>>4], hexd[b[i]&0x0f]
		j += 2
	}
	return string(s[:]), time.UnixMilli(int64(ms)).UTC()
}

// mix64 is the SplitMix64 finaliser: a cheap, well-distributed bijection.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// --- the city plan: offices and stations ----------------------------------

type station struct {
	index  int
	office domain.Office
	county *county
	number int    // 1–8, the station's number within its county
	place  string // the sub-district or town it serves
	town   bool   // it serves a town (镇) rather than a sub-district (街道)
	seat   bool   // it serves the county seat
}

type plan struct {
	cfg       Config
	seed      uint64
	city      *city
	offices   []domain.Office
	stations  []*station
	stCum     []int // cumulative station weights
	countyCum []int // cumulative county weights
	others    []*city
	ethnic    []weighted
	ethnicCum []int
}

func newPlan(cfg Config) (*plan, error) {
	var c *city
	for i := range cities {
		if cities[i].Code == cfg.Division {
			c = &cities[i]
		}
	}
	if c == nil {
		return nil, domain.FieldErrorf("division", "unknown city division %q (known: %s)", cfg.Division, strings.Join(Divisions(), ", "))
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", cfg.Seed, cfg.Division)
	p := &plan{cfg: cfg, seed: h.Sum64(), city: c}
	rng := rand.New(rand.NewPCG(p.seed, 0x0ff1ce))

	cityName := c.Name
	p.offices = append(p.offices, domain.Office{
		Code: c.Code + "000000", Name: cityName + "公安局", Level: domain.OfficeCityBureau, Division: c.Code,
	})
	maxW := 0
	for _, k := range c.Counties {
		maxW = max(maxW, k.Weight)
	}
	for ci := range c.Counties {
		k := &c.Counties[ci]
		short := shortName(k.Name)
		bureau := domain.Office{
			Code: k.Code + "000000", Level: domain.OfficeCountyBureau, ParentCode: c.Code + "000000", Division: k.Code,
		}
		if strings.HasSuffix(k.Name, "区") {
			bureau.Name = cityName + "公安局" + short + "分局"
		} else {
			bureau.Name = k.Name + "公安局"
		}
		p.offices = append(p.offices, bureau)
		n := min(8, max(3, 3+k.Weight*5/maxW+rng.IntN(2)))
		urban := shuffled(rng, urbanPlaces)
		rural := shuffled(rng, ruralPlaces)
		for s := 1; s <= n; s++ {
			st := &station{index: len(p.stations), county: k, number: s}
			switch {
			case s == 1:
				st.place, st.seat = short, true
				st.town = k.Rural
			case k.Rural || rng.IntN(100) < 15:
				st.place, st.town = rural[0], true
				rural = rural[1:]
			default:
				st.place = urban[0]
				urban = urban[1:]
			}
			st.office = domain.Office{
				Code:       fmt.Sprintf("%s00%02d00", k.Code, s),
				Name:       st.place + "派出所",
				Level:      domain.OfficePoliceStation,
				ParentCode: bureau.Code,
				Division:   k.Code,
			}
			p.offices = append(p.offices, st.office)
			p.stations = append(p.stations, st)
			// A county's weight is spread over its stations, the seat
			// taking a double share.
			w := k.Weight * 1000 / (n + 1)
			if st.seat {
				w *= 2
			}
			p.stCum = append(p.stCum, last(p.stCum)+w)
		}
		p.countyCum = append(p.countyCum, last(p.countyCum)+k.Weight)
	}
	for i := range cities {
		if cities[i].Code != c.Code {
			p.others = append(p.others, &cities[i])
		}
	}
	p.ethnic = ethnicities(c.Code[:2])
	for _, e := range p.ethnic {
		p.ethnicCum = append(p.ethnicCum, last(p.ethnicCum)+e.w)
	}
	return p, nil
}

func (p *plan) pickStation(rng *rand.Rand) *station {
	return p.stations[pickCum(rng, p.stCum)]
}

// birthplace returns the birthplace division of someone registered at st:
// mostly st's county or another county of the city, some elsewhere.
func (p *plan) birthplace(rng *rand.Rand, st *station, age int) string {
	x := rng.IntN(100)
	local := 85
	if age < 18 {
		local = 95
	}
	switch {
	case x < local*7/10:
		return st.county.Code
	case x < local:
		return p.city.Counties[pickCum(rng, p.countyCum)].Code
	default:
		o := p.others[rng.IntN(len(p.others))]
		return o.Counties[rng.IntN(len(o.Counties))].Code
	}
}

// address returns the detail and urban/rural class code of a new address at st.
func (p *plan) address(rng *rand.Rand, st *station, collective bool) (string, string) {
	var b strings.Builder
	b.WriteString(st.county.Name)
	if st.town {
		if st.seat {
			b.WriteString("城关镇")
		} else {
			b.WriteString(st.place)
			b.WriteString("镇")
		}
	} else {
		b.WriteString(st.place)
		b.WriteString("街道")
	}
	if collective {
		fmt.Fprintf(&b, "%s%d号楼", pick(rng, collectiveNames), 1+rng.IntN(12))
		if st.town {
			return b.String(), "121"
		}
		return b.String(), "111"
	}
	x := rng.IntN(100)
	switch {
	case !st.town:
		fmt.Fprintf(&b, "%s%d号楼%d单元%d%02d", pick(rng, compounds), 1+rng.IntN(30), 1+rng.IntN(6), 1+rng.IntN(18), 1+rng.IntN(4))
		if x < 85 {
			return b.String(), "111"
		}
		return b.String(), "112"
	case st.seat && x < 70 || !st.seat && x < 15:
		fmt.Fprintf(&b, "%s%d号楼%d单元%d%02d", pick(rng, compounds), 1+rng.IntN(20), 1+rng.IntN(4), 1+rng.IntN(7), 1+rng.IntN(3))
		return b.String(), "121"
	case x < 30:
		fmt.Fprintf(&b, "%s街%d号", pick(rng, urbanPlaces), 1+rng.IntN(200))
		if st.seat {
			return b.String(), "122"
		}
		return b.String(), "210"
	default:
		fmt.Fprintf(&b, "%s村%s组%d号", pick(rng, villages), pick(rng, groupNumerals), 1+rng.IntN(120))
		return b.String(), "220"
	}
}

// --- households -------------------------------------------------------------

// headAgeCum is the cumulative distribution of household heads' ages in
// 5-year bands from 18 (weights per band, 18–22, 23–27, …).
var headAgeCum = cumulate([]int{2, 6, 10, 11, 10, 11, 13, 13, 11, 9, 7, 5, 3, 1, 1})

func headAge(rng *rand.Rand) int {
	return min(100, 18+5*pickCum(rng, headAgeCum)+rng.IntN(5))
}

func (g *Generator) family(rng *rand.Rand) []member {
	ms := g.scratch[:0]
	defer func() { g.scratch = ms[:0] }()
	p := g.plan
	age := headAge(rng)
	x := rng.IntN(100)
	var withSpouse bool
	switch {
	case x < 16: // one person
	case x < 38: // couple
		withSpouse = true
	default:
		withSpouse = rng.IntN(100) < 88
	}
	maleHead := rng.IntN(100) < 50
	if withSpouse {
		maleHead = rng.IntN(100) < 78
	}
	eth := pickWeighted(rng, p.ethnic, p.ethnicCum)
	head := member{relation: "02", male: maleHead, age: age, surname: pickSurname(rng), ethnicity: eth}
	ms = append(ms, head)
	father, mother := head, member{}
	if withSpouse {
		sp := member{male: !maleHead, surname: pickSurname(rng), ethnicity: eth}
		if rng.IntN(100) < 15 {
			sp.ethnicity = pickWeighted(rng, p.ethnic, p.ethnicCum)
		}
		d := rng.IntN(8) - 2 // husbands are usually a little older
		if maleHead {
			sp.age, sp.relation = clampAge(age-d), "12"
		} else {
			sp.age, sp.relation = clampAge(age+d), "11"
		}
		if rng.IntN(100) < 10 {
			sp.relation = "10"
		}
		ms = append(ms, sp)
		if maleHead {
			mother = sp
		} else {
			father, mother = sp, head
		}
	} else if !maleHead {
		father, mother = member{surname: pickSurname(rng), ethnicity: eth}, head
	}
	if x < 38 {
		return ms
	}
	// Children, then possibly the head's parents or grandchildren.
	kids := 1
	switch y := rng.IntN(100); {
	case y >= 92 || age > 55 && y >= 70:
		kids = 3
	case y >= 60:
		kids = 2
	}
	parentAt := 22 + rng.IntN(12)
	var sons, daughters []int
	for i := 0; i < kids && age-parentAt >= 0; i++ {
		c := member{male: rng.IntN(100) < 52, age: age - parentAt, ethnicity: childEthnicity(rng, father, mother)}
		c.surname = father.surname
		if father.surname == "" || rng.IntN(100) < 4 {
			c.surname = mother.surname
		}
		if c.surname == "" {
			c.surname = head.surname
		}
		if c.male {
			sons = append(sons, len(ms))
		} else {
			daughters = append(daughters, len(ms))
		}
		ms = append(ms, c)
		parentAt += 2 + rng.IntN(5)
	}
	generic := rng.IntN(100) < 20
	only := len(sons)+len(daughters) == 1
	for i, k := range sons {
		ms[k].relation = childRelation(generic, only, i, "20", "21", "22")
	}
	for i, k := range daughters {
		ms[k].relation = childRelation(generic, only, i, "30", "31", "32")
	}
	z := rng.IntN(100)
	switch {
	case z < 22 && age <= 62: // the head's parent(s) live with the family
		pa := clampAge(age + 22 + rng.IntN(12))
		if pa < 100 {
			if rng.IntN(100) < 60 {
				ms = append(ms, member{relation: "51", male: true, age: pa, surname: head.surname, ethnicity: head.ethnicity})
			}
			if rng.IntN(100) < 80 && len(ms) < 6 {
				ms = append(ms, member{relation: "52", age: pa - rng.IntN(4), surname: pickSurname(rng), ethnicity: head.ethnicity})
			}
		}
	case z < 45 && len(ms) > 1 && age >= 45: // three generations
		k := len(ms) - 1 // the eldest child is the first one; take the youngest's place in the line
		if k >= 1 && ms[k].age >= 22 {
			c := ms[k]
			inLaw := member{male: !c.male, age: clampAge(c.age + rng.IntN(5) - 2), surname: pickSurname(rng), ethnicity: pickWeighted(rng, p.ethnic, p.ethnicCum)}
			gcSurname := c.surname
			grandSon, grandDaughter := "41", "42"
			if c.male {
				inLaw.relation = "38"
			} else {
				inLaw.relation, gcSurname = "28", inLaw.surname
				grandSon, grandDaughter = "43", "44"
			}
			if len(ms) < 6 {
				ms = append(ms, inLaw)
			}
			for n := 1 + rng.IntN(2); n > 0 && len(ms) < 6 && c.age >= 22; n-- {
				gc := member{male: rng.IntN(100) < 52, age: max(0, c.age-22-rng.IntN(12)), surname: gcSurname, ethnicity: c.ethnicity}
				gc.relation = grandDaughter
				if gc.male {
					gc.relation = grandSon
				}
				if rng.IntN(100) < 15 {
					gc.relation = "40"
				}
				ms = append(ms, gc)
			}
		}
	}
	if len(ms) > 6 {
		ms = ms[:6]
	}
	return ms
}

func childRelation(generic, only bool, i int, genericCode, onlyCode, firstCode string) string {
	switch {
	case generic:
		return genericCode
	case only:
		return onlyCode
	default:
		return firstCode[:1] + string(rune(firstCode[1]+byte(min(i, 4))))
	}
}

func childEthnicity(rng *rand.Rand, father, mother member) string {
	f, m := father.ethnicity, mother.ethnicity
	switch {
	case f == "" || f == m:
		return m
	case m == "":
		return f
	case f == "01": // a child of a mixed marriage usually takes the minority
		if rng.IntN(100) < 75 {
			return m
		}
		return f
	case m == "01":
		if rng.IntN(100) < 75 {
			return f
		}
		return m
	default:
		return f
	}
}

func (g *Generator) collective(rng *rand.Rand) []member {
	ms := g.scratch[:0]
	defer func() { g.scratch = ms[:0] }()
	n := 2 + rng.IntN(15)
	for i := 0; i < n; i++ {
		ms = append(ms, member{
			relation:  "99",
			male:      rng.IntN(100) < 55,
			age:       18 + rng.IntN(50),
			surname:   pickSurname(rng),
			ethnicity: pickWeighted(rng, g.plan.ethnic, g.plan.ethnicCum),
		})
	}
	return ms
}

func clampAge(a int) int { return min(100, max(18, a)) }

// --- names ----------------------------------------------------------------

type weighted struct {
	s string
	w int
}

var surnameCum = func() []int {
	ws := make([]int, len(surnames))
	for i, s := range surnames {
		ws[i] = s.w
	}
	return cumulate(ws)
}()

func pickSurname(rng *rand.Rand) string {
	return surnames[pickCum(rng, surnameCum)].s
}

// eraPools are eras with their character pools split into strings.
var eraPools = func() [][2]charPool {
	out := make([][2]charPool, len(eras))
	for i, e := range eras {
		out[i] = [2]charPool{newCharPool(e.Male), newCharPool(e.Female)}
	}
	return out
}()

type charPool struct {
	whole       []string
	first, last []string
}

func newCharPool(p nameParts) charPool {
	split := func(s string) []string {
		var out []string
		for _, r := range s {
			out = append(out, string(r))
		}
		return out
	}
	return charPool{whole: p.Whole, first: split(p.First), last: split(p.Last)}
}

func (g *Generator) givenName(rng *rand.Rand, year int, male bool) string {
	ei := 0
	for eras[ei].Until < year {
		ei++
	}
	sex := 1
	if male {
		sex = 0
	}
	pool := &eraPools[ei][sex]
	var name string
	switch x := rng.IntN(100); {
	case x < eras[ei].SingleShare:
		name = pick(rng, pool.last)
	case x < eras[ei].SingleShare+(100-eras[ei].SingleShare)*3/10:
		name = pick(rng, pool.whole)
	default:
		name = pick(rng, pool.first) + pick(rng, pool.last)
	}
	if g.rareOne > 0 && rng.IntN(g.rareOne) == 0 {
		// Replace the last character of the given name with a rare one.
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size] + pick(rng, rareChars)
		if utf8.RuneCountInString(name) == 1 && rng.IntN(2) == 0 {
			name = pick(rng, pool.first) + name
		}
	}
	return name
}

// --- ethnicities ------------------------------------------------------------

// ethnicities returns the GB/T 3304 ethnicity codes of a province's register
// with weights in tenths of a percent (census shares, rounded).
func ethnicities(province string) []weighted {
	switch province {
	case "21": // Liaoning: 汉 01, 满 11, 蒙古 02, 回 03, 朝鲜 10, 锡伯 38
		return []weighted{{"01", 840}, {"11", 128}, {"02", 16}, {"03", 6}, {"10", 6}, {"38", 3}}
	case "13": // Hebei: 汉, 满, 回, 蒙古
		return []weighted{{"01", 958}, {"11", 29}, {"03", 8}, {"02", 5}}
	case "51": // Sichuan: 汉, 彝 07, 藏 04, 羌 33, 回
		return []weighted{{"01", 940}, {"07", 30}, {"04", 20}, {"33", 5}, {"03", 5}}
	case "44": // Guangdong: 汉, 壮 08, 瑶 13, 土家 15
		return []weighted{{"01", 980}, {"08", 10}, {"13", 5}, {"15", 5}}
	default:
		return []weighted{{"01", 1000}}
	}
}

// --- helpers ----------------------------------------------------------------

func cumulate(ws []int) []int {
	out := make([]int, len(ws))
	sum := 0
	for i, w := range ws {
		sum += w
		out[i] = sum
	}
	return out
}

func last(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

// pickCum returns an index drawn with the weights whose running sums are cum.
func pickCum(rng *rand.Rand, cum []int) int {
	x := rng.IntN(cum[len(cum)-1])
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func pickWeighted(rng *rand.Rand, ws []weighted, cum []int) string {
	return ws[pickCum(rng, cum)].s
}

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

func shuffled(rng *rand.Rand, xs []string) []string {
	out := append([]string(nil), xs...)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// shortName drops the 区/县/市 suffix of a county name ("兴隆台区" → "兴隆台");
// one-character stems keep the suffix ("赵县").
func shortName(name string) string {
	for _, suf := range []string{"区", "县", "市"} {
		if s, ok := strings.CutSuffix(name, suf); ok && utf8.RuneCountInString(s) >= 2 {
			return s
		}
	}
	return name
}
