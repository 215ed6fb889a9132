package resolvers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/documents"
	"hukou/domain"
	"hukou/domain/birth"
	"hukou/domain/population"
	"hukou/resolvers"
	"hukou/storage"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery"

const testIssuer = "hukou-test"

// testBundle is a real server over a seeded real database: the handler wired
// as cmd/hukou/serve.go wires it, behind httptest.
type testBundle struct {
	db     *storage.DB
	srv    *httptest.Server
	audit  *storage.AuditWriter
	tokens *resolvers.Tokens
	res    *resolvers.Resolver
	users  *domain.UserService

	// Offices: a city bureau, two county bureaus and one station of each county.
	city, county, station, otherCounty, otherStation string

	// Users by role and place.
	clerk      *domain.User // CLERK at station
	otherClerk *domain.User // CLERK at otherStation
	officer    *domain.User // OFFICER at county
	admin      *domain.User // ADMIN at city
	analyst    *domain.User // ANALYST at city
	portal     *domain.User // INTEGRATOR at city

	// A resident of station and one of otherStation.
	resident, otherResident *domain.Resident
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

var testPopulation = population.Config{Seed: 1, Division: "211100", Residents: 2000}

// setup seeds testPopulation into db, creates the test users and starts the server.
func setup(t *testing.T, db *storage.DB) *testBundle {
	t.Helper()
	ctx := context.Background()
	offices, err := population.Offices(testPopulation)
	require.NoError(t, err)
	require.NoError(t, db.SeedOffices(ctx, offices))
	_, err = db.SeedPopulation(ctx, testPopulation, nil)
	require.NoError(t, err)

	b := &testBundle{db: db}
	var counties []string
	stationOf := map[string]string{} // county → its first station
	for _, o := range offices {
		switch o.Level {
		case domain.OfficeCityBureau:
			b.city = o.Code
		case domain.OfficeCountyBureau:
			counties = append(counties, o.Code)
		case domain.OfficePoliceStation:
			if stationOf[o.ParentCode] == "" {
				stationOf[o.ParentCode] = o.Code
			}
		}
	}
	require.GreaterOrEqual(t, len(counties), 2, "the test city needs two counties")
	b.county, b.otherCounty = counties[0], counties[1]
	b.station, b.otherStation = stationOf[b.county], stationOf[b.otherCounty]
	require.NotEmpty(t, b.station)
	require.NotEmpty(t, b.otherStation)
	b.resident = firstResident(t, db, b.station)
	b.otherResident = firstResident(t, db, b.otherStation)

	b.users = &domain.UserService{DB: db, Now: time.Now, NewID: newID, Cost: 4}
	b.clerk = b.createUser(t, "clerk", b.station, domain.RoleClerk)
	b.otherClerk = b.createUser(t, "other-clerk", b.otherStation, domain.RoleClerk)
	b.officer = b.createUser(t, "officer", b.county, domain.RoleOfficer)
	b.admin = b.createUser(t, "admin", b.city, domain.RoleAdmin)
	b.analyst = b.createUser(t, "analyst", b.city, domain.RoleAnalyst)
	b.portal = b.createUser(t, "portal", b.city, domain.RoleIntegrator)

	b.tokens, err = resolvers.NewTokens(resolvers.TokenConfig{Issuer: testIssuer, TTL: 15 * time.Minute, Secret: []byte("0123456789abcdef0123456789abcdef")})
	require.NoError(t, err)
	b.srv, b.audit, b.res = serve(t, db, b.tokens)
	return b
}

// serve wires the handler as cmd/hukou/serve.go does, for tokens.
func serve(t *testing.T, db *storage.DB, tokens *resolvers.Tokens) (*httptest.Server, *storage.AuditWriter, *resolvers.Resolver) {
	t.Helper()
	audit := storage.NewAuditWriter(db)
	auth := domain.NewAuthService(db, tokens, time.Now, newID, 24*time.Hour)
	res := &resolvers.Resolver{
		Register: domain.NewRegisterService(db, audit, time.Now),
		Auth:     auth,
		Users:    &domain.UserService{DB: db, Now: time.Now, NewID: newID, Cost: 4, Sessions: auth},
		Audit:    &domain.AuditService{DB: db},
		Queries: domain.NewQueryService(db, audit, documents.Tables{}, time.Now, newID, domain.ResidentQuerySource(),
			domain.CaseQuerySource(birth.Workflow, (*birth.Service)(nil).QueryLabel(), (*birth.Service)(nil).QueryFields())),
		Integrators: domain.NewIntegratorService(db, audit, time.Now, newID),
		Idempotency: &domain.IdempotencyService{DB: db, Now: time.Now},
	}
	res.Integrators.Cost, res.Integrators.Sessions = 4, auth
	mux := http.NewServeMux()
	mux.Handle("/graphql", resolvers.NewHandler(resolvers.Config{Resolver: res, Tokens: tokens}))
	mux.Handle("/exports/query", resolvers.NewExportHandler(res.Queries, tokens, res.Auth))
	mux.Handle("/exports/query/", resolvers.NewExportHandler(res.Queries, tokens, res.Auth))
	srv := httptest.NewServer(resolvers.SecurityHeaders(mux))
	t.Cleanup(func() { srv.Close(); audit.Close() }) // runs before the database closes
	return srv, audit, res
}

// edDSAServer is a second server over the same database whose tokens are
// EdDSA-signed; it returns the server and its public key.
func (b *testBundle) edDSAServer(t *testing.T) (*httptest.Server, *resolvers.Tokens, ed25519.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	tokens, err := resolvers.NewTokens(resolvers.TokenConfig{Issuer: testIssuer, TTL: 15 * time.Minute, PrivateKey: priv})
	require.NoError(t, err)
	srv, _, _ := serve(t, b.db, tokens)
	return srv, tokens, pub
}

func firstResident(t *testing.T, db *storage.DB, station string) *domain.Resident {
	t.Helper()
	page, err := db.Register().FindResidents(context.Background(), domain.ResidentFilter{StationCode: station}, domain.Page{First: 1})
	require.NoError(t, err)
	require.NotEmpty(t, page.Residents, "station %s has no residents", station)
	return page.Residents[0]
}

func systemCtx() context.Context {
	return domain.WithActor(context.Background(), &domain.Actor{Username: "test", System: true})
}

// createUser creates a user with testPassword as the system.
func (b *testBundle) createUser(t *testing.T, username, office string, roles ...domain.Role) *domain.User {
	t.Helper()
	u, err := b.users.CreateUser(systemCtx(), domain.NewUser{Username: username, DisplayName: username, Password: testPassword, OfficeCode: office, Roles: roles})
	require.NoError(t, err)
	return u
}

// token issues a valid access token for u.
func (b *testBundle) token(t *testing.T, u *domain.User) string {
	t.Helper()
	tok, _, err := b.tokens.IssueAccessToken(u, time.Now())
	require.NoError(t, err)
	return tok
}

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// do POSTs query with vars to b's server, with token as the bearer unless "".
func (b *testBundle) do(t *testing.T, token, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return post(t, b.srv.URL, "Bearer "+token, token == "", query, vars)
}

func post(t *testing.T, baseURL, authorization string, anonymous bool, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, baseURL+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if !anonymous {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	out.Status = resp.StatusCode
	require.Less(t, out.Status, 500, "the server must never answer 5xx; errors: %+v", out.Errors)
	return out
}

// ok requires a response without errors and decodes its data into v.
func (r gqlResponse) ok(t *testing.T, v any) {
	t.Helper()
	require.Empty(t, r.Errors)
	require.Equal(t, http.StatusOK, r.Status)
	require.NoError(t, json.Unmarshal(r.Data, v))
}

// requireError requires exactly one error with code and, when not "", field and reason.
func requireError(t *testing.T, r gqlResponse, code, field, reason string) gqlError {
	t.Helper()
	require.Len(t, r.Errors, 1, "errors: %+v", r.Errors)
	e := r.Errors[0]
	require.Equal(t, code, e.Extensions["code"], "error: %+v", e)
	if field != "" {
		require.Equal(t, field, e.Extensions["field"], "error: %+v", e)
	}
	if reason != "" {
		require.Equal(t, reason, e.Extensions["reason"], "error: %+v", e)
	}
	require.NotEmpty(t, e.Message)
	return e
}

// residentID returns the domain ID inside a Resident global ID.
func residentID(t *testing.T, gid string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	require.NoError(t, err)
	id, ok := strings.CutPrefix(string(raw), "Resident:")
	require.True(t, ok, "%q is not a Resident ID", raw)
	return id
}

// auditEntries returns the entries matching f. Nothing is flushed: a read is
// answered only after its entry is committed.
func (b *testBundle) auditEntries(t *testing.T, f domain.AuditFilter) []*domain.AuditEntry {
	t.Helper()
	page, err := b.db.Audit().FindAuditEntries(context.Background(), f, domain.Page{First: 200})
	require.NoError(t, err)
	return page.Entries
}
