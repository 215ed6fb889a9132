package domain

import (
	"context"
	"fmt"
	"time"
)

// ReceiptService prints the acceptance receipt (受理回执) of a case for the
// applicant at the counter (issue 19, 1.1.14's acceptance slip), for every
// kind from its declaration (Workflow.Title, Applicant, Promise) and the
// case's captured materials: one implementation, no kind named.
type ReceiptService struct {
	Cases    *CaseService
	Archives *ArchiveService
	Renderer DocumentRenderer
}

// receiptRoles may print a receipt: the counter.
var receiptRoles = []Role{RoleClerk}

// ReceiptName is the file name of a case's receipt.
func ReceiptName(c *Case) string { return "受理回执-" + c.CollabNo + ".pdf" }

// Print renders the receipt of the acceptance office's copy of a case,
// stamped with the office's household seal and the clerk's personal seal
// (5.1.2), and keeps it as the case's next ACCEPTANCE_RECEIPT document,
// which it returns. Rendering and the blob come first; one short
// transaction records the document. The case read is audited (Find).
// Errors: CodeForbidden (reason auth.role) for a role other than CLERK;
// CodeNotFound for a case outside the caller's jurisdiction; CodeInvalid
// naming "id" for the registration office's copy (reason
// receipt.side) or a kind that declares no applicant (reason
// receipt.unsupported); the renderer's seal errors (seal.expired,
// seal.revoked, seal.missing); CodeUnavailable when the Ministry's
// materials list cannot be read.
func (s *ReceiptService) Print(ctx context.Context, caseID string) (*CaseFile, error) {
	if _, err := Authorize(ctx, receiptRoles...); err != nil {
		return nil, err
	}
	c, err := s.Cases.Find(ctx, caseID)
	if err != nil {
		return nil, err
	}
	doc, err := s.receipt(ctx, c)
	if err != nil {
		return nil, err
	}
	pdf, err := s.Renderer.Render(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("render the receipt of %s: %w", c.CollabNo, err)
	}
	ref, err := s.Archives.StoreDocument(ctx, "application/pdf", pdf)
	if err != nil {
		return nil, err
	}
	var f *CaseFile
	err = s.Cases.DB.InTx(ctx, func(ctx context.Context, tx Repos) error {
		f, err = s.Archives.AttachDocument(ctx, tx, c.ID, string(DocAcceptanceReceipt), ReceiptName(c), ref)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record the receipt of %s: %w", c.CollabNo, err)
	}
	return f, nil
}

// receipt is the document model of c's receipt.
func (s *ReceiptService) receipt(ctx context.Context, c *Case) (*AcceptanceReceipt, error) {
	if c.Side != SideAcceptance {
		return nil, FieldErrorf("id", "only the acceptance office prints the applicant's receipt; this is the registration office's copy").WithReason("receipt.side")
	}
	w := s.Cases.Workflow(c.Kind)
	if w == nil || w.Applicant == nil {
		return nil, FieldErrorf("id", "cases of kind %s have no acceptance receipt", c.Kind).WithReason("receipt.unsupported")
	}
	applicant, err := w.Applicant(c)
	if err != nil {
		return nil, fmt.Errorf("the applicant of %s: %w", c.CollabNo, err)
	}
	list, err := s.Archives.MaterialsOf(ctx, c)
	if err != nil {
		return nil, err
	}
	var received []ReceivedMaterial
	for _, m := range list {
		if len(m.Files) == 0 {
			continue
		}
		pages := 0
		for _, f := range m.Files {
			pages += max(f.Pages, 1)
		}
		received = append(received, ReceivedMaterial{Name: m.Name, Pages: pages})
	}
	var deadline time.Time
	switch {
	case w.Promise > 0:
		deadline = c.CreatedAt.Add(w.Promise)
	case c.DeadlineAt != nil:
		deadline = *c.DeadlineAt
	}
	office, supervisor := c.AcceptanceOffice, ""
	if o, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, c.AcceptanceOffice); err == nil {
		office = o.Name
		if o.ParentCode != "" {
			if p, err := s.Cases.DB.Offices().FindOfficeByCode(ctx, o.ParentCode); err == nil {
				supervisor = p.Name
			}
		}
	}
	title := w.Title
	if title == "" {
		title = string(c.Kind)
	}
	return &AcceptanceReceipt{Business: title, CollabNo: c.CollabNo, ApplicantName: applicant.Name, ApplicantIDNumber: applicant.IDNumber,
		Materials: received, AcceptedAt: c.CreatedAt, Deadline: deadline, Office: office, Supervisor: supervisor, Date: s.Cases.Now(),
		Seals: []Seal{{Office: office, Name: "户口专用章", OfficeCode: c.AcceptanceOffice}}}, nil
}
