-- Found ID cards (3.1.5): where and when a card was found, by whom, the
-- station holding it, its owner as the Ministry matched it, and the claim.
CREATE TABLE found_cards (
    id                 varchar(36)  PRIMARY KEY,
    id_number          char(18)     NOT NULL,
    name_on_card       varchar(64)  NOT NULL DEFAULT '',
    found_at           timestamptz  NOT NULL,
    found_place        varchar(300) NOT NULL,
    finder_name        varchar(64)  NOT NULL,
    finder_phone       varchar(32)  NOT NULL DEFAULT '',
    station            char(12)     NOT NULL,
    owner_matched      boolean      NOT NULL,
    owner_name         varchar(64)  NOT NULL DEFAULT '',
    owner_office       varchar(12)  NOT NULL DEFAULT '',
    status             varchar(16)  NOT NULL,
    recorded_by        varchar(64)  NOT NULL,
    claimant_name      varchar(64)  NOT NULL DEFAULT '',
    claimant_id_number varchar(18)  NOT NULL DEFAULT '',
    claimed_at         timestamptz,
    claimed_by         varchar(64)  NOT NULL DEFAULT '',
    created_at         timestamptz  NOT NULL,
    updated_at         timestamptz  NOT NULL,
    version            integer      NOT NULL DEFAULT 1
);
CREATE INDEX found_cards_id_number_idx ON found_cards (id_number);
CREATE INDEX found_cards_station_idx ON found_cards (station, created_at DESC);
