package domain_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// archiveOp is one operation of archive management.
type archiveOp string

const (
	opChangeMaterial archiveOp = "ChangeMaterial" // 1.4.6
	opReplaceImage   archiveOp = "ReplaceImage"   // 1.4.6
	opDelete         archiveOp = "Delete"         // 1.4.7
	opRestore        archiveOp = "Restore"        // 1.4.7
	opSetRestriction archiveOp = "SetRestriction" // 1.4.19
)

// TestArchiveRestrictions is the table of every restriction flag (1.4.19)
// against every management operation and every role, on both databases,
// in a case open for capture (DRAFT) and in a submitted one, whose archives
// are frozen for everyone but archivists and administrators. Each cell
// checks the answer, that a refusal changed nothing (row and history), and
// that an accepted change is in the case's history under its action.
func TestArchiveRestrictions(t *testing.T) {
	t.Parallel()
	flags := []domain.ArchiveRestriction{domain.RestrictionNone, domain.RestrictionNoDelete, domain.RestrictionNoModify, domain.RestrictionNoDeleteNoModify}
	ops := []archiveOp{opChangeMaterial, opReplaceImage, opDelete, opRestore, opSetRestriction}
	roles := []domain.Role{domain.RoleClerk, domain.RoleOfficer, domain.RoleApprover, domain.RoleArchivist, domain.RoleAnalyst, domain.RoleAdmin, domain.RoleIntegrator}
	writers := []domain.Role{domain.RoleClerk, domain.RoleOfficer, domain.RoleArchivist, domain.RoleAdmin}
	keepers := []domain.Role{domain.RoleArchivist, domain.RoleAdmin}

	// want is the rule under test, written out: "" for success, else the
	// error's reason (a role refusal has code FORBIDDEN and reason "").
	want := func(flag domain.ArchiveRestriction, op archiveOp, role domain.Role, frozen bool) (domain.Code, string) {
		switch {
		case op == opSetRestriction && !slices.Contains(keepers, role), !slices.Contains(writers, role):
			return domain.CodeForbidden, ""
		case frozen && !slices.Contains(keepers, role):
			return domain.CodeInvalidTransition, "archive.case_frozen"
		case op == opDelete && !flag.AllowsDelete():
			return domain.CodeForbidden, "archive.restricted"
		case (op == opChangeMaterial || op == opReplaceImage || op == opRestore) && !flag.AllowsModify():
			return domain.CodeForbidden, "archive.restricted"
		}
		return "", ""
	}
	action := map[archiveOp]domain.Action{opChangeMaterial: domain.ActionModifyArchive, opReplaceImage: domain.ActionModifyArchive,
		opDelete: domain.ActionDeleteArchive, opRestore: domain.ActionRestoreArchive, opSetRestriction: domain.ActionSetArchiveRestriction}

	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := newArchiveFixture(t, db, 0)
		ctx := context.Background()
		img := pngImage(t, 40, 30)
		replacement := pngImage(t, 41, 30)
		type cell struct {
			flag domain.ArchiveRestriction
			op   archiveOp
			role domain.Role
			a    *domain.CaseFile
		}
		for _, frozen := range []bool{false, true} {
			caseID := createBirthCase(t, db, archStation)
			// A fresh archive per cell, captured while the case is open and
			// flagged by an administrator (deleted first for a restore).
			var cells []*cell
			for _, flag := range flags {
				for _, op := range ops {
					for _, role := range roles {
						a, err := f.svc.Upload(f.clerk, caseID, "BIRTH_CERT", fmt.Sprintf("cell-%d.png", len(cells)), "image/png", bytes.NewReader(img))
						require.NoError(t, err)
						if op == opRestore {
							a, err = f.svc.Delete(f.clerk, a.ID, a.Version, "为恢复而删除")
							require.NoError(t, err)
						}
						if flag != domain.RestrictionNone {
							a, err = f.svc.SetRestriction(f.admin, a.ID, a.Version, flag)
							require.NoError(t, err)
						}
						cells = append(cells, &cell{flag: flag, op: op, role: role, a: a})
					}
				}
			}
			if frozen {
				c, err := db.Cases().FindCaseByID(ctx, caseID)
				require.NoError(t, err)
				c.Status = domain.StatusSubmitted
				require.NoError(t, db.Cases().UpdateCase(ctx, c))
			}
			for _, cl := range cells {
				flag, op, role, a := cl.flag, cl.op, cl.role, cl.a
				before, err := db.Cases().FindCaseActions(ctx, caseID)
				require.NoError(t, err)

				office, level := archStation, domain.OfficePoliceStation
				if role == domain.RoleAdmin {
					office, level = archCity, domain.OfficeCityBureau
				}
				actor := actorAt(office, level, "u-"+string(role), role)
				var got *domain.CaseFile
				switch op {
				case opChangeMaterial:
					got, err = f.svc.Modify(actor, a.ID, a.Version, "PARENT_ID")
				case opReplaceImage:
					got, err = f.svc.Modify(actor, a.ID, a.Version, "", domain.ArchiveUpload{Name: "重拍.png", ContentType: "image/png", Content: bytes.NewReader(replacement)})
				case opDelete:
					got, err = f.svc.Delete(actor, a.ID, a.Version, "重复拍摄")
				case opRestore:
					got, err = f.svc.Restore(actor, a.ID, a.Version, "误删")
				case opSetRestriction:
					to := domain.RestrictionNoDeleteNoModify
					if flag == to {
						to = domain.RestrictionNone
					}
					got, err = f.svc.SetRestriction(actor, a.ID, a.Version, to)
				}
				name := fmt.Sprintf("frozen=%v %s %s %s", frozen, flag, op, role)
				code, reason := want(flag, op, role, frozen)
				after, ferr := db.Cases().FindCaseActions(ctx, caseID)
				require.NoError(t, ferr)
				row, ferr := db.Files().FindCaseFileByID(ctx, a.ID)
				require.NoError(t, ferr)
				if code != "" {
					requireCode(t, err, code, "", reason)
					require.Len(t, after, len(before), "%s: a refusal writes no history", name)
					require.Equal(t, a.Version, row.Version, "%s: a refusal changes nothing", name)
					continue
				}
				require.NoError(t, err, name)
				require.Equal(t, a.Version+1, row.Version, name)
				require.Equal(t, got.Version, row.Version, name)
				require.Len(t, after, len(before)+1, "%s: the change is in the case's history", name)
				last := after[len(after)-1]
				require.Equal(t, action[op], last.Action, name)
				require.Equal(t, last.From, last.To, "%s: no status change", name)
				switch op {
				case opChangeMaterial:
					require.Equal(t, "PARENT_ID", row.MaterialCode, name)
					require.Contains(t, last.Note, "材料类型 出生医学证明 → ", "%s: the history names the materials", name)
					require.NotContains(t, last.Note, "PARENT_ID", name)
				case opReplaceImage:
					require.Equal(t, keyOf(replacement), row.BlobKey, name)
					versions, err := db.Files().FindCaseFileVersions(ctx, a.ID)
					require.NoError(t, err)
					require.Len(t, versions, 1, name)
					require.Equal(t, a.BlobKey, versions[0].BlobKey, "%s: the replaced image is kept", name)
				case opDelete:
					require.False(t, row.Valid, name)
					require.Equal(t, "重复拍摄", row.DeleteReason, name)
					require.Contains(t, last.Note, "重复拍摄", name)
				case opRestore:
					require.True(t, row.Valid, name)
					require.Empty(t, row.DeleteReason, name)
				case opSetRestriction:
					require.NotEqual(t, flag, row.Restriction, name)
				}
			}
		}
	})
}

// TestArchiveManagement_Rules covers the rest of 1.4.6/1.4.7: a deletion
// needs its reason, a restore a deleted archive, a change something to
// change; archivists and administrators open deleted archives, clerks do
// not.
func TestArchiveManagement_Rules(t *testing.T) {
	t.Parallel()
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := newArchiveFixture(t, db, 0)
		a, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "a.png", "image/png", bytes.NewReader(pngImage(t, 20, 20)))
		require.NoError(t, err)
		_, err = f.svc.Delete(f.clerk, a.ID, a.Version, "  ")
		requireCode(t, err, domain.CodeInvalid, "reason", "archive.reason_required")
		_, err = f.svc.Delete(f.clerk, a.ID, a.Version, string(bytes.Repeat([]byte("长"), domain.MaxDeleteReason+1)))
		requireCode(t, err, domain.CodeInvalid, "reason", "archive.reason")
		_, err = f.svc.Restore(f.clerk, a.ID, a.Version, "")
		requireCode(t, err, domain.CodeInvalid, "", "archive.not_deleted")
		_, err = f.svc.Modify(f.clerk, a.ID, a.Version, "BIRTH_CERT")
		requireCode(t, err, domain.CodeInvalid, "materialCode", "archive.no_change")
		_, err = f.svc.SetRestriction(f.archivst, a.ID, a.Version, domain.RestrictionNone)
		requireCode(t, err, domain.CodeInvalid, "restriction", "archive.no_change")

		d, err := f.svc.Delete(f.clerk, a.ID, a.Version, "重复")
		require.NoError(t, err)
		_, err = f.svc.Delete(f.clerk, a.ID, d.Version, "重复")
		requireCode(t, err, domain.CodeNotFound, "", "")
		_, _, err = f.svc.Open(f.clerk, a.ID)
		requireCode(t, err, domain.CodeNotFound, "", "")
		rc, _, err := f.svc.Open(f.archivst, a.ID)
		require.NoError(t, err, "an archivist opens a deleted archive")
		rc.Close()
		_, err = f.svc.Restore(f.clerk, a.ID, a.Version, "")
		requireCode(t, err, domain.CodeConflict, "", "archive.stale")
		r, err := f.svc.Restore(f.clerk, a.ID, d.Version, "")
		require.NoError(t, err)
		require.True(t, r.Valid)
		_, err = f.svc.Restore(f.other, a.ID, r.Version, "")
		requireCode(t, err, domain.CodeNotFound, "", "")
	})
}
