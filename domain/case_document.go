package domain

import (
	"bytes"
	"context"
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

var _ DocumentKeeper = (*ArchiveService)(nil)
