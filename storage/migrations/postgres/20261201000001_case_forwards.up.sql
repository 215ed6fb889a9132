-- Scheduled forwards (domain.CaseService.Forward): a kind's message to the case's other side that the
-- forwarding schedule sends later ("forwarded on a schedule", 1.1.12–1.1.14). A row is written in the
-- saving step's transaction and marked sent in the transaction that logs its message, conditionally
-- (sent_at IS NULL), so each is sent exactly once. Rows are kept: they show when each record went.
CREATE TABLE case_forwards (
    id           varchar(36) PRIMARY KEY,
    case_id      varchar(36) NOT NULL REFERENCES cases (id),
    kind         varchar(16) NOT NULL,
    message_type varchar(64) NOT NULL,
    message      text        NOT NULL,
    saved_by     varchar(64) NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    sent_at      timestamptz,
    message_id   varchar(128) NOT NULL DEFAULT ''
);
CREATE INDEX case_forwards_case_idx ON case_forwards (case_id, created_at);
CREATE INDEX case_forwards_pending_idx ON case_forwards (created_at, id) WHERE sent_at IS NULL;
