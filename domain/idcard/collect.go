package idcard

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"hukou/domain"
)

// collectedBody is the forwarded COLLECTED message: the handover record
// (the handover photo stays at A; its checksum travels).
type collectedBody struct {
	Collection Collection `json:"collection"`
}

// Collect records the handover of the card (1.1.14): the collector (the
// holder, or a proxy with their ID number and relation), a photo taken at
// the counter, and, when the holder collects, a fingerprint captured on the
// device now and verified against the template stored at intake (Matcher;
// at least Config.MatchThreshold). The record goes to the registration
// office on the forwarding schedule (1.3.11). Errors: CodeInvalid with the
// field and reason (id_card.fingerprint_mismatch when the finger does not
// match), the engine's.
func (s *Service) Collect(ctx context.Context, ref domain.CaseRef, in CollectionInput) (*domain.Case, error) {
	var rec Collection
	var photo *storedFile
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActCollect, Data: &rec,
		Prepare: func(ctx context.Context, c *domain.Case) error {
			d, err := decode(c)
			if err != nil {
				return err
			}
			verify, err := checkCollection(&in, d.Applicant, s.Cases.Now())
			if err != nil {
				return err
			}
			rec = Collection{CollectedAt: s.now(), HandedOverBy: domain.ActorFromContext(ctx).Shown(), CollectorName: in.CollectorName,
				CollectorIDNumber: in.CollectorIDNumber, Proxy: in.Proxy, ProxyRelation: in.ProxyRelation, TrackingNumber: in.TrackingNumber, Note: in.Note}
			if rec.TrackingNumber != "" {
				rec.Waived = WaivedPost
				return nil
			}
			switch {
			case verify:
				if rec.Score, err = s.verify(d.Applicant, in.FingerprintPosition, in.FingerprintTemplate); err != nil {
					return err
				}
				rec.Verified, rec.Position = true, in.FingerprintPosition
			case in.Proxy:
				rec.Waived = WaivedProxy
			default:
				rec.Waived = WaivedNoFingerprints
			}
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(in.Photo))
			if err != nil || len(b) < 3 || b[0] != 0xff || b[1] != 0xd8 {
				return domain.FieldErrorf("photo", "the handover photo is not a base64 JPEG").WithReason("id_card.collection_photo")
			}
			if photo, err = s.store(ctx, DocumentCollectionPhoto, "领证现场照片-"+c.CollabNo+".jpg", "image/jpeg", b); err != nil {
				return err
			}
			rec.PhotoSHA256 = photoSum(b)
			return nil
		},
		Change: func(_ context.Context, _ domain.Repos, c *domain.Case) error {
			return updateResult(c, func(o *Outcome) error { o.Collection = &rec; return nil })
		},
		Effects: func(ctx context.Context, tx domain.Repos, c *domain.Case) error {
			if photo != nil {
				if err := s.Documents.RecordDocument(ctx, tx, c.ID, photo.kind, photo.name, photo.ref); err != nil {
					return err
				}
			}
			_, err := s.Cases.Forward(ctx, tx, c, domain.Message{Type: MsgCollected, Body: collectedBody{Collection: rec}}, s.Config.ForwardDue)
			return err
		}})
}

// verify matches the live template (base64) of the finger at position
// against the one stored at intake and returns the score.
func (s *Service) verify(a Applicant, position int, live string) (int, error) {
	stored, err := storedTemplate(a, position)
	if err != nil {
		return 0, err
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(live))
	if err != nil {
		return 0, domain.FieldErrorf("fingerprint", "the live template is not base64").WithReason("id_card.fingerprint_template")
	}
	t, err := ParseTemplate(raw)
	if err != nil {
		return 0, domain.FieldErrorf("fingerprint", "the live template is not an ISO/IEC 19794-2 record: %v", err).WithReason("id_card.fingerprint_template")
	}
	if int(t.Position) != position {
		return 0, domain.FieldErrorf("fingerprint", "the live template is of finger position %d, not %d (%s)", t.Position, position, FingerName(position)).WithReason("id_card.fingerprint_template")
	}
	score, err := s.Matcher.Match(stored, raw)
	if err != nil {
		return 0, fmt.Errorf("match the fingerprint: %w", err)
	}
	if score < s.Config.MatchThreshold {
		return score, domain.FieldErrorf("fingerprint", "the %s does not match the one taken at intake (score %d, at least %d needed): check the holder's identity and take the finger again",
			FingerName(position), score, s.Config.MatchThreshold).WithReason("id_card.fingerprint_mismatch")
	}
	return score, nil
}

// onCollected keeps the collection record at the registration office
// (1.3.11), which then closes its copy.
func (s *Service) onCollected(_ context.Context, _ domain.Repos, c *domain.Case, env *domain.Envelope) (any, error) {
	var body collectedBody
	if err := json.Unmarshal(env.Body, &body); err != nil || body.Collection.CollectedAt.IsZero() ||
		(body.Collection.CollectorIDNumber == "" && body.Collection.TrackingNumber == "") || (!body.Collection.Verified && body.Collection.Waived == "") {
		return nil, domain.FieldErrorf("body", "the collection record is malformed").WithReason("id_card.collection_body")
	}
	return nil, updateResult(c, func(o *Outcome) error { o.Collection = &body.Collection; return nil })
}

// Close closes the registration office's copy once the collection record
// arrived (1.3.11).
func (s *Service) Close(ctx context.Context, ref domain.CaseRef, note string) (*domain.Case, error) {
	return s.Cases.Act(ctx, Kind, domain.StepRequest{Ref: ref, Action: ActClose, Note: note,
		Validate: func() error { return text("note", "note", &note, false, 500) }})
}

// photoSum is the hex SHA-256 of a photo.
func photoSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
