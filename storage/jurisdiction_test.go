package storage_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// TestCollabRepository_FindMessagesByJurisdiction holds the message log's
// jurisdiction rule (CollabMessageFilter.OfficePrefix) on both databases:
// an entry is in when its sender or receiver office starts with the
// prefix, or this deployment keeps a case with its collaboration number in
// an office that does; LIKE wildcards in the prefix match nothing.
func TestCollabRepository_FindMessagesByJurisdiction(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const station, other, hebei, city = "211102000100", "211103000100", "130102000100", "211100000000"
		now := time.Now().UTC()
		c := &domain.Case{ID: uuid.NewString(), Kind: "BIRTH", Side: domain.SideAcceptance, CollabNo: "CASE1", Status: domain.StatusDraft,
			AcceptanceOffice: station, RegistrationOffice: hebei, RegistrationProvince: "13", Office: station,
			Applicant: json.RawMessage("{}"), Ministry: json.RawMessage("{}"), Result: json.RawMessage("{}"), CreatedBy: "t", CreatedAt: now, UpdatedAt: now}
		ids := map[string]string{}
		require.NoError(t, db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
			if err := tx.Cases().CreateCase(ctx, c); err != nil {
				return err
			}
			for _, m := range []struct{ name, collabNo, sender, receiver string }{
				{"sent", "X1", station, hebei},
				{"other", "X2", other, hebei},
				{"received", "CASE1", hebei, city},
				{"unknown", "X3", hebei, city},
				{"toStation", "X4", hebei, station},
			} {
				e := &domain.CollabMessage{Direction: domain.DirectionOut, Status: domain.MessageSent, CreatedAt: now, UpdatedAt: now,
					Envelope: domain.Envelope{MessageID: uuid.NewString(), CollabNo: m.collabNo, CaseKind: "BIRTH", MessageType: "T",
						SenderOffice: m.sender, ReceiverOffice: m.receiver, SentAt: now, Body: json.RawMessage("{}")}}
				if _, err := tx.Collab().AppendMessage(ctx, e); err != nil {
					return err
				}
				ids[m.name] = e.Envelope.MessageID
			}
			return nil
		}))
		find := func(f domain.CollabMessageFilter) []string {
			page, err := db.Collab().FindMessages(ctx, f, domain.Page{First: 50})
			require.NoError(t, err)
			var names []string
			for _, m := range page.Messages {
				for name, id := range ids {
					if id == m.Envelope.MessageID {
						names = append(names, name)
					}
				}
			}
			sort.Strings(names)
			return names
		}
		require.Equal(t, []string{"received", "sent", "toStation"}, find(domain.CollabMessageFilter{OfficePrefix: station}))
		require.Equal(t, []string{"received", "sent", "toStation"}, find(domain.CollabMessageFilter{OfficePrefix: "211102"}))
		require.Equal(t, []string{"other"}, find(domain.CollabMessageFilter{OfficePrefix: other}))
		require.Equal(t, []string{"other", "received", "sent", "toStation", "unknown"}, find(domain.CollabMessageFilter{OfficePrefix: "2111"}))
		require.Equal(t, []string{"other", "received", "sent", "toStation", "unknown"}, find(domain.CollabMessageFilter{}))
		require.Empty(t, find(domain.CollabMessageFilter{OfficePrefix: "2111_"}))
		require.Equal(t, []string{"sent"}, find(domain.CollabMessageFilter{OfficePrefix: station, MessageID: ids["sent"]}))
		require.Empty(t, find(domain.CollabMessageFilter{OfficePrefix: station, MessageID: ids["other"]}))
	})
}

// TestAuditRepository_FindByOfficePrefix holds AuditFilter.OfficePrefix on
// both databases: the entries of users of offices under the prefix.
func TestAuditRepository_FindByOfficePrefix(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		var entries []*domain.AuditEntry
		for _, office := range []string{"211102000100", "211102000200", "211103000100", "", "2111_2000100"} {
			entries = append(entries, &domain.AuditEntry{At: now, ActorName: "u", OfficeCode: office, Action: domain.AuditRead, Operation: "test"})
		}
		require.NoError(t, db.Audit().AppendAudit(ctx, entries...))
		find := func(prefix string) []string {
			page, err := db.Audit().FindAuditEntries(ctx, domain.AuditFilter{OfficePrefix: prefix}, domain.Page{First: 50})
			require.NoError(t, err)
			var got []string
			for _, e := range page.Entries {
				got = append(got, e.OfficeCode)
			}
			sort.Strings(got)
			return got
		}
		require.Equal(t, []string{"211102000100"}, find("211102000100"))
		require.Equal(t, []string{"211102000100", "211102000200"}, find("211102"))
		require.Equal(t, []string{"211102000100", "211102000200", "211103000100", "2111_2000100"}, find("2111"))
		require.Equal(t, []string{"2111_2000100"}, find("2111_"), "LIKE wildcards are escaped")
		require.Len(t, find(""), 5)
	})
}
