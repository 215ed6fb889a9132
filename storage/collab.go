package storage

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hukou/domain"
)

// collabMessageRow is the bun model of collab_messages.
type collabMessageRow struct {
	bun.BaseModel  `bun:"table:collab_messages"`
	Seq            int64      `bun:"seq,pk"`
	MessageID      string     `bun:"message_id"`
	Direction      string     `bun:"direction"`
	CollabNo       string     `bun:"collab_no"`
	CaseKind       string     `bun:"case_kind"`
	MessageType    string     `bun:"message_type"`
	SenderOffice   string     `bun:"sender_office"`
	ReceiverOffice string     `bun:"receiver_office"`
	SenderUser     string     `bun:"sender_user"`
	CaseSeq        int64      `bun:"case_seq"`
	SentAt         time.Time  `bun:"sent_at"`
	Body           string     `bun:"body"`
	Attachments    string     `bun:"attachments"`
	ReplyToHash    string     `bun:"reply_to_hash"`
	Signature      string     `bun:"signature"`
	SignerKeyID    string     `bun:"signer_key_id"`
	PrevHash       string     `bun:"prev_hash"`
	LogHash        string     `bun:"log_hash"`
	Status         string     `bun:"status"`
	Attempts       int        `bun:"attempts"`
	LastError      string     `bun:"last_error"`
	DeadlineAt     *time.Time `bun:"deadline_at"`
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
}

type attachmentJSON struct {
	Name        string `json:"name"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

func collabFromDomain(m *domain.CollabMessage) (*collabMessageRow, error) {
	e := &m.Envelope
	atts := make([]attachmentJSON, len(e.Attachments))
	for i, a := range e.Attachments {
		atts[i] = attachmentJSON{Name: a.Name, SHA256: a.SHA256, Size: a.Size, ContentType: a.ContentType}
	}
	attJSON, err := json.Marshal(atts)
	if err != nil {
		return nil, err
	}
	return &collabMessageRow{Seq: m.Seq, MessageID: e.MessageID, Direction: string(m.Direction), CollabNo: e.CollabNo,
		CaseKind: e.CaseKind, MessageType: e.MessageType, SenderOffice: e.SenderOffice, ReceiverOffice: e.ReceiverOffice,
		SenderUser: e.SenderUser, CaseSeq: e.CaseSeq, SentAt: e.SentAt.UTC(), Body: string(e.Body), Attachments: string(attJSON),
		ReplyToHash: e.ReplyToHash, Signature: base64.StdEncoding.EncodeToString(e.Signature), SignerKeyID: e.SignerKeyID,
		PrevHash: m.PrevHash, LogHash: m.LogHash, Status: string(m.Status), Attempts: m.Attempts, LastError: m.LastError,
		DeadlineAt: m.DeadlineAt, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}, nil
}

func (r *collabMessageRow) toDomain() (*domain.CollabMessage, error) {
	var atts []attachmentJSON
	if err := json.Unmarshal([]byte(r.Attachments), &atts); err != nil {
		return nil, err
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil {
		return nil, err
	}
	env := domain.Envelope{MessageID: r.MessageID, CollabNo: r.CollabNo, CaseKind: r.CaseKind, MessageType: r.MessageType,
		SenderOffice: r.SenderOffice, ReceiverOffice: r.ReceiverOffice, SenderUser: r.SenderUser, CaseSeq: r.CaseSeq,
		SentAt: r.SentAt.UTC(), Body: json.RawMessage(r.Body), ReplyToHash: r.ReplyToHash, Signature: sig, SignerKeyID: r.SignerKeyID}
	for _, a := range atts {
		env.Attachments = append(env.Attachments, domain.AttachmentRef{Name: a.Name, SHA256: a.SHA256, Size: a.Size, ContentType: a.ContentType})
	}
	return &domain.CollabMessage{Seq: r.Seq, Direction: domain.Direction(r.Direction), Envelope: env, PrevHash: r.PrevHash,
		LogHash: r.LogHash, Status: domain.MessageStatus(r.Status), Attempts: r.Attempts, LastError: r.LastError,
		DeadlineAt: r.DeadlineAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}, nil
}

func collabRowsToDomain(rows []collabMessageRow) ([]*domain.CollabMessage, error) {
	out := make([]*domain.CollabMessage, len(rows))
	for i := range rows {
		m, err := rows[i].toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

type collabRepo struct{ r repos }

func (c collabRepo) AppendMessage(ctx context.Context, m *domain.CollabMessage) (bool, error) {
	if c.r.tx == nil {
		var inserted bool
		err := c.r.db.InTx(ctx, func(ctx context.Context, tx domain.Repos) error {
			var err error
			inserted, err = tx.Collab().AppendMessage(ctx, m)
			return err
		})
		return inserted, err
	}
	idb := c.r.idb
	// Take the head row's lock first (a no-op update), so concurrent appends
	// on PostgreSQL queue here instead of forking the chain, and a duplicate
	// delivery waiting here sees the first one's entry once it commits.
	if _, err := idb.NewRaw("UPDATE collab_log_head SET seq = seq WHERE id = 1").Exec(ctx); err != nil {
		return false, translate(err, "message log head")
	}
	exists, err := idb.NewSelect().Model((*collabMessageRow)(nil)).Where("message_id = ?", m.Envelope.MessageID).Exists(ctx)
	if err != nil {
		return false, translate(err, "collaboration message")
	}
	if exists {
		return false, nil
	}
	var head struct {
		Seq  int64  `bun:"seq"`
		Hash string `bun:"hash"`
	}
	if err := idb.NewRaw("SELECT seq, hash FROM collab_log_head WHERE id = 1").Scan(ctx, &head); err != nil {
		return false, translate(err, "message log head")
	}
	m.Seq, m.PrevHash = head.Seq+1, head.Hash
	m.LogHash = domain.ChainHash(m.PrevHash, m.Seq, m.Direction, &m.Envelope)
	row, err := collabFromDomain(m)
	if err != nil {
		return false, err
	}
	if _, err := idb.NewInsert().Model(row).Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return false, translate(err, "collaboration message "+m.Envelope.MessageID)
		}
		return false, translate(err, "collaboration message")
	}
	if _, err := idb.NewRaw("UPDATE collab_log_head SET seq = ?, hash = ? WHERE id = 1", m.Seq, m.LogHash).Exec(ctx); err != nil {
		return false, translate(err, "message log head")
	}
	return true, nil
}

func (c collabRepo) FindMessage(ctx context.Context, messageID string) (*domain.CollabMessage, error) {
	var row collabMessageRow
	if err := c.r.idb.NewSelect().Model(&row).Where("message_id = ?", messageID).Scan(ctx); err != nil {
		return nil, translate(err, "collaboration message "+messageID)
	}
	return row.toDomain()
}

func (c collabRepo) SetMessageStatus(ctx context.Context, messageID string, from, to domain.MessageStatus, lastError string, attempted bool) error {
	q := c.r.idb.NewUpdate().Model((*collabMessageRow)(nil)).
		Set("status = ?", to).Set("last_error = ?", lastError).Set("updated_at = ?", time.Now().UTC()).
		Where("message_id = ? AND status = ?", messageID, from)
	if attempted {
		q = q.Set("attempts = attempts + 1")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return translate(err, "collaboration message")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "message %s is no longer %s", messageID, from).WithReason("collab.status_changed")
	}
	return nil
}

func (c collabRepo) FindMessages(ctx context.Context, f domain.CollabMessageFilter, p domain.Page) (*domain.CollabMessagePage, error) {
	var rows []collabMessageRow
	q := c.r.idb.NewSelect().Model(&rows).Order("seq DESC").Limit(int64(p.First + 1))
	if f.CollabNo != "" {
		q = q.Where("collab_no = ?", f.CollabNo)
	}
	if f.Direction != "" {
		q = q.Where("direction = ?", f.Direction)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN (?)", bun.List(f.Statuses))
	}
	if f.OverdueAt != nil {
		q = q.Where("status IN ('PENDING', 'RECEIVED') AND deadline_at < ?", f.OverdueAt.UTC())
	}
	if f.MessageID != "" {
		q = q.Where("message_id = ?", f.MessageID)
	}
	if f.OfficePrefix != "" {
		// The jurisdiction: either end of the envelope, or this deployment's
		// copy of the case (an incoming case message names only the city bureau).
		like := likePrefix(f.OfficePrefix)
		q = q.Where(`(sender_office LIKE ? ESCAPE '\' OR receiver_office LIKE ? ESCAPE '\'
			OR EXISTS (SELECT 1 FROM cases WHERE cases.collab_no = ?TableAlias.collab_no AND cases.office LIKE ? ESCAPE '\'))`, like, like, like)
	}
	if p.After != "" {
		key, err := decodeCursor(p.After)
		if err != nil {
			return nil, err
		}
		seq, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, domain.FieldErrorf("after", "the cursor is not one this server issued; start again from the first page").WithReason("page.cursor")
		}
		q = q.Where("seq < ?", seq)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "collaboration messages")
	}
	page := &domain.CollabMessagePage{}
	if len(rows) > p.First {
		page.HasNextPage, rows = true, rows[:p.First]
	}
	msgs, err := collabRowsToDomain(rows)
	if err != nil {
		return nil, err
	}
	page.Messages = msgs
	if len(rows) > 0 {
		page.EndCursor = encodeCursor(strconv.FormatInt(rows[len(rows)-1].Seq, 10))
	}
	return page, nil
}

func (c collabRepo) LogRange(ctx context.Context, after int64, limit int) ([]*domain.CollabMessage, error) {
	var rows []collabMessageRow
	if err := c.r.idb.NewSelect().Model(&rows).Where("seq > ?", after).Order("seq").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, translate(err, "message log")
	}
	return collabRowsToDomain(rows)
}

func (c collabRepo) ReceivedInOrder(ctx context.Context, limit int) ([]*domain.CollabMessage, error) {
	var rows []collabMessageRow
	err := c.r.idb.NewSelect().Model(&rows).
		Join("LEFT JOIN collab_sequences AS s ON s.scope = 'APPLIED' AND s.office = collab_message_row.sender_office AND s.collab_no = collab_message_row.collab_no").
		Where("collab_message_row.direction = 'IN' AND collab_message_row.status = 'RECEIVED'").
		Where("collab_message_row.case_seq <= COALESCE(s.last_seq, 0) + 1").
		OrderExpr("collab_message_row.sender_office, collab_message_row.collab_no, collab_message_row.case_seq").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, translate(err, "received messages")
	}
	return collabRowsToDomain(rows)
}

func (c collabRepo) FindReceivedBySeq(ctx context.Context, sender, collabNo string, caseSeq int64) (*domain.CollabMessage, error) {
	var row collabMessageRow
	err := c.r.idb.NewSelect().Model(&row).
		Where("direction = 'IN' AND sender_office = ? AND collab_no = ? AND case_seq = ? AND status <> 'FAILED'", sender, collabNo, caseSeq).
		Limit(1).Scan(ctx)
	if err != nil {
		return nil, translate(err, "received message")
	}
	return row.toDomain()
}

func (c collabRepo) NextCaseSeq(ctx context.Context, sender, collabNo string) (int64, error) {
	var seq int64
	err := c.r.idb.NewRaw(`INSERT INTO collab_sequences (scope, office, collab_no, last_seq) VALUES ('OUT', ?, ?, 1)
		ON CONFLICT (scope, office, collab_no) DO UPDATE SET last_seq = collab_sequences.last_seq + 1
		RETURNING last_seq`, sender, collabNo).Scan(ctx, &seq)
	return seq, translate(err, "case sequence")
}

func (c collabRepo) AppliedCaseSeq(ctx context.Context, sender, collabNo string) (int64, error) {
	var seq int64
	err := c.r.idb.NewRaw(`SELECT last_seq FROM collab_sequences WHERE scope = 'APPLIED' AND office = ? AND collab_no = ?`,
		sender, collabNo).Scan(ctx, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, translate(err, "applied sequence")
}

func (c collabRepo) SetAppliedCaseSeq(ctx context.Context, sender, collabNo string, prev, next int64) error {
	var res sql.Result
	var err error
	if prev == 0 {
		res, err = c.r.idb.NewRaw(`INSERT INTO collab_sequences (scope, office, collab_no, last_seq) VALUES ('APPLIED', ?, ?, ?)
			ON CONFLICT (scope, office, collab_no) DO NOTHING`, sender, collabNo, next).Exec(ctx)
	} else {
		res, err = c.r.idb.NewRaw(`UPDATE collab_sequences SET last_seq = ? WHERE scope = 'APPLIED' AND office = ? AND collab_no = ? AND last_seq = ?`,
			next, sender, collabNo, prev).Exec(ctx)
	}
	if err != nil {
		return translate(err, "applied sequence")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.CodeConflict, "another worker applied a message of case %s first", collabNo).WithReason("collab.applied_concurrently")
	}
	return nil
}

func (c collabRepo) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	err := c.r.idb.NewRaw("SELECT value FROM collab_cursors WHERE name = ?", name).Scan(ctx, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, translate(err, "cursor")
}

func (c collabRepo) SetCursor(ctx context.Context, name, value string) error {
	_, err := c.r.idb.NewRaw(`INSERT INTO collab_cursors (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`, name, value).Exec(ctx)
	return translate(err, "cursor")
}

func (c collabRepo) PublishCollabEvent(ctx context.Context, e domain.CollabEvent) error {
	if c.r.db.dialect == Postgres {
		payload, err := json.Marshal(e)
		if err != nil {
			return err
		}
		_, err = c.r.idb.NewRaw("SELECT pg_notify(?, ?)", c.r.db.events.channel, string(payload)).Exec(ctx)
		return translate(err, "event")
	}
	if c.r.pending != nil {
		*c.r.pending = append(*c.r.pending, e)
		return nil
	}
	c.r.db.events.broadcast(e)
	return nil
}

// peerKeyRow is the bun model of collab_peer_keys: keys peers announced.
type peerKeyRow struct {
	bun.BaseModel `bun:"table:collab_peer_keys"`
	KeyID         string     `bun:"key_id,pk"`
	PublicKey     string     `bun:"public_key"`
	Offices       string     `bun:"offices"`
	NotBefore     *time.Time `bun:"not_before"`
	NotAfter      *time.Time `bun:"not_after"`
	AnnouncedBy   string     `bun:"announced_by"`
	SenderOffice  string     `bun:"sender_office"`
	MessageID     string     `bun:"message_id"`
	CreatedAt     time.Time  `bun:"created_at"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (r *peerKeyRow) toDomain() (*domain.PeerKey, error) {
	pub, err := base64.StdEncoding.DecodeString(r.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("peer key %s: %w", r.KeyID, err)
	}
	k := &domain.PeerKey{KeyID: r.KeyID, PublicKey: pub, Offices: strings.Split(r.Offices, ","), Source: domain.PeerKeyAnnounced,
		AnnouncedBy: r.AnnouncedBy, SenderOffice: r.SenderOffice, MessageID: r.MessageID, CreatedAt: r.CreatedAt.UTC()}
	if r.NotBefore != nil {
		k.NotBefore = r.NotBefore.UTC()
	}
	if r.NotAfter != nil {
		k.NotAfter = r.NotAfter.UTC()
	}
	return k, nil
}

func (c collabRepo) CreatePeerKey(ctx context.Context, k *domain.PeerKey) error {
	row := &peerKeyRow{KeyID: k.KeyID, PublicKey: base64.StdEncoding.EncodeToString(k.PublicKey), Offices: strings.Join(k.Offices, ","),
		NotBefore: optionalTime(k.NotBefore), NotAfter: optionalTime(k.NotAfter), AnnouncedBy: k.AnnouncedBy,
		SenderOffice: k.SenderOffice, MessageID: k.MessageID, CreatedAt: k.CreatedAt.UTC()}
	_, err := c.r.idb.NewInsert().Model(row).Exec(ctx)
	return translate(err, "peer key "+k.KeyID)
}

func (c collabRepo) FindPeerKey(ctx context.Context, keyID string) (*domain.PeerKey, error) {
	var row peerKeyRow
	if err := c.r.idb.NewSelect().Model(&row).Where("key_id = ?", keyID).Scan(ctx); err != nil {
		return nil, translate(err, "peer key "+keyID)
	}
	return row.toDomain()
}

func (c collabRepo) FindPeerKeys(ctx context.Context) ([]*domain.PeerKey, error) {
	var rows []peerKeyRow
	if err := c.r.idb.NewSelect().Model(&rows).Order("key_id").Scan(ctx); err != nil {
		return nil, translate(err, "peer keys")
	}
	out := make([]*domain.PeerKey, len(rows))
	for i := range rows {
		k, err := rows[i].toDomain()
		if err != nil {
			return nil, err
		}
		out[i] = k
	}
	return out, nil
}
