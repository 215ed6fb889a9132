-- Household migration (2.2.4–2.2.6): a household is closed when its last member moves out (never
-- deleted), and every move of a resident out of or into the register is kept with its destination or
-- origin and date. Append-only: residents who moved out keep their rows, marked MOVED_OUT.
ALTER TABLE households ADD COLUMN closed_at timestamptz;

--bun:split
CREATE TABLE resident_moves (
    id          varchar(36)  PRIMARY KEY,
    resident_id varchar(36)  NOT NULL REFERENCES residents (id),
    direction   varchar(3)   NOT NULL CHECK (direction IN ('OUT', 'IN')),
    collab_no   varchar(64)  NOT NULL,
    office      char(12)     NOT NULL,              -- the other side's office: destination (OUT) or origin (IN)
    place       varchar(200) NOT NULL,              -- the destination or origin address as registered there
    moved_on    date         NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (resident_id, direction, collab_no)
);

--bun:split
CREATE INDEX resident_moves_resident_idx ON resident_moves (resident_id);
