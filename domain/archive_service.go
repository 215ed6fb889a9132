package domain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/disintegration/imaging"
)

// DefaultArchiveMaxSize is the archive size limit when none is configured
// (1.4.9): 10 MiB.
const DefaultArchiveMaxSize int64 = 10 << 20

// ThumbnailSize is the width and height of every archive thumbnail (1.4.18).
const ThumbnailSize = 240

// maxImagePixels bounds the pixels of an image that is decoded (for a
// thumbnail), so a small file announcing a huge canvas cannot exhaust memory.
const maxImagePixels = 60_000_000

// ArchiveContentTypes are the media types an archive may have.
var ArchiveContentTypes = []string{"image/jpeg", "image/png", "application/pdf"}

var (
	archiveWriteRoles = []Role{RoleClerk, RoleOfficer, RoleArchivist, RoleAdmin}
	archiveReadRoles  = CaseReadRoles
)

// ArchiveService keeps a case's files: the archives captured against the
// Ministry's materials list (1.4.1, 1.4.6, 1.4.7, 1.4.9, 1.4.19), their viewer
// and thumbnails (1.4.12, 1.4.18), and the documents the case generated.
// Content goes to the BlobStore first; the row that refers to it is committed
// afterwards (STYLE.md §5), so a failed commit leaves at most an orphan blob
// for the sweeper, never a row without content.
type ArchiveService struct {
	Cases    *CaseService
	Blobs    BlobStore
	Ministry Ministry
	// Searcher finds archives (Search); NewArchiveService takes it from
	// the engine's database when that implements it.
	Searcher ArchiveSearcher
	// MaxSize is the largest archive in bytes; 0 means DefaultArchiveMaxSize.
	MaxSize int64
	// PDF reads PDF files: every PDF kept is parsed first, and a PDF's
	// thumbnail shows its first page. Nil (tests of other things) keeps a
	// PDF after sniffing its type alone and previews it as a placeholder.
	PDF PDFReader

	thumbs thumbCache
}

// NewArchiveService returns an ArchiveService; maxSize 0 means
// DefaultArchiveMaxSize. It panics on a nil dependency.
func NewArchiveService(cases *CaseService, blobs BlobStore, ministry Ministry, maxSize int64) *ArchiveService {
	if cases == nil || blobs == nil || ministry == nil {
		panic("domain: NewArchiveService needs cases, blobs and ministry")
	}
	searcher, _ := cases.DB.(ArchiveSearcher)
	return &ArchiveService{Cases: cases, Blobs: blobs, Ministry: ministry, Searcher: searcher, MaxSize: maxSize}
}

func (s *ArchiveService) maxSize() int64 {
	if s.MaxSize > 0 {
		return s.MaxSize
	}
	return DefaultArchiveMaxSize
}

// MaterialsFor returns the materials list of the case's kind and home
// province, as the Ministry gives it (1.4.1), each with the valid archives
// captured for it. Archives filed under a code the list no longer has are
// listed last under that code, so nothing captured is ever hidden. Errors:
// as CaseService.Find; CodeUnavailable when the Ministry does not answer.
func (s *ArchiveService) MaterialsFor(ctx context.Context, caseID string) ([]*ArchiveMaterial, error) {
	c, err := s.Cases.Find(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return s.MaterialsOf(ctx, c)
}

// MaterialsOf is MaterialsFor for a case the caller has already read
// through CaseService (resolvers of a loaded case).
func (s *ArchiveService) MaterialsOf(ctx context.Context, c *Case) ([]*ArchiveMaterial, error) {
	files, err := s.CaseFiles(ctx, c, FileArchive)
	if err != nil {
		return nil, err
	}
	list, err := s.materialsList(ctx, c)
	if err != nil {
		return nil, err
	}
	out := make([]*ArchiveMaterial, 0, len(list))
	byCode := map[string]*ArchiveMaterial{}
	for _, m := range list {
		am := &ArchiveMaterial{Code: m.Code, Name: m.Name, Required: m.Required, Description: m.Description, Files: []*CaseFile{}}
		out = append(out, am)
		byCode[m.Code] = am
	}
	for _, f := range files {
		am := byCode[f.MaterialCode]
		if am == nil {
			am = &ArchiveMaterial{Code: f.MaterialCode, Name: f.MaterialCode, Description: "no longer on the Ministry's list", Files: []*CaseFile{}}
			out = append(out, am)
			byCode[f.MaterialCode] = am
		}
		am.Files = append(am.Files, f)
	}
	return out, nil
}

// Files returns the case's valid archives (the approval screen cites them,
// 1.4.10), by material code, oldest first.
func (s *ArchiveService) Files(ctx context.Context, caseID string) ([]*CaseFile, error) {
	c, err := s.Cases.Find(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return s.CaseFiles(ctx, c, FileArchive)
}

// CaseFiles returns the valid files of category ("" for all) of a case the
// caller has already read; it checks the role and the jurisdiction again
// but does not audit the case read twice.
func (s *ArchiveService) CaseFiles(ctx context.Context, c *Case, category CaseFileCategory) ([]*CaseFile, error) {
	actor, err := Authorize(ctx, archiveReadRoles...)
	if err != nil {
		return nil, err
	}
	if !actor.CanSee(c.Office) {
		return nil, notFound("case not found")
	}
	return s.Cases.DB.Files().FindCaseFiles(ctx, c.ID, category)
}

// MaxArchivePages bounds the pages of one archive (several images as one
// material, issue 16 item 5).
const MaxArchivePages = 50

// Upload captures an archive for the material materialCode of a case
// (1.4.1, 1.4.11): CLERK, OFFICER, ARCHIVIST or ADMIN within the case's
// jurisdiction, while the case is not closed. The content must be a JPEG,
// PNG or PDF (sniffed, whatever the client says) of at most MaxSize bytes
// (1.4.9). The blob is stored first, then the row and an audit entry are
// committed in one transaction. Errors: CodeInvalid naming "file" (size,
// type, unreadable image) or "materialCode" (not on the case's list);
// CodeForbidden for another role; CodeNotFound, also for a case outside
// the caller's jurisdiction (audited as DENIED); CodeInvalidTransition for a
// closed case;
// CodeUnavailable when the Ministry or the blob store does not answer.
func (s *ArchiveService) Upload(ctx context.Context, caseID, materialCode, name, contentType string, r io.Reader) (*CaseFile, error) {
	return s.UploadPages(ctx, caseID, materialCode, []ArchiveUpload{{Name: name, ContentType: contentType, Content: r}})
}

// UploadPages captures several images as one archive of a material (issue
// 16 item 5): page 1 first. Each page is checked as Upload checks a file;
// the pages together stay within MaxSize; a PDF (already a document of
// pages) is captured alone. Errors: as Upload, and CodeInvalid naming
// "file" with reason archive.pages (no page, too many, a PDF among
// several).
func (s *ArchiveService) UploadPages(ctx context.Context, caseID, materialCode string, pages []ArchiveUpload) (*CaseFile, error) {
	actor, err := Authorize(ctx, archiveWriteRoles...)
	if err != nil {
		return nil, err
	}
	c, err := s.caseForWrite(ctx, actor, s.Cases.DB, caseID, true, notFound("case not found"))
	if err != nil {
		return nil, err
	}
	if err := s.checkMaterial(ctx, c, materialCode); err != nil {
		return nil, err
	}
	stored, err := s.storePages(ctx, pages)
	if err != nil {
		return nil, err
	}
	now := s.Cases.Now().UTC()
	first := stored[0]
	f := &CaseFile{ID: s.Cases.NewID(), CaseID: c.ID, Category: FileArchive, MaterialCode: materialCode, Name: first.name,
		ContentType: first.ref.ContentType, Size: first.ref.Size, BlobKey: first.ref.Key, Restriction: RestrictionNone, Valid: true,
		Pages: len(stored), CreatedBy: actor.Username, CreatedAt: now, UpdatedAt: now}
	more := s.morePages(f, stored, now)
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		if err := tx.Files().CreateCaseFile(ctx, f); err != nil {
			return err
		}
		if err := tx.Files().AppendCaseFilePages(ctx, more); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "archive.upload", "Case", c.ID,
			fmt.Sprintf("file %s material %s blob %s pages %d", f.ID, materialCode, first.ref.Key, f.Pages)))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// storedPage is a checked page in the blob store.
type storedPage struct {
	name string
	ref  BlobRef
}

// storePages checks pages (each as an upload, together within MaxSize, a
// PDF alone) and puts them in the blob store, in order.
func (s *ArchiveService) storePages(ctx context.Context, pages []ArchiveUpload) ([]storedPage, error) {
	if len(pages) == 0 {
		return nil, FieldErrorf("file", "attach the file").WithReason("archive.file_required")
	}
	if len(pages) > MaxArchivePages {
		return nil, FieldErrorf("file", "an archive has at most %d pages; this one has %d", MaxArchivePages, len(pages)).WithReason("archive.pages")
	}
	contents := make([]*archiveContent, len(pages))
	var total int64
	for i, p := range pages {
		c, err := s.readContent(p)
		if err != nil {
			return nil, err
		}
		if len(pages) > 1 && c.contentType == "application/pdf" {
			return nil, FieldErrorf("file", "a PDF is a document of its own pages: capture it alone, not among other pages").WithReason("archive.pages")
		}
		if total += int64(len(c.data)); total > s.maxSize() {
			return nil, tooLarge(total, s.maxSize())
		}
		contents[i] = c
	}
	out := make([]storedPage, len(contents))
	for i, c := range contents {
		ref, err := s.Blobs.Put(ctx, bytes.NewReader(c.data), c.contentType)
		if err != nil {
			return nil, err
		}
		out[i] = storedPage{name: c.name, ref: ref}
	}
	return out, nil
}

// morePages sets f's page set for stored (pages 2… as rows, none for a
// single page).
func (s *ArchiveService) morePages(f *CaseFile, stored []storedPage, now time.Time) []*CaseFilePage {
	f.Pages, f.PageSet = len(stored), ""
	if len(stored) < 2 {
		return nil
	}
	f.PageSet = s.Cases.NewID()
	more := make([]*CaseFilePage, 0, len(stored)-1)
	for i, p := range stored[1:] {
		more = append(more, &CaseFilePage{FileID: f.ID, PageSet: f.PageSet, Page: i + 2, Name: p.name, ContentType: p.ref.ContentType,
			Size: p.ref.Size, BlobKey: p.ref.Key, CreatedAt: now})
	}
	return more
}

// Modify changes an archive's material and, when replacement is not nil,
// its content (1.4.6); an empty materialCode keeps the material. The
// replaced content is kept (CaseFileVersion), never deleted. Refused with
// CodeForbidden (reason archive.restricted) when the archive's flag forbids
// modification, whoever asks. version 0 skips the stale check. The change
// is recorded in the case's history (MODIFY_ARCHIVE) and the audit log.
// Errors otherwise as Upload, and CodeConflict for a stale version.
func (s *ArchiveService) Modify(ctx context.Context, fileID string, version int, materialCode string, replacement ...ArchiveUpload) (*CaseFile, error) {
	actor, err := Authorize(ctx, archiveWriteRoles...)
	if err != nil {
		return nil, err
	}
	// Checks before the upload, so a refused change stores nothing.
	f, c, err := s.archiveForWrite(ctx, actor, s.Cases.DB, fileID, version, mustBeValid)
	if err != nil {
		return nil, err
	}
	if !f.Restriction.AllowsModify() {
		return nil, restricted(f, "modified")
	}
	if materialCode != "" && materialCode != f.MaterialCode {
		if err := s.checkMaterial(ctx, c, materialCode); err != nil {
			return nil, err
		}
	}
	nameOf := s.materialNames(ctx, c)
	if (materialCode == "" || materialCode == f.MaterialCode) && len(replacement) == 0 {
		return nil, FieldErrorf("materialCode", "choose another material or a new image; nothing would change").WithReason("archive.no_change")
	}
	var stored []storedPage
	if len(replacement) > 0 {
		if stored, err = s.storePages(ctx, replacement); err != nil {
			return nil, err
		}
	}
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var c *Case
		var err error
		if f, c, err = s.archiveForWrite(ctx, actor, tx, fileID, version, mustBeValid); err != nil {
			return err
		}
		if !f.Restriction.AllowsModify() {
			return restricted(f, "modified")
		}
		now := s.Cases.Now().UTC()
		detail, note := "file "+f.ID, "「"+f.Name+"」"
		change := map[string]any{"fileId": f.ID}
		if materialCode != "" && materialCode != f.MaterialCode {
			detail += " material " + f.MaterialCode + " → " + materialCode
			note += "材料类型 " + nameOf(f.MaterialCode) + " → " + nameOf(materialCode) + "；"
			change["materialFrom"], change["materialTo"] = f.MaterialCode, materialCode
		}
		if len(stored) > 0 {
			if err := tx.Files().AppendCaseFileVersion(ctx, &CaseFileVersion{FileID: f.ID, Version: f.Version, MaterialCode: f.MaterialCode,
				Name: f.Name, ContentType: f.ContentType, Size: f.Size, BlobKey: f.BlobKey, Pages: f.Pages, PageSet: f.PageSet,
				ReplacedBy: actor.Username, ReplacedAt: now}); err != nil {
				return err
			}
			first := stored[0]
			detail += fmt.Sprintf(" blob %s → %s pages %d", f.BlobKey, first.ref.Key, len(stored))
			note += "更换图像（" + first.name + pagesNote(len(stored)) + "）；"
			change["blobFrom"], change["blobTo"], change["pages"] = f.BlobKey, first.ref.Key, len(stored)
			f.BlobKey, f.Size, f.ContentType, f.Name = first.ref.Key, first.ref.Size, first.ref.ContentType, first.name
			if err := tx.Files().AppendCaseFilePages(ctx, s.morePages(f, stored, now)); err != nil {
				return err
			}
		}
		if materialCode != "" {
			f.MaterialCode = materialCode
		}
		f.UpdatedAt = now
		if err := tx.Files().UpdateCaseFile(ctx, f); err != nil {
			return err
		}
		if err := s.recordChange(ctx, tx, actor, c, ActionModifyArchive, now, strings.TrimSuffix(note, "；"), change); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, now, AuditChange, "archive.modify", "Case", f.CaseID, detail))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// MaxDeleteReason bounds the reason given for a deletion, in characters.
const MaxDeleteReason = 500

// Delete soft-deletes an archive (1.4.7): the row and the content stay, the
// archive is no longer listed, cited or sent; Restore brings it back. The
// reason is required and kept. Refused with CodeForbidden (reason
// archive.restricted) when the archive's flag forbids deletion, whoever
// asks, administrators included. Recorded in the case's history
// (DELETE_ARCHIVE, with the reason) and the audit log.
func (s *ArchiveService) Delete(ctx context.Context, fileID string, version int, reason string) (*CaseFile, error) {
	actor, err := Authorize(ctx, archiveWriteRoles...)
	if err != nil {
		return nil, err
	}
	reason, err = checkReason(reason, true)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.archiveForWrite(ctx, actor, s.Cases.DB, fileID, version, mustBeValid); err != nil {
		return nil, err // checked on the pool first, so a refusal is audited
	}
	var f *CaseFile
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var c *Case
		var err error
		if f, c, err = s.archiveForWrite(ctx, actor, tx, fileID, version, mustBeValid); err != nil {
			return err
		}
		if !f.Restriction.AllowsDelete() {
			return restricted(f, "deleted")
		}
		f.Valid, f.DeleteReason, f.UpdatedAt = false, reason, s.Cases.Now().UTC()
		if err := tx.Files().UpdateCaseFile(ctx, f); err != nil {
			return err
		}
		if err := s.recordChange(ctx, tx, actor, c, ActionDeleteArchive, f.UpdatedAt, "「"+f.Name+"」删除："+reason,
			map[string]any{"fileId": f.ID, "reason": reason}); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, f.UpdatedAt, AuditChange, "archive.delete", "Case", f.CaseID, "file "+f.ID+" reason "+reason))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Restore brings a soft-deleted archive back (1.4.7): the roles, the case
// rules and the version check of Delete. A restore changes the archive, so
// a NO_MODIFY flag (set by an archivist on the deleted archive) refuses it
// with CodeForbidden (archive.restricted), whoever asks. reason is
// optional. Recorded in the case's history (RESTORE_ARCHIVE) and the audit
// log. Errors: CodeInvalid (archive.not_deleted) for a valid archive.
func (s *ArchiveService) Restore(ctx context.Context, fileID string, version int, reason string) (*CaseFile, error) {
	actor, err := Authorize(ctx, archiveWriteRoles...)
	if err != nil {
		return nil, err
	}
	reason, err = checkReason(reason, false)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.archiveForWrite(ctx, actor, s.Cases.DB, fileID, version, mustBeDeleted); err != nil {
		return nil, err
	}
	var f *CaseFile
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var c *Case
		var err error
		if f, c, err = s.archiveForWrite(ctx, actor, tx, fileID, version, mustBeDeleted); err != nil {
			return err
		}
		if !f.Restriction.AllowsModify() {
			return restricted(f, "restored")
		}
		f.Valid, f.DeleteReason, f.UpdatedAt = true, "", s.Cases.Now().UTC()
		if err := tx.Files().UpdateCaseFile(ctx, f); err != nil {
			return err
		}
		note := "「" + f.Name + "」恢复"
		if reason != "" {
			note += "：" + reason
		}
		if err := s.recordChange(ctx, tx, actor, c, ActionRestoreArchive, f.UpdatedAt, note, map[string]any{"fileId": f.ID, "reason": reason}); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, f.UpdatedAt, AuditChange, "archive.restore", "Case", f.CaseID, "file "+f.ID))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// SetRestriction sets an archive's restriction flag (1.4.19): ARCHIVIST or
// ADMIN within the case's jurisdiction, whatever the case's status and
// whether the archive is valid or deleted (a deleted archive flagged
// NO_MODIFY cannot be restored). Recorded in the case's history
// (SET_ARCHIVE_RESTRICTION) and the audit log.
func (s *ArchiveService) SetRestriction(ctx context.Context, fileID string, version int, r ArchiveRestriction) (*CaseFile, error) {
	actor, err := Authorize(ctx, RoleArchivist, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !r.Valid() {
		return nil, FieldErrorf("restriction", "choose NONE, NO_DELETE, NO_MODIFY or NO_DELETE_NO_MODIFY (got %q)", r).WithReason("archive.restriction")
	}
	if _, _, err := s.archiveForWrite(ctx, actor, s.Cases.DB, fileID, version, validOrDeleted); err != nil {
		return nil, err // checked on the pool first, so a refusal is audited
	}
	var f *CaseFile
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		var c *Case
		var err error
		if f, c, err = s.archiveForWrite(ctx, actor, tx, fileID, version, validOrDeleted); err != nil {
			return err
		}
		if f.Restriction == r {
			return FieldErrorf("restriction", "the archive is flagged %s already", r).WithReason("archive.no_change")
		}
		detail := "file " + f.ID + " restriction " + string(f.Restriction) + " → " + string(r)
		note := "「" + f.Name + "」限制标志 " + f.Restriction.Label() + " → " + r.Label()
		change := map[string]any{"fileId": f.ID, "from": f.Restriction, "to": r}
		f.Restriction, f.UpdatedAt = r, s.Cases.Now().UTC()
		if err := tx.Files().UpdateCaseFile(ctx, f); err != nil {
			return err
		}
		if err := s.recordChange(ctx, tx, actor, c, ActionSetArchiveRestriction, f.UpdatedAt, note, change); err != nil {
			return err
		}
		return tx.Audit().AppendAudit(ctx, NewAuditEntry(actor, f.UpdatedAt, AuditChange, "archive.restrict", "Case", f.CaseID, detail))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// pagesNote is "，共 n 页" for more than one page.
func pagesNote(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf("，共 %d 页", n)
}

// recordChange appends an archive change to the case's history: the
// status does not change.
func (s *ArchiveService) recordChange(ctx context.Context, tx Repos, actor *Actor, c *Case, action Action, at time.Time, note string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return tx.Cases().AppendCaseAction(ctx, &CaseAction{ID: s.Cases.NewID(), CaseID: c.ID, Action: action, From: c.Status, To: c.Status,
		ActorID: actor.UserID, ActorName: actor.Shown(), Office: actor.OfficeCode, Note: note, Data: raw, At: at})
}

// checkReason trims a reason and checks it: at most MaxDeleteReason
// printable characters, and present when required.
func checkReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" && required {
		return "", FieldErrorf("reason", "say why the archive is deleted").WithReason("archive.reason_required")
	}
	if !utf8.ValidString(reason) || strings.IndexFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0 {
		return "", FieldErrorf("reason", "the reason has characters that cannot be kept").WithReason("archive.reason")
	}
	if n := utf8.RuneCountInString(reason); n > MaxDeleteReason {
		return "", FieldErrorf("reason", "the reason has %d characters; at most %d", n, MaxDeleteReason).WithReason("archive.reason")
	}
	return reason, nil
}

// Open returns a valid file's content for the viewer or a download
// (1.4.12); the caller closes it. The read is audited as a READ of personal
// data. Errors: CodeForbidden with reason pii.document for a caller whose
// personal data is masked (ANALYST, INTEGRATOR); CodeNotFound, also for a
// deleted file and, with the answer of a file that does not exist, for one
// outside the caller's jurisdiction (audited as DENIED); CodeUnavailable
// when the blob store does not answer.
func (s *ArchiveService) Open(ctx context.Context, fileID string) (io.ReadCloser, *CaseFile, error) {
	f, err := s.readable(ctx, fileID, "archive.open")
	if err != nil {
		return nil, nil, err
	}
	rc, _, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return nil, nil, err
	}
	return rc, f, nil
}

// OpenPage returns page page (1, 2, …) of a valid archive, as Open does
// (the same checks and audit). Errors: as Open, and CodeNotFound (reason
// archive.page) for a page the archive does not have.
func (s *ArchiveService) OpenPage(ctx context.Context, fileID string, page int) (io.ReadCloser, *CaseFile, error) {
	if page <= 1 {
		return s.Open(ctx, fileID)
	}
	f, err := s.readable(ctx, fileID, "archive.open")
	if err != nil {
		return nil, nil, err
	}
	if page > f.Pages || f.PageSet == "" {
		return nil, nil, Errorf(CodeNotFound, "the archive has %d page(s)", f.Pages).WithReason("archive.page")
	}
	pages, err := s.Cases.DB.Files().FindCaseFilePages(ctx, f.ID, f.PageSet)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range pages {
		if p.Page == page {
			rc, _, err := s.Blobs.Open(ctx, p.BlobKey)
			if err != nil {
				return nil, nil, err
			}
			pf := *f
			pf.Name, pf.ContentType, pf.Size, pf.BlobKey = p.Name, p.ContentType, p.Size, p.BlobKey
			return rc, &pf, nil
		}
	}
	return nil, nil, Errorf(CodeNotFound, "the archive has no page %d", page).WithReason("archive.page")
}

// Thumbnail returns a ThumbnailSize×ThumbnailSize JPEG preview of a valid
// file (1.4.18): the image scaled to fit, centred on white; a PDF shows its
// first page (the page's scanned image, or a rendering of the page: see
// PDFReader), or a page-shaped placeholder when none can be made. Thumbnails are computed on the fly and kept in a
// small in-process cache keyed by the original's blob key (the blob store is
// content-addressed, so it cannot hold them under a derived key). The read
// is audited like Open.
func (s *ArchiveService) Thumbnail(ctx context.Context, fileID string) ([]byte, *CaseFile, error) {
	f, err := s.readable(ctx, fileID, "archive.thumbnail")
	if err != nil {
		return nil, nil, err
	}
	if b, ok := s.thumbs.get(f.BlobKey); ok {
		return b, f, nil
	}
	b, err := s.makeThumbnail(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	s.thumbs.put(f.BlobKey, b)
	return b, f, nil
}

// FileLinkTTL is how long a signed file link (Link) stays valid: long
// enough to open a viewer or a download, short enough that a link copied
// from history or a log is useless.
const FileLinkTTL = 5 * time.Minute

// MaxFileLinks bounds the files of one Link call.
const MaxFileLinks = 100

// Link checks that the caller may read each file exactly as Open does
// (masked callers and files outside the jurisdiction refused, and audited
// as DENIED) and audits each as a READ of op archive.link, before the
// caller hands out signed links to them; the read through a link is
// audited again by Open. Errors: as Open, and CodeInvalid (field ids,
// reason files.too_many) for more than MaxFileLinks IDs.
func (s *ArchiveService) Link(ctx context.Context, fileIDs []string) ([]*CaseFile, error) {
	if len(fileIDs) > MaxFileLinks {
		return nil, FieldErrorf("ids", "at most %d files per request", MaxFileLinks).WithReason("files.too_many")
	}
	files := make([]*CaseFile, 0, len(fileIDs))
	for _, id := range fileIDs {
		f, err := s.readable(ctx, id, "archive.link")
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// AttachDocument records a generated document (a PDF the caller has already
// Put in the blob store) on a case inside the caller's transaction tx, as the
// next revision of its kind (1, 2, …). It checks nothing about the caller:
// the use case that generated the document has.
func (s *ArchiveService) AttachDocument(ctx context.Context, tx Repos, caseID, kind, name string, ref BlobRef) (*CaseFile, error) {
	if err := CheckBlobKey(ref.Key); err != nil {
		return nil, err
	}
	if kind == "" {
		return nil, FieldErrorf("kind", "a document needs its kind").WithReason("archive.document_kind")
	}
	rev, err := tx.Files().MaxDocumentRevision(ctx, caseID, kind)
	if err != nil {
		return nil, err
	}
	ct := ref.ContentType
	if ct == "" {
		ct = "application/pdf"
	}
	by := "system"
	if a := ActorFromContext(ctx); a != nil && a.Username != "" {
		by = a.Username
	}
	now := s.Cases.Now().UTC()
	f := &CaseFile{ID: s.Cases.NewID(), CaseID: caseID, Category: FileDocument, MaterialCode: kind, Name: name, ContentType: ct,
		Size: ref.Size, BlobKey: ref.Key, Revision: rev + 1, Restriction: RestrictionNoDeleteNoModify, Valid: true,
		CreatedBy: by, CreatedAt: now, UpdatedAt: now}
	if err := tx.Files().CreateCaseFile(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// CanCapture reports whether the caller may capture archives for c now:
// the rule Upload applies (a role that captures, the case's jurisdiction,
// a status whose declaration opens capture), so a screen offers capture
// exactly when the server would accept it.
func (s *ArchiveService) CanCapture(ctx context.Context, c *Case) bool {
	actor := ActorFromContext(ctx)
	return actor != nil && actor.HasRole(archiveWriteRoles...) && actor.CanSee(c.Office) && s.Cases.CaptureOpen(c)
}

// MissingMaterials returns the materials the Ministry's list marks
// required for c (its kind and home province) that have no valid archive
// yet, in list order. Errors: as MaterialsOf.
func (s *ArchiveService) MissingMaterials(ctx context.Context, c *Case) ([]Material, error) {
	list, err := s.MaterialsOf(ctx, c)
	if err != nil {
		return nil, err
	}
	// A licence cited for a material stands for its paper (4.1.2).
	cited, err := s.Cases.DB.Licences().CitedLicences(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byLicence := map[string]bool{}
	for _, cl := range cited {
		byLicence[cl.MaterialCode] = true
	}
	var missing []Material
	for _, m := range list {
		if m.Required && len(m.Files) == 0 && !byLicence[m.Code] {
			missing = append(missing, Material{Code: m.Code, Name: m.Name, Required: true, Description: m.Description})
		}
	}
	return missing, nil
}

// RequireMaterials refuses, with CodeInvalid naming "materials" (reason
// archive.materials_missing), a case that lacks an archive for a material
// the Ministry's list marks required: a submission carries every one.
func (s *ArchiveService) RequireMaterials(ctx context.Context, c *Case) error {
	missing, err := s.MissingMaterials(ctx, c)
	if err != nil || len(missing) == 0 {
		return err
	}
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = m.Name + " (" + m.Code + ")"
	}
	return FieldErrorf("materials", "capture every required material before submitting; missing: %s", strings.Join(names, ", ")).WithReason("archive.materials_missing")
}

// caseForWrite loads a case the actor changes files of: within the
// actor's jurisdiction (outside it, the case answers missing, the error of
// what the caller asked for when it does not exist, and the refusal is
// audited) and in a status whose declaration opens capture
// (StateSpec.Capture): once a case is submitted its archives are frozen.
// That binds every capture (an upload) and, for changes of existing
// archives, everyone but archivists and administrators, who keep the
// archives of frozen and closed cases (restriction flags).
func (s *ArchiveService) caseForWrite(ctx context.Context, actor *Actor, repos Repos, caseID string, capture bool, missing error) (*Case, error) {
	c, err := repos.Cases().FindCaseByID(ctx, caseID)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if !actor.CanSee(c.Office) {
		// The refusal is recorded when found on the pool. Callers check on
		// the pool before their transaction, so a refusal found inside one
		// was recorded already; recording it there would block on a commit
		// while holding the transaction (on SQLite, its only connection).
		if _, onPool := repos.(Database); onPool {
			if err := s.Cases.Audit.Record(ctx, NewAuditEntry(actor, s.Cases.Now(), AuditDenied, "archive", "Case", c.ID, "outside jurisdiction")); err != nil {
				return nil, err
			}
		}
		return nil, missing
	}
	if capture || !actor.HasRole(RoleArchivist, RoleAdmin) {
		if s.Cases.Terminal(c) {
			return nil, Errorf(CodeInvalidTransition, "the case is closed (%s); its archives can no longer be captured or changed", c.Status).WithReason("archive.case_closed")
		}
		if !s.Cases.CaptureOpen(c) {
			return nil, Errorf(CodeInvalidTransition, "the case is %s: its archives are frozen (they are captured before submission, or when a step asks for them)", c.Status).WithReason("archive.case_frozen")
		}
	}
	return c, nil
}

// archiveForWrite loads a valid archive and its case for a change: as
// caseForWrite, plus the version check (0 skips it). Generated documents
// are never changed. An archive outside the actor's jurisdiction answers
// as one that does not exist.
func (s *ArchiveService) archiveForWrite(ctx context.Context, actor *Actor, repos Repos, fileID string, version int, validity archiveValidity) (*CaseFile, *Case, error) {
	missing := notFound("case file not found")
	f, err := repos.Files().FindCaseFileByID(ctx, fileID)
	if err != nil {
		return nil, nil, orMissing(err, missing)
	}
	c, err := s.caseForWrite(ctx, actor, repos, f.CaseID, false, missing)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case validity == mustBeValid && !f.Valid:
		return nil, nil, Errorf(CodeNotFound, "the archive was deleted").WithReason("not_found")
	case validity == mustBeDeleted && f.Valid:
		return nil, nil, Errorf(CodeInvalid, "the archive %s is not deleted", f.Name).WithReason("archive.not_deleted")
	}
	if f.Category != FileArchive {
		return nil, nil, Errorf(CodeForbidden, "%s is a generated document; it cannot be changed", f.Name).WithReason("archive.generated")
	}
	if version != 0 && version != f.Version {
		return nil, nil, Errorf(CodeConflict, "the archive was changed by someone else meanwhile (version %d, you saw %d); reload it", f.Version, version).WithReason("archive.stale")
	}
	return f, c, nil
}

// archiveValidity says which archives a change applies to.
type archiveValidity int

const (
	mustBeValid archiveValidity = iota
	mustBeDeleted
	validOrDeleted
)

// readable loads a valid file the caller may read and audits the read.
// Callers whose personal data is masked (Actor.MasksPersonalData) read no
// file: archives and generated documents are scans and PDFs full of names,
// ID numbers and birth dates that cannot be masked, so they are refused
// before the file is even looked up (which tells nothing about it); the
// refusal is audited.
func (s *ArchiveService) readable(ctx context.Context, fileID, op string) (*CaseFile, error) {
	actor, err := Authorize(ctx, archiveReadRoles...)
	if err != nil {
		return nil, err
	}
	if actor.MasksPersonalData() {
		if err := s.Cases.Audit.Record(ctx, NewAuditEntry(actor, s.Cases.Now(), AuditDenied, op, "CaseFile", fileID, "personal data masked for the role")); err != nil {
			return nil, err
		}
		return nil, Errorf(CodeForbidden, "case files show ID numbers, names and birth dates in clear, which your role reads masked; ask an operational user").WithReason("pii.document")
	}
	missing := notFound("case file not found")
	f, err := s.Cases.DB.Files().FindCaseFileByID(ctx, fileID)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	c, err := s.Cases.DB.Cases().FindCaseByID(ctx, f.CaseID)
	if err != nil {
		return nil, orMissing(err, missing)
	}
	if !actor.CanSee(c.Office) {
		if err := s.Cases.Audit.Record(ctx, NewAuditEntry(actor, s.Cases.Now(), AuditDenied, op, "CaseFile", f.ID, "outside jurisdiction")); err != nil {
			return nil, err
		}
		return nil, missing
	}
	if !f.Valid && !actor.HasRole(RoleArchivist, RoleAdmin) {
		// Archivists and administrators open deleted archives, to decide
		// on a restore (1.4.7); nobody else sees them.
		return nil, Errorf(CodeNotFound, "the file was deleted").WithReason("not_found")
	}
	if err := s.Cases.Audit.Record(ctx, NewAuditEntry(actor, s.Cases.Now(), AuditRead, op, "CaseFile", f.ID, "case "+c.ID)); err != nil {
		return nil, err
	}
	return f, nil
}

// MaterialsVariant is implemented by a module whose materials list depends
// on the case (the ID card's application type): the Ministry's list for the
// kind is asked for that variant (1.4.5).
type MaterialsVariant interface {
	MaterialsVariant(c *Case) string
}

// materialsList is the Ministry's materials list of c: its kind, home
// province and, when its module names one, variant.
func (s *ArchiveService) materialsList(ctx context.Context, c *Case) ([]Material, error) {
	variant := ""
	if v, ok := s.Cases.modules[c.Kind].(MaterialsVariant); ok {
		variant = v.MaterialsVariant(c)
	}
	return s.Ministry.MaterialsList(ctx, BusinessKind(c.Kind), c.RegistrationProvince, variant)
}

// materialNames names the materials of c's list by code, for the case's
// history: a code the list lacks (or every code, when the Ministry does not
// answer) is named by itself.
func (s *ArchiveService) materialNames(ctx context.Context, c *Case) func(code string) string {
	names := map[string]string{}
	if list, err := s.materialsList(ctx, c); err == nil {
		for _, m := range list {
			names[m.Code] = m.Name
		}
	}
	return func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}
}

// checkMaterial refuses a material code that is not on the case's list.
func (s *ArchiveService) checkMaterial(ctx context.Context, c *Case, code string) error {
	if strings.TrimSpace(code) == "" {
		return FieldErrorf("materialCode", "choose the material this archive is for").WithReason("archive.material_required")
	}
	list, err := s.materialsList(ctx, c)
	if err != nil {
		return err
	}
	codes := make([]string, len(list))
	for i, m := range list {
		if m.Code == code {
			return nil
		}
		codes[i] = m.Code
	}
	return FieldErrorf("materialCode", "%q is not on the materials list for %s cases of province %s (%s)",
		code, c.Kind, c.RegistrationProvince, strings.Join(codes, ", ")).WithReason("archive.material_unknown")
}

// archiveContent is a checked upload held in memory (at most MaxSize bytes).
type archiveContent struct {
	name        string
	contentType string
	data        []byte
}

// readContent reads and checks an upload (checkContent) of at most MaxSize bytes.
func (s *ArchiveService) readContent(u ArchiveUpload) (*archiveContent, error) {
	if u.Content == nil {
		return nil, FieldErrorf("file", "attach the file").WithReason("archive.file_required")
	}
	limit := s.maxSize()
	if size, ok := sizeOf(u.Content); ok && size > limit {
		return nil, tooLarge(size, limit)
	}
	data, err := io.ReadAll(io.LimitReader(u.Content, limit+1))
	if err != nil {
		return nil, FieldErrorf("file", "the file could not be read completely; send it again").WithReason("archive.read")
	}
	if int64(len(data)) > limit {
		// Count the rest so the message can say how big the file is; the
		// HTTP layer bounds the request body.
		rest, _ := io.Copy(io.Discard, u.Content)
		return nil, tooLarge(int64(len(data))+rest, limit)
	}
	return s.checkContent(u.Name, u.ContentType, data, limit)
}

// checkContent is the one check of every file this system keeps, uploaded
// by a user or arriving from another deployment: at most limit bytes, its
// type sniffed from the bytes (never the declared one) and one of
// ArchiveContentTypes, and for an image a readable header of at most
// maxImagePixels, read without decoding the pixels; a PDF is parsed (when
// the service has a PDFReader) and has 1 to MaxArchivePages pages. The name
// it returns is safe to store and ends with the extension of the sniffed
// type. Errors: CodeInvalid with Field "file" and reason archive.too_large,
// archive.empty, archive.content_type, archive.image_unreadable,
// archive.image_dimensions, archive.pdf_unreadable or archive.pdf_pages.
func (s *ArchiveService) checkContent(name, declared string, data []byte, limit int64) (*archiveContent, error) {
	if int64(len(data)) > limit {
		return nil, tooLarge(int64(len(data)), limit)
	}
	if len(data) == 0 {
		return nil, FieldErrorf("file", "the file is empty").WithReason("archive.empty")
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !slices.Contains(ArchiveContentTypes, ct) {
		if declared == "" {
			declared = "unknown"
		}
		return nil, FieldErrorf("file", "a file must be a JPEG, PNG or PDF file; this one is %s (declared %s)", ct, clip(declared, 100, "unknown")).WithReason("archive.content_type")
	}
	if ct != "application/pdf" {
		cfg, _, err := decodeConfig(ct, data)
		if err != nil {
			return nil, FieldErrorf("file", "the image cannot be read; it may be damaged").WithReason("archive.image_unreadable")
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
			return nil, FieldErrorf("file", "the image is %d×%d pixels; at most %d megapixels are accepted", cfg.Width, cfg.Height, maxImagePixels/1_000_000).WithReason("archive.image_dimensions")
		}
	} else if s.PDF != nil {
		info, err := s.PDF.InspectPDF(data)
		if err != nil {
			return nil, FieldErrorf("file", "the file calls itself a PDF but cannot be read as one (damaged, encrypted or not a PDF); scan or export it again").WithReason("archive.pdf_unreadable")
		}
		if n := len(info.PageSizes); n > MaxArchivePages {
			return nil, FieldErrorf("file", "the PDF has %d pages; an archive has at most %d", n, MaxArchivePages).WithReason("archive.pdf_pages")
		}
	}
	return &archiveContent{name: safeFileName(name, ct), contentType: ct, data: data}, nil
}

// safeFileName returns name fit to store for content of type ct: valid
// UTF-8 without path separators or control characters, at most 200
// characters, ending with ct's extension (a different one is replaced); a
// name that is none of this becomes "archive" with the extension.
func safeFileName(name, ct string) string {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) || strings.ContainsAny(name, "/\\") || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		name = ""
	}
	base, ext := name, extensionOf(ct)
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		have := strings.ToLower(name[dot:])
		base = name[:dot]
		if have == ext || (ct == "image/jpeg" && have == ".jpeg") {
			ext = name[dot:] // the right one, as written
		}
	}
	if base = strings.TrimSpace(base); base == "" || strings.Trim(base, ".") == "" {
		base = "archive"
	}
	if r := []rune(base); len(r) > 200 {
		base = string(r[:200])
	}
	return base + ext
}

// makeThumbnail renders the thumbnail of f.
func (s *ArchiveService) makeThumbnail(ctx context.Context, f *CaseFile) ([]byte, error) {
	canvas := imaging.New(ThumbnailSize, ThumbnailSize, color.White)
	if f.ContentType == "application/pdf" {
		page, err := s.pdfPreview(ctx, f)
		if err != nil {
			return nil, err
		}
		if page == nil {
			canvas = pdfPlaceholder(canvas)
		} else {
			canvas = imaging.PasteCenter(canvas, imaging.Fit(page, ThumbnailSize, ThumbnailSize, imaging.Lanczos))
		}
	} else {
		rc, _, err := s.Blobs.Open(ctx, f.BlobKey)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, Errorf(CodeUnavailable, "the archive store did not return the whole image").WithReason("archive.read")
		}
		cfg, _, err := decodeConfig(f.ContentType, data)
		if err != nil || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
			return nil, Errorf(CodeInvalid, "the stored image cannot be previewed; open the original").WithReason("archive.image_unreadable")
		}
		if !withinThumbnailBudget(cfg) {
			// Decoding would cost more memory and time than a preview is
			// worth: a placeholder, from the header alone.
			canvas = imagePlaceholder(canvas)
		} else {
			img, err := decodeBounded(ctx, f.ContentType, data)
			if err != nil {
				return nil, err
			}
			canvas = imaging.PasteCenter(canvas, imaging.Fit(img, ThumbnailSize, ThumbnailSize, imaging.Lanczos))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, canvas, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pdfPreview returns page 1 of a PDF file (its scanned image, or a
// rendering), nil when this server cannot make one or the file cannot be
// read (a placeholder is shown then: the original still opens).
func (s *ArchiveService) pdfPreview(ctx context.Context, f *CaseFile) (image.Image, error) {
	if s.PDF == nil {
		return nil, nil
	}
	rc, _, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, Errorf(CodeUnavailable, "the archive store did not return the whole file").WithReason("archive.read")
	}
	select {
	case thumbnailSlots <- struct{}{}:
		defer func() { <-thumbnailSlots }()
	case <-ctx.Done():
		return nil, Errorf(CodeUnavailable, "too many previews are being made; try again").WithReason("archive.busy")
	}
	page, err := s.PDF.PreviewPDF(ctx, data, ThumbnailSize)
	if err != nil {
		return nil, nil // a PDF without a preview shows the placeholder
	}
	return page, nil
}

// pdfPlaceholder draws a page with a red band on canvas: the preview of a PDF.
func pdfPlaceholder(canvas *image.NRGBA) *image.NRGBA {
	page := imaging.New(ThumbnailSize*3/4, ThumbnailSize-20, color.NRGBA{R: 0xf4, G: 0xf4, B: 0xf4, A: 0xff})
	band := imaging.New(ThumbnailSize*3/4, ThumbnailSize/6, color.NRGBA{R: 0xc0, G: 0x1c, B: 0x28, A: 0xff})
	page = imaging.Paste(page, band, image.Pt(0, ThumbnailSize/3))
	for y := ThumbnailSize/3 + ThumbnailSize/6 + 12; y < ThumbnailSize-40; y += 14 {
		line := imaging.New(ThumbnailSize*3/4-30, 4, color.NRGBA{R: 0xbb, G: 0xbb, B: 0xbb, A: 0xff})
		page = imaging.Paste(page, line, image.Pt(15, y))
	}
	return imaging.PasteCenter(canvas, page)
}

// Thumbnail decoding is bounded three ways: the header is read first
// (decodeConfig) and an image whose decoded pixels would exceed
// maxThumbnailPixels or maxThumbnailDecodedBytes gets a placeholder
// instead; at most thumbnailSlots decodes run at once in the process, so
// concurrent requests queue instead of multiplying the memory. (A 466 KB
// 7745×7745 16-bit PNG decodes to 480 MB in about 10 s.)
const (
	maxThumbnailPixels       = 40_000_000
	maxThumbnailDecodedBytes = 96 << 20
)

var thumbnailSlots = make(chan struct{}, 2)

// withinThumbnailBudget reports whether decoding an image with header cfg
// stays within the thumbnail budget.
func withinThumbnailBudget(cfg image.Config) bool {
	pixels := int64(cfg.Width) * int64(cfg.Height)
	return cfg.Width > 0 && cfg.Height > 0 && pixels <= maxThumbnailPixels &&
		pixels*bytesPerPixel(cfg.ColorModel) <= maxThumbnailDecodedBytes
}

// bytesPerPixel is what the standard decoders allocate per pixel for an
// image of color model m (a YCbCr JPEG counted as 4:4:4, its worst case).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // RGBA, NRGBA, CMYK
}

// decodeBounded decodes an image within the budget once a decode slot is
// free; a caller that gives up while waiting gets CodeUnavailable.
func decodeBounded(ctx context.Context, ct string, data []byte) (image.Image, error) {
	select {
	case thumbnailSlots <- struct{}{}:
		defer func() { <-thumbnailSlots }()
	case <-ctx.Done():
		return nil, Errorf(CodeUnavailable, "too many previews are being made; try again").WithReason("archive.busy")
	}
	img, err := decodeImage(ct, data)
	if err != nil {
		return nil, Errorf(CodeInvalid, "the stored image cannot be previewed; open the original").WithReason("archive.image_unreadable")
	}
	return img, nil
}

// imagePlaceholder draws a framed landscape on canvas: the preview of an
// image too large to decode for a thumbnail.
func imagePlaceholder(canvas *image.NRGBA) *image.NRGBA {
	frame := imaging.New(ThumbnailSize*3/4, ThumbnailSize/2, color.NRGBA{R: 0xd9, G: 0xe4, B: 0xf0, A: 0xff})
	hill := imaging.New(ThumbnailSize*3/4, ThumbnailSize/6, color.NRGBA{R: 0x6a, G: 0x8f, B: 0x5a, A: 0xff})
	frame = imaging.Paste(frame, hill, image.Pt(0, ThumbnailSize/2-ThumbnailSize/6))
	sun := imaging.New(ThumbnailSize/12, ThumbnailSize/12, color.NRGBA{R: 0xe8, G: 0xb0, B: 0x30, A: 0xff})
	frame = imaging.Paste(frame, sun, image.Pt(ThumbnailSize/2, ThumbnailSize/12))
	return imaging.PasteCenter(canvas, frame)
}

// decodeConfig and decodeImage decode only the formats archives may have,
// with their own decoders (never image.Decode, which would accept every
// format some imported package registered).
func decodeConfig(ct string, data []byte) (image.Config, string, error) {
	switch ct {
	case "image/jpeg":
		c, err := jpeg.DecodeConfig(bytes.NewReader(data))
		return c, "jpeg", err
	case "image/png":
		c, err := png.DecodeConfig(bytes.NewReader(data))
		return c, "png", err
	}
	return image.Config{}, "", errors.New("not an image")
}

func decodeImage(ct string, data []byte) (image.Image, error) {
	switch ct {
	case "image/jpeg":
		return jpeg.Decode(bytes.NewReader(data))
	case "image/png":
		return png.Decode(bytes.NewReader(data))
	}
	return nil, errors.New("not an image")
}

// sizeOf returns r's remaining length when r can tell it (an io.Seeker,
// such as a multipart upload), without consuming it.
func sizeOf(r io.Reader) (int64, bool) {
	sk, ok := r.(io.Seeker)
	if !ok {
		return 0, false
	}
	cur, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, false
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if _, err2 := sk.Seek(cur, io.SeekStart); err != nil || err2 != nil {
		return 0, false
	}
	return end - cur, true
}

func tooLarge(size, limit int64) error {
	return FieldErrorf("file", "the file is %s (%d bytes); an archive may be at most %s (%d bytes)",
		humanBytes(size), size, humanBytes(limit), limit).WithReason("archive.too_large")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func extensionOf(ct string) string {
	switch ct {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}

func restricted(f *CaseFile, what string) error {
	return Errorf(CodeForbidden, "the archive %s is flagged %s and cannot be %s by anyone; an archivist must lift the flag first",
		f.Name, f.Restriction, what).WithReason("archive.restricted")
}

// thumbCache keeps recent thumbnails by original blob key; it is bounded
// and forgets the oldest first. The zero value is ready to use.
type thumbCache struct {
	mu    sync.Mutex
	m     map[string][]byte
	order []string
}

const thumbCacheEntries = 512 // about 10 MB of 240-pixel JPEGs

func (c *thumbCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key+"thumb"]
	return b, ok
}

func (c *thumbCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	k := key + "thumb"
	if _, ok := c.m[k]; ok {
		return
	}
	if len(c.order) >= thumbCacheEntries {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[k] = b
	c.order = append(c.order, k)
}
