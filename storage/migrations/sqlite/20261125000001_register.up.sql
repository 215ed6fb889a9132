-- The household register (6.1.1): offices, addresses, households, residents.
-- Same columns as the PostgreSQL migration; timestamps are RFC 3339 text, dates YYYY-MM-DD.
CREATE TABLE offices (
    code        TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    level       TEXT    NOT NULL CHECK (level IN ('CITY_BUREAU', 'COUNTY_BUREAU', 'POLICE_STATION')),
    parent_code TEXT    REFERENCES offices (code),
    division    TEXT    NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version     INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE TABLE addresses (
    id           TEXT PRIMARY KEY,
    division     TEXT NOT NULL,
    detail       TEXT NOT NULL,
    urban_rural  TEXT NOT NULL,
    station_code TEXT NOT NULL REFERENCES offices (code),
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE TABLE households (
    id           TEXT PRIMARY KEY,
    number       TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL CHECK (type IN ('FAMILY', 'COLLECTIVE')),
    address_id   TEXT NOT NULL REFERENCES addresses (id),
    station_code TEXT NOT NULL REFERENCES offices (code),
    created_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX households_station_idx ON households (station_code);

--bun:split
CREATE TABLE residents (
    id                  TEXT PRIMARY KEY,
    household_id        TEXT NOT NULL REFERENCES households (id),
    station_code        TEXT NOT NULL REFERENCES offices (code),
    name                TEXT NOT NULL,
    former_names        TEXT NOT NULL DEFAULT '',
    sex                 TEXT NOT NULL,
    ethnicity           TEXT NOT NULL,
    birth_date          DATE NOT NULL,
    birthplace_division TEXT NOT NULL,
    id_number           TEXT NOT NULL UNIQUE,
    relation            TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('ACTIVE', 'MOVED_OUT', 'DECEASED')),
    hcybsh              TEXT UNIQUE,
    created_at          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at          TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version             INTEGER NOT NULL DEFAULT 1
);

--bun:split
CREATE INDEX residents_household_idx ON residents (household_id);

--bun:split
CREATE INDEX residents_station_status_idx ON residents (station_code, status, id DESC);

--bun:split
CREATE INDEX residents_name_idx ON residents (name);
