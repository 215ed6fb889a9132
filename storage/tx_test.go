package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

func TestDB_InTx(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()

		t.Run("Commits", func(t *testing.T) {
			var c *domain.Case
			err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				c = storagetest.CreateCase(t, tx)
				return tx.Cases().AppendCaseAction(ctx, &domain.CaseAction{ID: uuid.NewString(), CaseID: c.ID, Action: "create", To: "DRAFT", At: storagetest.T0})
			})
			require.NoError(t, err)
			_, err = db.Cases().FindCaseByID(ctx, c.ID)
			require.NoError(t, err)
			actions, err := db.Cases().FindCaseActions(ctx, c.ID)
			require.NoError(t, err)
			require.Len(t, actions, 1)
		})

		t.Run("RollsBackOnError", func(t *testing.T) {
			boom := errors.New("boom")
			var c *domain.Case
			var m *domain.CollabMessage
			err := db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
				c = storagetest.CreateCase(t, tx)
				require.NoError(t, tx.Cases().AppendCaseAction(ctx, &domain.CaseAction{ID: uuid.NewString(), CaseID: c.ID, Action: "create", To: "DRAFT", At: storagetest.T0}))
				m = storagetest.AppendMessage(t, tx, "OUT")
				_, err := tx.Cases().FindCaseByID(ctx, c.ID) // visible inside
				require.NoError(t, err)
				return boom
			})
			require.ErrorIs(t, err, boom)

			_, err = db.Cases().FindCaseByID(ctx, c.ID)
			requireCode(t, domain.CodeNotFound, err)
			actions, err := db.Cases().FindCaseActions(ctx, c.ID)
			require.NoError(t, err)
			require.Empty(t, actions)
			_, err = db.Collab().FindMessage(ctx, m.Envelope.MessageID)
			requireCode(t, domain.CodeNotFound, err)
			// The log head rolled back too: the next entry takes the same place.
			next := storagetest.AppendMessage(t, db, "OUT")
			require.Equal(t, m.Seq, next.Seq)
			require.Equal(t, m.PrevHash, next.PrevHash)
		})
	})
}
