-- Internet+ intake (issue 18 items 2, 3.1.1–3.1.4): online applications a
-- portal submitted into a station's queue, and the signed webhook
-- deliveries that tell the portal of each change.
CREATE TABLE online_applications (
    id             varchar(36)  PRIMARY KEY,                -- UUIDv7: the stable, time-ordered cursor key
    client_user_id varchar(36)  NOT NULL REFERENCES users (id),
    client_id      varchar(64)  NOT NULL,
    kind           varchar(32)  NOT NULL,
    office         char(12)     NOT NULL,
    reference      varchar(64)  NOT NULL DEFAULT '',
    data           text         NOT NULL,                   -- the kind's online intake data (JSON)
    materials      text         NOT NULL,                   -- []domain.OnlineMaterial (JSON)
    status         varchar(16)  NOT NULL,
    case_id        varchar(36)  UNIQUE REFERENCES cases (id),
    collab_no      varchar(64)  NOT NULL DEFAULT '',
    case_status    varchar(40)  NOT NULL DEFAULT '',
    result         text         NOT NULL DEFAULT '',
    reason         text         NOT NULL DEFAULT '',
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    version        integer      NOT NULL DEFAULT 1
);
CREATE INDEX online_applications_client_idx ON online_applications (client_user_id, id DESC);
CREATE INDEX online_applications_office_idx ON online_applications (office, status, id DESC);

CREATE TABLE webhook_deliveries (
    id             varchar(36)  PRIMARY KEY,
    client_user_id varchar(36)  NOT NULL,
    application_id varchar(36)  NOT NULL REFERENCES online_applications (id),
    seq            integer      NOT NULL,
    payload        text         NOT NULL DEFAULT '',
    status         varchar(16)  NOT NULL,
    attempts       integer      NOT NULL DEFAULT 0,
    last_error     text         NOT NULL DEFAULT '',
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    delivered_at   timestamptz,
    UNIQUE (application_id, seq)
);
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, created_at);
