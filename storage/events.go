package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/lib/pq"

	"hukou/domain"
)

// collabChannelOf is the PostgreSQL NOTIFY channel of collaboration events
// of the deployment whose tables are in schema: "hukou_collab_events" for
// public, else suffixed by a digest of the schema (channel names are
// identifiers of at most 63 bytes).
func collabChannelOf(schema string) string {
	if schema == "" || schema == "public" {
		return "hukou_collab_events"
	}
	sum := sha256.Sum256([]byte(schema))
	return "hukou_collab_events_" + hex.EncodeToString(sum[:8])
}

// eventHub fans collaboration events out to this process's subscribers. On
// PostgreSQL it is fed by a LISTEN connection, so every instance sharing the
// database sees every event, and only after its transaction committed (the
// server delivers NOTIFY on commit). On SQLite, InTx feeds it after commit.
type eventHub struct {
	mu       sync.Mutex
	subs     map[chan domain.CollabEvent]struct{}
	listener *pq.Listener
	stop     chan struct{}
	channel  string // the NOTIFY channel (PostgreSQL)
}

func newEventHub() *eventHub {
	return &eventHub{subs: map[chan domain.CollabEvent]struct{}{}, stop: make(chan struct{})}
}

func (h *eventHub) broadcast(e domain.CollabEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- e:
		default: // a subscriber that does not keep up loses events, never blocks others
		}
	}
}

func (h *eventHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	if h.listener != nil {
		_ = h.listener.Close()
	}
}

// SubscribeCollabEvents implements domain.CollabEvents.
func (db *DB) SubscribeCollabEvents(ctx context.Context) <-chan domain.CollabEvent {
	h := db.events
	ch := make(chan domain.CollabEvent, 64)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if db.dialect == Postgres && h.listener == nil {
		h.listener = pq.NewListener(db.dsn, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
			if err != nil {
				slog.Warn("event listener", "event", ev, "err", err)
			}
		})
		if err := h.listener.Listen(h.channel); err != nil {
			slog.Error("listen for collaboration events", "err", err)
		}
		go h.listen()
	}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
		close(ch)
	}()
	return ch
}

func (h *eventHub) listen() {
	for {
		select {
		case <-h.stop:
			return
		case n, ok := <-h.listener.Notify:
			if !ok {
				return
			}
			if n == nil { // reconnected: events in between are lost; subscribers refetch
				continue
			}
			var e domain.CollabEvent
			if err := json.Unmarshal([]byte(n.Extra), &e); err != nil {
				slog.Warn("malformed collaboration event", "err", err)
				continue
			}
			h.broadcast(e)
		}
	}
}

var _ domain.CollabEvents = (*DB)(nil)
