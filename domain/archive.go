package domain

import (
	"context"
	"image"
	"io"
	"time"
)

// CaseFileCategory says what a case file is: a captured archive image
// (电子档案, features 1.4.1–1.4.19) or a document the case generated.
type CaseFileCategory string

// Case file categories.
const (
	// FileArchive is a captured material image (or scanned PDF) of the
	// Ministry's materials list; MaterialCode is the list's code.
	FileArchive CaseFileCategory = "ARCHIVE"
	// FileDocument is a generated PDF; MaterialCode is its DocumentKind and
	// Revision counts the versions of that kind (1, 2, …).
	FileDocument CaseFileCategory = "DOCUMENT"
)

// ArchiveRestriction is an archive's restriction flag (1.4.19). It binds
// every operator, administrators included; only an ARCHIVIST or ADMIN may
// change it.
type ArchiveRestriction string

// Restriction flags.
const (
	RestrictionNone             ArchiveRestriction = "NONE"
	RestrictionNoDelete         ArchiveRestriction = "NO_DELETE"
	RestrictionNoModify         ArchiveRestriction = "NO_MODIFY"
	RestrictionNoDeleteNoModify ArchiveRestriction = "NO_DELETE_NO_MODIFY"
)

// Valid reports whether r is one of the restriction constants.
func (r ArchiveRestriction) Valid() bool {
	switch r {
	case RestrictionNone, RestrictionNoDelete, RestrictionNoModify, RestrictionNoDeleteNoModify:
		return true
	}
	return false
}

// Label is the flag's name on screens and in the case's history.
func (r ArchiveRestriction) Label() string {
	switch r {
	case RestrictionNone:
		return "无限制"
	case RestrictionNoDelete:
		return "禁止删除"
	case RestrictionNoModify:
		return "禁止修改"
	case RestrictionNoDeleteNoModify:
		return "禁止删除和修改"
	}
	return string(r)
}

// Archive changes recorded in a case's history (CaseAction.Action): the
// steps of archive management, which every kind's cases share. They change
// no status.
const (
	ActionModifyArchive         Action = "MODIFY_ARCHIVE"
	ActionDeleteArchive         Action = "DELETE_ARCHIVE"
	ActionRestoreArchive        Action = "RESTORE_ARCHIVE"
	ActionSetArchiveRestriction Action = "SET_ARCHIVE_RESTRICTION"
)

// ArchiveActions lists the archive changes a case's history records.
var ArchiveActions = []Action{ActionModifyArchive, ActionDeleteArchive, ActionRestoreArchive, ActionSetArchiveRestriction}

// AllowsDelete reports whether an archive with this flag may be deleted.
func (r ArchiveRestriction) AllowsDelete() bool {
	return r != RestrictionNoDelete && r != RestrictionNoDeleteNoModify
}

// AllowsModify reports whether an archive with this flag may be modified.
func (r ArchiveRestriction) AllowsModify() bool {
	return r != RestrictionNoModify && r != RestrictionNoDeleteNoModify
}

// CaseFile is one file of a case: its metadata row; the content is in the
// BlobStore under BlobKey. Rows are never deleted: Valid false is the soft
// delete of 1.4.7.
type CaseFile struct {
	ID           string
	CaseID       string
	Category     CaseFileCategory
	MaterialCode string // archive: materials-list code; document: DocumentKind
	Name         string // file name shown and offered on download
	ContentType  string
	Size         int64
	BlobKey      string
	Revision     int // documents: 1, 2, … per kind; archives: 0
	Restriction  ArchiveRestriction
	Valid        bool
	DeleteReason string // why it was deleted (1.4.7); "" while valid
	// Pages counts the archive's pages (several images as one material):
	// page 1 is this row's content, pages 2… are CaseFilePages of PageSet.
	Pages     int
	PageSet   string // "" for a single page
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// CaseFileVersion is the content an archive had before an image was
// replaced (1.4.6): kept, never deleted, so a replaced scan is still there
// (and its blob referenced for the orphan sweeper).
type CaseFileVersion struct {
	FileID       string
	Version      int // the file's version that had this content
	MaterialCode string
	Name         string
	ContentType  string
	Size         int64
	BlobKey      string
	Pages        int
	PageSet      string
	ReplacedBy   string
	ReplacedAt   time.Time
}

// CaseFilePage is page 2, 3, … of a multi-page archive (issue 16 item 5);
// page 1 is the CaseFile's own content. Rows are only inserted.
type CaseFilePage struct {
	FileID      string
	PageSet     string
	Page        int
	Name        string
	ContentType string
	Size        int64
	BlobKey     string
	CreatedAt   time.Time
}

// ArchiveMaterial is one entry of a case's materials list (the Ministry's
// list for the case's kind and home province) with the valid archives
// captured for it, oldest first.
type ArchiveMaterial struct {
	Code        string
	Name        string
	Required    bool
	Description string
	Files       []*CaseFile
}

// ArchiveUpload is new content for an archive: what the client sent.
type ArchiveUpload struct {
	Name        string    // the client's file name
	ContentType string    // the client's media type; the content is sniffed anyway
	Content     io.Reader // the bytes; an io.Seeker lets the size be known up front
}

// CaseFileRepository stores case file rows. Rows are only inserted and
// updated, never deleted.
type CaseFileRepository interface {
	// CreateCaseFile inserts f with Version 1; CodeConflict when a document
	// revision already exists.
	CreateCaseFile(ctx context.Context, f *CaseFile) error
	// FindCaseFileByID returns CodeNotFound when there is none.
	FindCaseFileByID(ctx context.Context, id string) (*CaseFile, error)
	// FindCaseFiles returns the case's valid files of the category (all
	// categories when ""), by material code, then oldest first.
	FindCaseFiles(ctx context.Context, caseID string, category CaseFileCategory) ([]*CaseFile, error)
	// UpdateCaseFile writes material code, name, content, restriction,
	// validity, delete reason and updated_at if the stored version is still f.Version, then
	// increments f.Version; CodeConflict when someone changed it first.
	UpdateCaseFile(ctx context.Context, f *CaseFile) error
	// MaxDocumentRevision returns the highest revision of the case's
	// documents of kind (valid or not), 0 when there is none.
	MaxDocumentRevision(ctx context.Context, caseID, kind string) (int, error)
	// AppendCaseFileVersion keeps a replaced content (append-only);
	// CodeConflict when that version is kept already.
	AppendCaseFileVersion(ctx context.Context, v *CaseFileVersion) error
	// FindCaseFileVersions returns an archive's replaced contents, oldest first.
	FindCaseFileVersions(ctx context.Context, fileID string) ([]*CaseFileVersion, error)
	// AppendCaseFilePages inserts pages 2… of an archive's page set.
	AppendCaseFilePages(ctx context.Context, pages []*CaseFilePage) error
	// FindCaseFilePages returns the pages 2… of a page set, in order.
	FindCaseFilePages(ctx context.Context, fileID, pageSet string) ([]*CaseFilePage, error)
}

// PDFReader reads the PDF files this system keeps, which are hostile until
// read (DESIGN.md, "Trust boundaries"); package documents/pdfread
// implements it.
type PDFReader interface {
	// InspectPDF parses data and returns its pages; an error when data is
	// not a PDF that can be read (damaged, encrypted, or not a PDF at all).
	InspectPDF(data []byte) (PDFInfo, error)
	// PreviewPDF returns page 1 as an image for a thumbnail of size×size:
	// the page's own image for a scanned page, otherwise a rendering of the
	// page; nil and no error when neither can be made on this server.
	PreviewPDF(ctx context.Context, data []byte, size int) (image.Image, error)
}

// PDFInfo is what PDFReader.InspectPDF reads: each page's size, in order.
type PDFInfo struct {
	PageSizes []PageSize
}

// PageSize is the size of a PDF page in points (1/72 inch), as it prints
// at original size (1.4.17).
type PageSize struct {
	Width, Height float64
}
