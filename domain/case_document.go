package domain

import (
	"bytes"
	"context"
	"io"
)

// KeepDocument implements DocumentKeeper: it stores content in the blob
// store first, then records it as the next revision of kind on tx. A
// rolled-back transaction leaves only an orphan blob, which the sweeper removes.
func (s *ArchiveService) KeepDocument(ctx context.Context, tx Repos, caseID, kind, name, contentType string, content []byte) error {
	ref, err := s.Blobs.Put(ctx, bytes.NewReader(content), contentType)
	if err != nil {
		return err
	}
	_, err = s.AttachDocument(ctx, tx, caseID, kind, name, ref)
	return err
}

// KeepArchive records an archive that arrived with a case from the other
// office (1.4.10: the registration office's approval screen cites what the
// acceptance office captured). Blob first, then the row on tx.
func (s *ArchiveService) KeepArchive(ctx context.Context, tx Repos, caseID, materialCode, name, contentType string, content []byte) error {
	ref, err := s.Blobs.Put(ctx, bytes.NewReader(content), contentType)
	if err != nil {
		return err
	}
	now := s.Cases.Now().UTC()
	f := &CaseFile{ID: s.Cases.NewID(), CaseID: caseID, Category: FileArchive, MaterialCode: materialCode, Name: name,
		ContentType: contentType, Size: ref.Size, BlobKey: ref.Key, Restriction: RestrictionNone, Valid: true,
		CreatedBy: "collaboration", CreatedAt: now, UpdatedAt: now}
	return tx.Files().CreateCaseFile(ctx, f)
}

// ArchiveContents returns a case's valid archives with their bytes, read
// from the blob store (outside any transaction).
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
		rc, _, err := s.Blobs.Open(ctx, f.BlobKey)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, FileContent{MaterialCode: f.MaterialCode, Name: f.Name, ContentType: f.ContentType, Content: data})
	}
	return out, nil
}

var _ DocumentKeeper = (*ArchiveService)(nil)
