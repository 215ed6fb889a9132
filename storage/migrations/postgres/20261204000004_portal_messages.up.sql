-- Message instructions (3.1.7): a portal's questions and instructions,
-- routed to an office (or an application's station and case), answered
-- before their deadline.
CREATE TABLE portal_messages (
    id             varchar(36)  PRIMARY KEY,               -- UUIDv7: the stable cursor key
    client_user_id varchar(36)  NOT NULL REFERENCES users (id),
    client_id      varchar(64)  NOT NULL,
    kind           varchar(16)  NOT NULL,
    application_id varchar(36)  REFERENCES online_applications (id),
    case_id        varchar(36),
    office         char(12)     NOT NULL,
    subject        varchar(200) NOT NULL,
    body           text         NOT NULL,
    status         varchar(16)  NOT NULL,
    deadline_at    timestamptz  NOT NULL,
    answer         text         NOT NULL DEFAULT '',
    answered_by    varchar(64)  NOT NULL DEFAULT '',
    answered_at    timestamptz,
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    version        integer      NOT NULL DEFAULT 1
);
CREATE INDEX portal_messages_client_idx ON portal_messages (client_user_id, id DESC);
CREATE INDEX portal_messages_office_idx ON portal_messages (office, status, deadline_at);

-- The answer to a message is a webhook about no application.
ALTER TABLE webhook_deliveries ALTER COLUMN application_id DROP NOT NULL;
