package ministry_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/idnumber"
	"hukou/domain/population"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/ministry"
	"hukou/integrations/ministry/ministrysim"
)

// TestMain checks, after a full run, that every operation of the contract
// had at least one 2xx answer validated against openapi.yaml.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		ops := []string{"serviceAvailability", "householdByIDNumber", "urbanRuralClass", "birthCertificate",
			"birthRegistrationHistory", "birthCertificateUsage", "recordBirthCertificateUsage", "offsiteIDEligibility", "idCardHistory",
			"materialsList", "verifyHouseholdInfo", "requestMigrationCertificate", "migrationCertificate"}
		for _, op := range ops {
			if validated.ops[op+" 200"] == 0 {
				fmt.Fprintf(os.Stderr, "no 200 answer of %s was validated against openapi.yaml\n", op)
				code = 1
			}
		}
		for _, status := range []string{"400", "404", "409", "503"} {
			n := 0
			for k, v := range validated.ops {
				if strings.HasSuffix(k, " "+status) {
					n += v
				}
			}
			if n == 0 {
				fmt.Fprintf(os.Stderr, "no %s answer was validated against openapi.yaml\n", status)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// defaultSim is the simulator with the default national population, shared
// by the tests (it injects no faults; a test that records a certificate's
// usage uses a certificate no other test reads).
var defaultSim = sync.OnceValues(func() (*ministrysim.Simulator, error) {
	return ministrysim.New(ministrysim.Config{})
})

type testBundle struct {
	client *ministry.Client
	sim    *ministrysim.Simulator
	server *httptest.Server
}

// setup serves sim (the shared default one when nil) over real HTTP and
// returns a client whose every exchange is validated against openapi.yaml.
func setup(t *testing.T, sim *ministrysim.Simulator, cfg httpclient.Config) *testBundle {
	t.Helper()
	if sim == nil {
		var err error
		sim, err = defaultSim()
		require.NoError(t, err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + "/v1"
	cfg.HTTP = &http.Client{Transport: newValidatingTransport(t, cfg.BaseURL)}
	if cfg.BaseBackoff == 0 {
		cfg.BaseBackoff = time.Millisecond
	}
	return &testBundle{client: ministry.New(cfg), sim: sim, server: srv}
}

// smallSim is a simulator of a small Panjin population with its own fault
// injector, for tests that inject faults.
func smallSim(t *testing.T) *ministrysim.Simulator {
	t.Helper()
	sim, err := ministrysim.New(ministrysim.Config{
		Populations: []population.Config{{Seed: 1, Division: "211100", Residents: 300}},
		Faults:      fault.New(7),
	})
	require.NoError(t, err)
	return sim
}

func requireCode(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	require.Error(t, err)
	var de *domain.Error
	require.True(t, errors.As(err, &de), "want a *domain.Error, got %T: %v", err, err)
	require.Equal(t, code, de.Code, "%v", err)
	return de
}

// firstPanjinHousehold returns the first generated Panjin family household
// with at least three members, from the generator itself.
func firstPanjinHousehold(t *testing.T) population.Household {
	t.Helper()
	for h, err := range population.All(population.Config{Seed: 1, Division: "211100", Residents: 5000}) {
		require.NoError(t, err)
		if h.Household.Type == domain.HouseholdFamily && len(h.Members) >= 3 {
			return population.Household{Household: h.Household, Address: h.Address, Members: slices.Clone(h.Members)}
		}
	}
	t.Fatal("no family household")
	return population.Household{}
}

func TestClient_ServiceAvailability(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	t.Run("OK", func(t *testing.T) {
		for _, k := range ministry.Businesses {
			open, err := b.client.ServiceAvailability(ctx, "21", k)
			require.NoError(t, err)
			require.True(t, open, k)
		}
		open, err := b.client.ServiceAvailability(ctx, ministrysim.ClosedProvince, ministry.BusinessBirth)
		require.NoError(t, err)
		require.True(t, open)
	})
	t.Run("Closed", func(t *testing.T) {
		open, err := b.client.ServiceAvailability(ctx, ministrysim.ClosedProvince, ministrysim.ClosedBusiness)
		require.NoError(t, err)
		require.False(t, open)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.ServiceAvailability(ctx, "99", ministry.BusinessBirth)
		require.Equal(t, "province", requireCode(t, err, domain.CodeInvalid).Field)
		_, err = b.client.ServiceAvailability(ctx, "21", "PARKING")
		requireCode(t, err, domain.CodeInvalid)
	})
}

func TestClient_HouseholdByIDNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	t.Run("OK", func(t *testing.T) {
		want := firstPanjinHousehold(t)
		asked := want.Members[1]
		got, err := b.client.HouseholdByIDNumber(ctx, asked.IDNumber)
		require.NoError(t, err)
		require.Equal(t, asked.IDNumber, got.Person.IDNumber)
		require.Equal(t, asked.Name, got.Person.Name)
		require.Equal(t, want.Household.Number, got.Number)
		require.Equal(t, want.Household.Type, got.Type)
		require.Equal(t, want.Address.Detail, got.Address)
		require.Equal(t, want.Address.Division, got.Division)
		require.Equal(t, want.Address.UrbanRural, got.UrbanRural)
		require.Equal(t, want.Household.StationCode, got.OfficeCode)
		require.Len(t, got.Members, len(want.Members))
		require.Equal(t, "02", got.Members[0].Relation)
	})
	t.Run("Scripted", func(t *testing.T) {
		got, err := b.client.HouseholdByIDNumber(ctx, ministrysim.ScriptedChildIDNumber)
		require.NoError(t, err)
		require.Equal(t, ministrysim.ScriptedHouseholdNumber, got.Number)
		require.Equal(t, ministrysim.ScriptedOfficeCode, got.OfficeCode)
		require.Equal(t, ministrysim.NotEligibleIDNumber, got.Members[0].IDNumber)
		require.Equal(t, time.Date(2015, 9, 1, 0, 0, 0, 0, time.UTC), got.Person.BirthDate)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := b.client.HouseholdByIDNumber(ctx, ministrysim.NoResultIDNumber)
		requireCode(t, err, domain.CodeNotFound)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.HouseholdByIDNumber(ctx, "110101199001011230") // wrong check digit
		de := requireCode(t, err, domain.CodeInvalid)
		require.Equal(t, "idNumber", de.Field)
		require.Equal(t, "id_number.check_digit", de.Reason)
	})
}

func TestClient_UrbanRuralClass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	t.Run("OK", func(t *testing.T) {
		h := firstPanjinHousehold(t)
		class, err := b.client.UrbanRuralClass(ctx, h.Address.Division, h.Address.Detail)
		require.NoError(t, err)
		require.Equal(t, h.Address.UrbanRural, class)

		class, err = b.client.UrbanRuralClass(ctx, "211122", "盘山县某某镇某某村三组5号")
		require.NoError(t, err)
		require.Equal(t, "220", class)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.UrbanRuralClass(ctx, "219999", "")
		require.Equal(t, "division", requireCode(t, err, domain.CodeInvalid).Field)
	})
}

func TestClient_BirthCertificate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	t.Run("OK", func(t *testing.T) {
		c, err := b.client.BirthCertificate(ctx, ministrysim.FreeBirthCertificateNumber)
		require.NoError(t, err)
		require.Equal(t, ministrysim.FreeBirthCertificateNumber, c.Number)
		require.NotEmpty(t, c.Name)
		require.Contains(t, []string{"1", "2"}, c.Sex)
		require.True(t, c.BirthTime.Before(population.RefDate), c.BirthTime)
		require.False(t, c.IssuedOn.IsZero())
		// The parents are a real couple of one Hebei household.
		mother, err := b.client.HouseholdByIDNumber(ctx, c.MotherIDNumber)
		require.NoError(t, err)
		require.Equal(t, c.MotherName, mother.Person.Name)
		require.Equal(t, "2", mother.Person.Sex)
		require.True(t, strings.HasPrefix(mother.OfficeCode, "13"), mother.OfficeCode)
		father, err := b.client.HouseholdByIDNumber(ctx, c.FatherIDNumber)
		require.NoError(t, err)
		require.Equal(t, mother.Number, father.Number)
		require.True(t, strings.HasPrefix(c.Name, string([]rune(c.FatherName)[:1])))

		c, err = b.client.BirthCertificate(ctx, ministrysim.PanjinBirthCertificateNumber)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(c.BirthplaceDivision, "2111"), c.BirthplaceDivision)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := b.client.BirthCertificate(ctx, ministrysim.UnknownBirthCertificateNumber)
		requireCode(t, err, domain.CodeNotFound)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.BirthCertificate(ctx, "12345")
		require.Equal(t, "certNo", requireCode(t, err, domain.CodeInvalid).Field)
		_, err = b.client.BirthCertificate(ctx, " ")
		requireCode(t, err, domain.CodeInvalid)
	})
}

func TestClient_BirthRegistrationHistoryAndUsage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	t.Run("Unused", func(t *testing.T) {
		recs, err := b.client.BirthRegistrationHistory(ctx, ministrysim.FreeBirthCertificateNumber)
		require.NoError(t, err)
		require.Empty(t, recs)
		u, err := b.client.BirthCertificateUsage(ctx, ministrysim.FreeBirthCertificateNumber)
		require.NoError(t, err)
		require.Equal(t, &birth.CertificateUsage{CertificateNumber: ministrysim.FreeBirthCertificateNumber}, u)
	})
	t.Run("Used", func(t *testing.T) {
		c, err := b.client.BirthCertificate(ctx, ministrysim.UsedBirthCertificateNumber)
		require.NoError(t, err)
		recs, err := b.client.BirthRegistrationHistory(ctx, ministrysim.UsedBirthCertificateNumber)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		r := recs[0]
		require.Equal(t, c.Name, r.Name)
		require.Len(t, r.OfficeCode, 12)
		require.True(t, r.RegisteredAt.After(c.BirthTime))
		_, err = domain.ValidateIDNumber("idNumber", r.IDNumber, time.Now())
		require.NoError(t, err)

		u, err := b.client.BirthCertificateUsage(ctx, ministrysim.UsedBirthCertificateNumber)
		require.NoError(t, err)
		require.True(t, u.Used)
		require.Equal(t, r.OfficeCode, u.OfficeCode)
		require.True(t, r.RegisteredAt.Equal(u.UsedAt))
		require.Equal(t, r.IDNumber, u.IDNumber)
		require.Equal(t, r.Name, u.Name)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := b.client.BirthRegistrationHistory(ctx, ministrysim.UnknownBirthCertificateNumber)
		requireCode(t, err, domain.CodeNotFound)
		_, err = b.client.BirthCertificateUsage(ctx, ministrysim.UnknownBirthCertificateNumber)
		requireCode(t, err, domain.CodeNotFound)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.BirthCertificateUsage(ctx, "m13000000x")
		requireCode(t, err, domain.CodeInvalid)
		_, err = b.client.BirthRegistrationHistory(ctx, "")
		requireCode(t, err, domain.CodeInvalid)
	})
}

func TestClient_OffsiteIDEligibility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	for _, tt := range []struct {
		name     string
		idNumber string
		kind     domain.IDCardApplicationKind
		reason   string // "" for eligible
	}{
		{"NotEligible", ministrysim.NotEligibleIDNumber, domain.IDCardRenewal, ministrysim.ReasonCaseInProgress},
		{"RenewalOK", ministrysim.ScriptedSpouseIDNumber, domain.IDCardRenewal, ""},
		{"ReplacementOK", ministrysim.ScriptedSpouseIDNumber, domain.IDCardReplacement, ""},
		{"FirstAlreadyIssued", ministrysim.ScriptedSpouseIDNumber, domain.IDCardFirst, ministrysim.ReasonAlreadyIssued},
		{"FirstOK", ministrysim.ScriptedChildIDNumber, domain.IDCardFirst, ""},
		{"RenewalNoneIssued", ministrysim.ScriptedChildIDNumber, domain.IDCardRenewal, ministrysim.ReasonNoneIssued},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := b.client.OffsiteIDEligibility(ctx, tt.idNumber, tt.kind)
			require.NoError(t, err)
			require.Equal(t, tt.reason == "", e.Eligible)
			require.Equal(t, tt.reason, e.Reason)
			if !e.Eligible {
				require.NotEmpty(t, e.Message)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := b.client.OffsiteIDEligibility(ctx, ministrysim.NoResultIDNumber, domain.IDCardFirst)
		requireCode(t, err, domain.CodeNotFound)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.OffsiteIDEligibility(ctx, ministrysim.ScriptedSpouseIDNumber, "LOST")
		require.Equal(t, "kind", requireCode(t, err, domain.CodeInvalid).Field)
		_, err = b.client.OffsiteIDEligibility(ctx, "1234", domain.IDCardFirst)
		require.Equal(t, "idNumber", requireCode(t, err, domain.CodeInvalid).Field)
	})
}

func TestClient_IDCardHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	t.Run("OK", func(t *testing.T) {
		recs, err := b.client.IDCardHistory(ctx, ministrysim.NotEligibleIDNumber)
		require.NoError(t, err)
		var kinds, statuses []string
		for _, r := range recs {
			kinds, statuses = append(kinds, string(r.Kind)), append(statuses, r.Status)
		}
		// Born 1985-03-12: first card at 16 (10 years), renewed at 26 (20
		// years), and a replacement in production elsewhere.
		require.Equal(t, []string{"FIRST", "RENEWAL", "REPLACEMENT"}, kinds)
		require.Equal(t, []string{"EXPIRED", "ISSUED", "IN_PRODUCTION"}, statuses)
		require.Equal(t, time.Date(2001, 3, 12, 0, 0, 0, 0, time.UTC), recs[0].IssuedOn)
		require.Equal(t, time.Date(2031, 3, 12, 0, 0, 0, 0, time.UTC), recs[1].ValidUntil)
		require.True(t, recs[2].IssuedOn.IsZero())

		recs, err = b.client.IDCardHistory(ctx, ministrysim.ScriptedChildIDNumber)
		require.NoError(t, err)
		require.Empty(t, recs)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := b.client.IDCardHistory(ctx, ministrysim.NoResultIDNumber)
		requireCode(t, err, domain.CodeNotFound)
	})
}

func TestClient_MaterialsList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})

	codes := func(ms []domain.Material) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Code)
		}
		return out
	}
	t.Run("OK", func(t *testing.T) {
		hebei, err := b.client.MaterialsList(ctx, ministry.BusinessBirth, "13", "")
		require.NoError(t, err)
		liaoning, err := b.client.MaterialsList(ctx, ministry.BusinessBirth, "21", "")
		require.NoError(t, err)
		require.Contains(t, codes(hebei), "BIRTH_APPLICATION")
		require.NotContains(t, codes(liaoning), "BIRTH_APPLICATION")
		require.Equal(t, "BIRTH_CERT", liaoning[0].Code)
		require.True(t, liaoning[0].Required)
		require.NotEmpty(t, liaoning[0].Name)
		for _, k := range ministry.Businesses {
			ms, err := b.client.MaterialsList(ctx, k, "44", "")
			require.NoError(t, err)
			require.NotEmpty(t, ms, k)
		}
	})
	t.Run("ByType", func(t *testing.T) { // the ID card's application types (1.4.5)
		renewal, err := b.client.MaterialsList(ctx, ministry.BusinessIDCard, "13", "RENEWAL")
		require.NoError(t, err)
		replacement, err := b.client.MaterialsList(ctx, ministry.BusinessIDCard, "13", "REPLACEMENT")
		require.NoError(t, err)
		plain, err := b.client.MaterialsList(ctx, ministry.BusinessIDCard, "13", "")
		require.NoError(t, err)
		require.Contains(t, codes(renewal), "OLD_ID_CARD")
		require.NotContains(t, codes(replacement), "OLD_ID_CARD")
		require.Contains(t, codes(replacement), "LOSS_STATEMENT")
		require.Equal(t, codes(plain), codes(renewal)[:len(plain)], "the type's materials come after the kind's")
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.MaterialsList(ctx, "PARKING", "21", "")
		requireCode(t, err, domain.CodeInvalid)
		_, err = b.client.MaterialsList(ctx, ministry.BusinessBirth, "00", "")
		requireCode(t, err, domain.CodeInvalid)
	})
}

func TestClient_VerifyHouseholdInfo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	sim, err := ministrysim.New(ministrysim.Config{
		Populations: []population.Config{{Seed: 1, Division: "130100", Residents: 200}},
		Now:         func() time.Time { return now },
	})
	require.NoError(t, err)
	b := setup(t, sim, httpclient.Config{})

	t.Run("OK", func(t *testing.T) {
		v, err := b.client.VerifyHouseholdInfo(ctx, ministrysim.ScriptedSpouseIDNumber, "employment")
		require.NoError(t, err)
		require.True(t, v.Found)
		require.Equal(t, "employment", v.Purpose)
		require.True(t, now.Equal(v.VerifiedAt))
		require.Equal(t, ministrysim.ScriptedSpouseIDNumber, v.Household.Person.IDNumber)
		require.Len(t, v.Household.Members, 3)
	})
	t.Run("NoResult", func(t *testing.T) {
		v, err := b.client.VerifyHouseholdInfo(ctx, ministrysim.NoResultIDNumber, "employment")
		require.NoError(t, err)
		require.False(t, v.Found)
		require.Nil(t, v.Household)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := b.client.VerifyHouseholdInfo(ctx, ministrysim.ScriptedSpouseIDNumber, " ")
		require.Equal(t, "purpose", requireCode(t, err, domain.CodeInvalid).Field)
		_, err = b.client.VerifyHouseholdInfo(ctx, "11010119900101123", "employment")
		require.Equal(t, "idNumber", requireCode(t, err, domain.CodeInvalid).Field)
	})
}

// TestSimulator_SamePeople checks the foundation of "same seed ⇒ same
// people": the Panjin residents the Ministry answers with are exactly those
// population.Generate makes (and so `hukou seed`) for the same Config.
func TestSimulator_SamePeople(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})
	n := 0
	cfg := population.Config{Seed: 1, Division: "211100", Residents: 5000}
	for h, err := range population.All(cfg) {
		require.NoError(t, err)
		got, err := b.client.HouseholdByIDNumber(ctx, h.Members[0].IDNumber)
		require.NoError(t, err)
		require.Equal(t, h.Household.Number, got.Number)
		require.Equal(t, h.Household.StationCode, got.OfficeCode)
		require.Equal(t, h.Address.Detail, got.Address)
		require.Len(t, got.Members, len(h.Members))
		for i, m := range h.Members {
			require.Equal(t, domain.MinistryPerson{
				IDNumber: m.IDNumber, Name: m.Name, Sex: m.Sex, Ethnicity: m.Ethnicity,
				BirthDate: m.BirthDate, BirthplaceDivision: m.BirthplaceDivision,
				Relation: m.Relation, Status: m.Status,
			}, got.Members[i])
		}
		n += len(h.Members)
	}
	require.Equal(t, cfg.Residents, n)
}

func TestSimulator_ServesContractAndHealth(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, httpclient.Config{})
	for path, want := range map[string]string{"/openapi.yaml": "openapi: 3.0", "/healthz": "ok"} {
		res, err := http.Get(b.server.URL + path)
		require.NoError(t, err)
		body := make([]byte, 64)
		k, _ := res.Body.Read(body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.True(t, strings.HasPrefix(string(body[:k]), want), path)
	}
}

func TestClient_RecordBirthCertificateUsage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, nil, httpclient.Config{})
	const certNo = "M130000005" // used by no other test of the shared simulator
	c, err := b.client.BirthCertificate(ctx, certNo)
	require.NoError(t, err)
	day := c.BirthTime.In(time.FixedZone("CST", 8*3600))
	child := idnumber.Generate("130102", time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), 5)
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	u := birth.CertificateUsage{OfficeCode: "130102000100", IDNumber: child, Name: c.Name, UsedAt: at}

	t.Run("OK", func(t *testing.T) {
		require.NoError(t, b.client.RecordBirthCertificateUsage(ctx, certNo, u))
		require.NoError(t, b.client.RecordBirthCertificateUsage(ctx, certNo, u), "the same birth again changes nothing")
		got, err := b.client.BirthCertificateUsage(ctx, certNo)
		require.NoError(t, err)
		require.Equal(t, &birth.CertificateUsage{CertificateNumber: certNo, Used: true, OfficeCode: u.OfficeCode, UsedAt: at, IDNumber: child, Name: c.Name}, got)
		recs, err := b.client.BirthRegistrationHistory(ctx, certNo)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		require.Equal(t, child, recs[0].IDNumber)
	})
	t.Run("ErrAnotherChild", func(t *testing.T) {
		other := u
		other.IDNumber = idnumber.Generate("130102", time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), 7)
		de := requireCode(t, b.client.RecordBirthCertificateUsage(ctx, certNo, other), domain.CodeConflict)
		require.Equal(t, "ministry.cert_used", de.Reason)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		requireCode(t, b.client.RecordBirthCertificateUsage(ctx, ministrysim.UnknownBirthCertificateNumber, u), domain.CodeNotFound)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := u
		bad.IDNumber = "123"
		requireCode(t, b.client.RecordBirthCertificateUsage(ctx, certNo, bad), domain.CodeInvalid)
	})
}
