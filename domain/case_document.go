package domain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DocumentKeeper keeps the files of a case that travel between offices:
// generated or received documents (revisions numbered per kind) and the
// captured archives that go with an application. StoreDocument puts the
// content in the blob store and is called before the transaction that
// records it (RecordDocument); KeepDocument and KeepArchive do both, for
// content that arrives inside a message's applying transaction.
//
// Files from another deployment are hostile until checked (DESIGN.md,
// "Trust boundaries"): KeepDocument and KeepArchive check the content as
// an upload is checked (CheckDocument) and keep it under its sniffed type
// and a name with that type's extension, whatever the sender declared; a
// file that fails is a CodeInvalid error, so its message becomes a dead
// letter and nothing is stored.
type DocumentKeeper interface {
	StoreDocument(ctx context.Context, contentType string, content []byte) (BlobRef, error)
	RecordDocument(ctx context.Context, tx Repos, caseID, kind, name string, ref BlobRef) error
	KeepDocument(ctx context.Context, tx Repos, caseID, kind, name, contentType string, content []byte) error
	KeepArchive(ctx context.Context, tx Repos, caseID, materialCode, name, contentType string, content []byte) error
	// KeepArchiveFile keeps an archive that arrived in a message with its
	// pages (FileContent.Pages), as one archive of that many pages, each
	// page checked as KeepArchive checks a file; materialCode "" keeps the
	// file's own.
	KeepArchiveFile(ctx context.Context, tx Repos, caseID, materialCode string, f *FileContent) error
	// CheckDocument checks a document's content as KeepDocument does (at
	// most DocumentMaxSize bytes) and returns the name and content type to
	// keep it under. Errors: CodeInvalid with Field "file" and a reason
	// archive.*.
	CheckDocument(name, contentType string, content []byte) (checkedName, checkedType string, err error)
	// ArchiveContents returns the valid archives of a case with their content.
	ArchiveContents(ctx context.Context, caseID string) ([]FileContent, error)
	// DocumentContent returns the latest valid revision of the case's
	// document of kind with its content (MaterialCode is the kind), read
	// outside any transaction; CodeNotFound when there is none.
	DocumentContent(ctx context.Context, caseID, kind string) (*FileContent, error)
	// RequireMaterials refuses a case that lacks an archive for a material
	// its materials list marks required (CodeInvalid naming "materials").
	RequireMaterials(ctx context.Context, c *Case) error
}

// FileContent is a case file with its bytes, as it travels in a message.
// A multi-page archive (issue 16 item 5) travels as one FileContent: page
// 1 is Content, pages 2… are Pages, in order.
type FileContent struct {
	MaterialCode string     `json:"materialCode"`
	Name         string     `json:"name"`
	ContentType  string     `json:"contentType"`
	Content      []byte     `json:"content"` // base64 in JSON
	Pages        []FilePage `json:"pages,omitempty"`
}

// FilePage is page 2, 3, … of a FileContent.
type FilePage struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Content     []byte `json:"content"` // base64 in JSON
}

// ArchiveAttachments pins files for a message's attachment list: one entry
// per page, page 1 of the first file first, then its pages 2…, then the
// next file's (CheckArchiveAttachments checks them in that order).
func ArchiveAttachments(files []FileContent) []AttachmentRef {
	refs := make([]AttachmentRef, 0, len(files))
	for i := range files {
		f := &files[i]
		refs = append(refs, f.ref())
		for _, p := range f.Pages {
			refs = append(refs, AttachmentFor(p.Name, p.ContentType, p.Content))
		}
	}
	return refs
}

// CheckArchiveAttachments checks that files, as a message from env's
// sender carries them, are the pages its signed attachment list pins (the
// whole list), in ArchiveAttachments' order, and that
// no file has more than MaxArchivePages pages. Errors: CodeInvalid naming
// "attachments" with reason collab.archives (the counts differ, too many
// pages) or collab.archive_hash (a page that is not what was signed).
func CheckArchiveAttachments(files []FileContent, env *Envelope) error {
	n := 0
	for i := range files {
		if len(files[i].Pages)+1 > MaxArchivePages {
			return FieldErrorf("attachments", "archive %q has %d pages; at most %d", files[i].Name, len(files[i].Pages)+1, MaxArchivePages).WithReason("collab.archives")
		}
		n += 1 + len(files[i].Pages)
	}
	if n != len(env.Attachments) {
		return FieldErrorf("attachments", "the archives do not match the attachment list").WithReason("collab.archives")
	}
	for i, ref := range ArchiveAttachments(files) {
		if ref.SHA256 != env.Attachments[i].SHA256 {
			return FieldErrorf("attachments", "archive page %q does not match its signed hash", ref.Name).WithReason("collab.archive_hash")
		}
	}
	return nil
}

// FlattenPages lists every page of files as a file of its own (for a
// contract that carries single files, such as the production centre's).
func FlattenPages(files []FileContent) []FileContent {
	out := make([]FileContent, 0, len(files))
	for _, f := range files {
		out = append(out, FileContent{MaterialCode: f.MaterialCode, Name: f.Name, ContentType: f.ContentType, Content: f.Content})
		for _, p := range f.Pages {
			out = append(out, FileContent{MaterialCode: f.MaterialCode, Name: p.Name, ContentType: p.ContentType, Content: p.Content})
		}
	}
	return out
}

// ref pins f for an envelope's attachment list.
func (f *FileContent) ref() AttachmentRef { return AttachmentFor(f.Name, f.ContentType, f.Content) }

// AttachmentFor pins content for an envelope's attachment list.
func AttachmentFor(name, contentType string, content []byte) AttachmentRef {
	sum := sha256.Sum256(content)
	return AttachmentRef{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content)), ContentType: contentType}
}

// InlinePDF is a PDF document that travels inside a message body
// (base64), pinned by the envelope's attachment hash at index Index.
type InlinePDF struct {
	Name  string `json:"name"`
	PDF   string `json:"pdf"`
	Index int    `json:"index"`
}

// Inline returns the inline form of pdf as the message's attachment at
// index, and its attachment reference (append it to the message's
// Attachments in index order).
func Inline(name string, pdf []byte, index int) (InlinePDF, AttachmentRef) {
	return InlinePDF{Name: name, PDF: base64.StdEncoding.EncodeToString(pdf), Index: index}, AttachmentFor(name, "application/pdf", pdf)
}

// Content returns the document's bytes after checking them against the
// hash env's sender signed for it. Errors: CodeInvalid naming
// "attachments" (reason collab.document_hash) for a document that does
// not decode or does not match.
func (d InlinePDF) Content(env *Envelope) ([]byte, error) {
	pdf, err := base64.StdEncoding.DecodeString(d.PDF)
	if err != nil || d.Index < 0 || d.Index >= len(env.Attachments) || AttachmentFor("", "", pdf).SHA256 != env.Attachments[d.Index].SHA256 {
		return nil, FieldErrorf("attachments", "the document %q does not match its signed hash", d.Name).WithReason("collab.document_hash")
	}
	return pdf, nil
}

// DocumentMaxSize is the largest document (a form, a signed form's image)
// kept from another deployment or an upload, in bytes.
const DocumentMaxSize int64 = 20 << 20

func (s *ArchiveService) documentMaxSize() int64 { return max(s.maxSize(), DocumentMaxSize) }

// CheckDocument implements DocumentKeeper.
func (s *ArchiveService) CheckDocument(name, contentType string, content []byte) (string, string, error) {
	c, err := s.checkContent(name, contentType, content, s.documentMaxSize())
	if err != nil {
		return "", "", err
	}
	return c.name, c.contentType, nil
}

// StoreDocument implements DocumentKeeper: content goes to the blob store,
// outside any transaction.
func (s *ArchiveService) StoreDocument(ctx context.Context, contentType string, content []byte) (BlobRef, error) {
	return s.Blobs.Put(ctx, bytes.NewReader(content), contentType)
}

// RecordDocument implements DocumentKeeper: a stored blob becomes the next
// revision of kind on tx.
func (s *ArchiveService) RecordDocument(ctx context.Context, tx Repos, caseID, kind, name string, ref BlobRef) error {
	_, err := s.AttachDocument(ctx, tx, caseID, kind, name, ref)
	return err
}

// KeepDocument implements DocumentKeeper: it checks content (CheckDocument),
// stores it in the blob store, then records it as the next revision of kind
// on tx. A rolled-back transaction leaves only an orphan blob, which the
// sweeper removes.
func (s *ArchiveService) KeepDocument(ctx context.Context, tx Repos, caseID, kind, name, contentType string, content []byte) error {
	c, err := s.checkContent(name, contentType, content, s.documentMaxSize())
	if err != nil {
		return fmt.Errorf("document %s of case %s: %w", kind, caseID, err)
	}
	ref, err := s.StoreDocument(ctx, c.contentType, c.data)
	if err != nil {
		return err
	}
	return s.RecordDocument(ctx, tx, caseID, kind, c.name, ref)
}

// KeepArchive records an archive that arrived with a case from the other
// office (1.4.10: the registration office's approval screen cites what the
// acceptance office captured), checked as an upload is (at most MaxSize
// bytes) and kept under its sniffed type. Blob first, then the row on tx.
func (s *ArchiveService) KeepArchive(ctx context.Context, tx Repos, caseID, materialCode, name, contentType string, content []byte) error {
	if materialCode == "" || len(materialCode) > 64 || !utf8.ValidString(materialCode) || strings.IndexFunc(materialCode, unicode.IsControl) >= 0 {
		return FieldErrorf("materialCode", "an archive's material code is 1 to 64 printable characters").WithReason("archive.material_code")
	}
	c, err := s.checkContent(name, contentType, content, s.maxSize())
	if err != nil {
		return fmt.Errorf("archive %s of case %s: %w", materialCode, caseID, err)
	}
	ref, err := s.Blobs.Put(ctx, bytes.NewReader(c.data), c.contentType)
	if err != nil {
		return err
	}
	now := s.Cases.Now().UTC()
	f := &CaseFile{ID: s.Cases.NewID(), CaseID: caseID, Category: FileArchive, MaterialCode: materialCode, Name: c.name,
		ContentType: c.contentType, Size: ref.Size, BlobKey: ref.Key, Restriction: RestrictionNone, Valid: true,
		CreatedBy: "collaboration", CreatedAt: now, UpdatedAt: now}
	return tx.Files().CreateCaseFile(ctx, f)
}

// KeepArchiveFile implements DocumentKeeper: the pages are checked as
// an upload's pages are (each file, at most MaxArchivePages, a PDF alone,
// together within MaxSize) and stored first; then one archive with its
// pages is recorded on tx.
func (s *ArchiveService) KeepArchiveFile(ctx context.Context, tx Repos, caseID, materialCode string, fc *FileContent) error {
	if materialCode == "" {
		materialCode = fc.MaterialCode
	}
	if len(fc.Pages) == 0 {
		return s.KeepArchive(ctx, tx, caseID, materialCode, fc.Name, fc.ContentType, fc.Content)
	}
	if materialCode == "" || len(materialCode) > 64 || !utf8.ValidString(materialCode) || strings.IndexFunc(materialCode, unicode.IsControl) >= 0 {
		return FieldErrorf("materialCode", "an archive's material code is 1 to 64 printable characters").WithReason("archive.material_code")
	}
	uploads := make([]ArchiveUpload, 0, 1+len(fc.Pages))
	uploads = append(uploads, ArchiveUpload{Name: fc.Name, ContentType: fc.ContentType, Content: bytes.NewReader(fc.Content)})
	for _, p := range fc.Pages {
		uploads = append(uploads, ArchiveUpload{Name: p.Name, ContentType: p.ContentType, Content: bytes.NewReader(p.Content)})
	}
	stored, err := s.storePages(ctx, uploads)
	if err != nil {
		return fmt.Errorf("archive %s of case %s: %w", materialCode, caseID, err)
	}
	now := s.Cases.Now().UTC()
	first := stored[0]
	f := &CaseFile{ID: s.Cases.NewID(), CaseID: caseID, Category: FileArchive, MaterialCode: materialCode, Name: first.name,
		ContentType: first.ref.ContentType, Size: first.ref.Size, BlobKey: first.ref.Key, Restriction: RestrictionNone, Valid: true,
		CreatedBy: "collaboration", CreatedAt: now, UpdatedAt: now}
	more := s.morePages(f, stored, now)
	if err := tx.Files().CreateCaseFile(ctx, f); err != nil {
		return err
	}
	return tx.Files().AppendCaseFilePages(ctx, more)
}

// ArchiveContents returns a case's valid archives with their bytes, read
// from the blob store (outside any transaction): a multi-page archive as
// one FileContent with its pages.
func (s *ArchiveService) ArchiveContents(ctx context.Context, caseID string) ([]FileContent, error) {
	files, err := s.Cases.DB.Files().FindCaseFiles(ctx, caseID, FileArchive)
	if err != nil {
		return nil, err
	}
	out := make([]FileContent, 0, len(files))
	for _, f := range files {
		if !f.Valid {
			continue
		}
		data, err := s.read(ctx, f)
		if err != nil {
			return nil, err
		}
		fc := FileContent{MaterialCode: f.MaterialCode, Name: f.Name, ContentType: f.ContentType, Content: data}
		if f.Pages < 2 {
			out = append(out, fc)
			continue
		}
		pages, err := s.Cases.DB.Files().FindCaseFilePages(ctx, f.ID, f.PageSet)
		if err != nil {
			return nil, err
		}
		for _, p := range pages {
			rc, _, err := s.Blobs.Open(ctx, p.BlobKey)
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("read archive %s page %d: %w", f.ID, p.Page, err)
			}
			fc.Pages = append(fc.Pages, FilePage{Name: p.Name, ContentType: p.ContentType, Content: data})
		}
		out = append(out, fc)
	}
	return out, nil
}

// DocumentContent implements DocumentKeeper.
func (s *ArchiveService) DocumentContent(ctx context.Context, caseID, kind string) (*FileContent, error) {
	files, err := s.Cases.DB.Files().FindCaseFiles(ctx, caseID, FileDocument)
	if err != nil {
		return nil, err
	}
	var latest *CaseFile
	for _, f := range files {
		if f.Valid && f.MaterialCode == kind && (latest == nil || f.Revision > latest.Revision) {
			latest = f
		}
	}
	if latest == nil {
		return nil, notFound("case %s has no %s document", caseID, kind)
	}
	data, err := s.read(ctx, latest)
	if err != nil {
		return nil, err
	}
	return &FileContent{MaterialCode: kind, Name: latest.Name, ContentType: latest.ContentType, Content: data}, nil
}

// read returns a case file's content from the blob store.
func (s *ArchiveService) read(ctx context.Context, f *CaseFile) ([]byte, error) {
	rc, _, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read case file %s: %w", f.ID, err)
	}
	return data, nil
}

var _ DocumentKeeper = (*ArchiveService)(nil)
