-- Found ID cards (3.1.5): where and when a card was found, by whom, the
-- station holding it, its owner as the Ministry matched it, and the claim.
CREATE TABLE found_cards (
    id                 TEXT PRIMARY KEY,
    id_number          TEXT NOT NULL,
    name_on_card       TEXT NOT NULL DEFAULT '',
    found_at           TIMESTAMP NOT NULL,
    found_place        TEXT NOT NULL,
    finder_name        TEXT NOT NULL,
    finder_phone       TEXT NOT NULL DEFAULT '',
    station            TEXT NOT NULL,
    owner_matched      BOOLEAN NOT NULL,
    owner_name         TEXT NOT NULL DEFAULT '',
    owner_office       TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    recorded_by        TEXT NOT NULL,
    claimant_name      TEXT NOT NULL DEFAULT '',
    claimant_id_number TEXT NOT NULL DEFAULT '',
    claimed_at         TIMESTAMP,
    claimed_by         TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX found_cards_id_number_idx ON found_cards (id_number);

--bun:split
CREATE INDEX found_cards_station_idx ON found_cards (station, created_at DESC);
