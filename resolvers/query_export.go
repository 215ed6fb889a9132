package resolvers

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"encoding/base64"

	"hukou/domain"
)

// Background exports (issue 15): the download link and the progress
// subscription of domain.QueryExport.

// exportLinkID is what a download link of export id signs (never a case
// file's ID: those are UUIDs without a slash).
func exportLinkID(id string) string { return "export/" + id }

// exportLink is a signed, user-bound link to download the caller's done
// export, valid domain.FileLinkTTL; nil before it is done or after it
// expired.
func (r *Resolver) exportLink(ctx context.Context, e *domain.QueryExport) (*string, error) {
	actor := domain.ActorFromContext(ctx)
	now := time.Now()
	if actor == nil || actor.UserID != e.OwnerID || e.State != domain.ExportDone || (e.ExpiresAt != nil && !now.Before(*e.ExpiresAt)) {
		return nil, nil
	}
	gen, err := r.Auth.TokenGeneration(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	exp := now.Add(domain.FileLinkTTL)
	t := tokensFrom(ctx)
	q := url.Values{}
	q.Set("u", actor.UserID)
	q.Set("g", strconv.Itoa(gen))
	q.Set("exp", strconv.FormatInt(exp.Unix(), 10))
	q.Set("sig", base64.RawURLEncoding.EncodeToString(t.linkMAC(exportLinkID(e.ID), actor.UserID, gen, exp.Unix())))
	link := "/exports/query/" + url.PathEscape(e.ID) + "?" + q.Encode()
	return &link, nil
}

// exportPollInterval is how often the progress subscription reads the
// export (the job may run on another instance; the row is the truth).
const exportPollInterval = 500 * time.Millisecond

// exportProgress sends the caller's export id now and at every change,
// until it is done or failed (then the stream ends) or the client leaves.
func (r *Resolver) exportProgress(ctx context.Context, id string) (<-chan *domain.QueryExport, error) {
	e, err := r.Queries.ExportStatus(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(chan *domain.QueryExport, 1)
	out <- e
	go func() {
		defer close(out)
		last := *e
		t := time.NewTicker(exportPollInterval)
		defer t.Stop()
		for !last.Finished() {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			cur, err := r.Queries.ExportStatus(ctx, id)
			if err != nil {
				return
			}
			if cur.State == last.State && cur.Rows == last.Rows {
				continue
			}
			last = *cur
			select {
			case out <- cur:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
