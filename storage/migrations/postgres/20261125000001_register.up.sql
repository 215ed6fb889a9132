-- The household register (6.1.1): offices, addresses, households, residents.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

--bun:split
CREATE TABLE offices (
    code        char(12)     PRIMARY KEY,          -- 12-digit office code; first 6 = GB/T 2260 division
    name        varchar(100) NOT NULL,
    level       varchar(16)  NOT NULL CHECK (level IN ('CITY_BUREAU', 'COUNTY_BUREAU', 'POLICE_STATION')),
    parent_code char(12)     REFERENCES offices (code),
    division    char(6)      NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    version     integer      NOT NULL DEFAULT 1
);

CREATE TABLE addresses (
    id           varchar(36)  PRIMARY KEY,
    division     char(6)      NOT NULL,
    detail       varchar(200) NOT NULL,
    urban_rural  char(3)      NOT NULL,             -- urban/rural class code (GB/T urban-rural division, e.g. 111, 210)
    station_code char(12)     NOT NULL REFERENCES offices (code),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 1
);

CREATE TABLE households (
    id           varchar(36) PRIMARY KEY,
    number       varchar(20) NOT NULL UNIQUE,       -- household number (户号)
    type         varchar(12) NOT NULL CHECK (type IN ('FAMILY', 'COLLECTIVE')),
    address_id   varchar(36) NOT NULL REFERENCES addresses (id),
    station_code char(12)    NOT NULL REFERENCES offices (code),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 1
);
CREATE INDEX households_station_idx ON households (station_code);

CREATE TABLE residents (
    id                  varchar(36)  PRIMARY KEY,
    household_id        varchar(36)  NOT NULL REFERENCES households (id),
    station_code        char(12)     NOT NULL REFERENCES offices (code),   -- denormalised for jurisdiction filters
    name                varchar(50)  NOT NULL,
    former_names        varchar(200) NOT NULL DEFAULT '',
    sex                 char(1)      NOT NULL,      -- GB/T 2261.1
    ethnicity           char(2)      NOT NULL,      -- GB/T 3304
    birth_date          date         NOT NULL,
    birthplace_division char(6)      NOT NULL,      -- GB/T 2260
    id_number           char(18)     NOT NULL UNIQUE, -- GB 11643
    relation            char(2)      NOT NULL,      -- GB/T 4761, relation to the head of household
    status              varchar(10)  NOT NULL CHECK (status IN ('ACTIVE', 'MOVED_OUT', 'DECEASED')),
    hcybsh              varchar(24)  UNIQUE,        -- household member identifier (8.1.x); filled by its own issue
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now(),
    version             integer      NOT NULL DEFAULT 1
);
CREATE INDEX residents_household_idx ON residents (household_id);
CREATE INDEX residents_station_status_idx ON residents (station_code, status, id DESC);
CREATE INDEX residents_name_trgm_idx ON residents USING gin (name public.gin_trgm_ops);
