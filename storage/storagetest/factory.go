package storagetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hukou/domain"
)

// T0 is the fixed instant the factories stamp rows with: UTC, with the
// microsecond precision both databases keep, so a round trip is exact.
var T0 = time.Date(2026, 11, 25, 9, 30, 15, 123456000, time.UTC)

// Offices the factories use: an acceptance station in Liaoning and a
// registration station in Beijing.
const (
	AcceptanceOffice   = "211103000100"
	RegistrationOffice = "110101000100"
)

// NewCase returns an unsaved acceptance-side birth case with every field
// set (a deadline, all three JSON documents) and a unique ID and
// collaboration number; mods adjust it before it is returned.
func NewCase(mods ...func(*domain.Case)) *domain.Case {
	id := uuid.NewString()
	deadline := T0.Add(72 * time.Hour)
	c := &domain.Case{
		ID: id, Kind: "BIRTH", Side: "ACCEPTANCE",
		CollabNo: "XT" + strings.ToUpper(strings.ReplaceAll(id, "-", "")[:20]), Status: "DRAFT",
		AcceptanceOffice: AcceptanceOffice, RegistrationOffice: RegistrationOffice, RegistrationProvince: "11",
		Office:     AcceptanceOffice,
		Applicant:  json.RawMessage(`{"name": "张三", "births": [1, 2]}`),
		Ministry:   json.RawMessage(`{"checked":true}`),
		Result:     json.RawMessage(`{"decision":null}`),
		DeadlineAt: &deadline, CreatedBy: "clerk-" + id[:8], CreatedAt: T0, UpdatedAt: T0,
		People: []domain.CasePerson{},
	}
	for _, mod := range mods {
		mod(c)
	}
	return c
}

// CreateCase saves NewCase(mods...) through repos and returns it (Version 1).
func CreateCase(t testing.TB, repos domain.Repos, mods ...func(*domain.Case)) *domain.Case {
	t.Helper()
	c := NewCase(mods...)
	if err := repos.Cases().CreateCase(context.Background(), c); err != nil {
		t.Fatalf("create case: %v", err)
	}
	return c
}

// NewMessage returns an unlogged collaboration message in direction dir
// (RECEIVED when incoming, PENDING when outgoing) with every field set and a
// unique message ID; mods adjust it, then the envelope is signed with the
// sender's development key.
func NewMessage(dir domain.Direction, mods ...func(*domain.CollabMessage)) *domain.CollabMessage {
	id := uuid.NewString()
	sender, receiver, status := AcceptanceOffice, RegistrationOffice, domain.MessageStatus("PENDING")
	if dir == "IN" {
		sender, receiver, status = RegistrationOffice, AcceptanceOffice, "RECEIVED"
	}
	deadline := T0.Add(24 * time.Hour)
	m := &domain.CollabMessage{
		Direction: dir,
		Envelope: domain.Envelope{
			MessageID: "msg-" + id, CollabNo: "XT" + strings.ToUpper(strings.ReplaceAll(id, "-", "")[:20]),
			CaseKind: "BIRTH", MessageType: "APPLICATION", SenderOffice: sender, ReceiverOffice: receiver,
			SenderUser: "clerk-" + id[:8], SentAt: T0, Body: json.RawMessage(`{"name":"张三","n":1.50}`),
			Attachments: []domain.AttachmentRef{{Name: "出生医学证明.pdf", SHA256: strings.Repeat("ab", 32), Size: 1234, ContentType: "application/pdf"}},
			ReplyToHash: strings.Repeat("cd", 32), CaseSeq: 1,
		},
		Status: status, Attempts: 2, LastError: "platform answered 503", DeadlineAt: &deadline,
		CreatedAt: T0, UpdatedAt: T0,
	}
	for _, mod := range mods {
		mod(m)
	}
	keyID, priv := domain.DevKey(m.Envelope.SenderOffice)
	m.Envelope.Sign(priv, keyID)
	return m
}

// AppendMessage logs NewMessage(dir, mods...) through repos and returns it
// with Seq, PrevHash and LogHash set.
func AppendMessage(t testing.TB, repos domain.Repos, dir domain.Direction, mods ...func(*domain.CollabMessage)) *domain.CollabMessage {
	t.Helper()
	m := NewMessage(dir, mods...)
	inserted, err := repos.Collab().AppendMessage(context.Background(), m)
	if err != nil {
		t.Fatalf("append message: %v", err)
	}
	if !inserted {
		t.Fatalf("append message: %s was already logged", m.Envelope.MessageID)
	}
	return m
}

// CreateUser saves a CLERK of the acceptance office (created first if
// missing) with a unique ID and username; mods adjust it before it is saved.
func CreateUser(t testing.TB, repos domain.Repos, mods ...func(*domain.User)) *domain.User {
	t.Helper()
	ctx := context.Background()
	id := uuid.NewString()
	u := &domain.User{ID: id, Username: "user-" + id[:13], DisplayName: "李四", PasswordHash: "$2a$10$" + strings.Repeat("x", 53),
		OfficeCode: AcceptanceOffice, Roles: []domain.Role{"CLERK"}, CreatedAt: T0, UpdatedAt: T0}
	for _, mod := range mods {
		mod(u)
	}
	if _, err := repos.Offices().FindOfficeByCode(ctx, u.OfficeCode); domain.ErrorCode(err) == domain.CodeNotFound {
		o := &domain.Office{Code: u.OfficeCode, Name: "派出所 " + u.OfficeCode, Level: "POLICE_STATION", Division: u.OfficeCode[:6]}
		if err := repos.Offices().UpsertOffice(ctx, o); err != nil {
			t.Fatalf("create office: %v", err)
		}
	} else if err != nil {
		t.Fatalf("find office: %v", err)
	}
	if err := repos.Users().CreateUser(ctx, u); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}
