-- Idempotency keys committed with their mutation (issue 18 item 4 of the
-- follow-up): committed_at is set inside the mutation's own transaction, so
-- a reservation whose answer was never stored (the process died between the
-- commit and the answer) is known to have taken effect and is never run again.
ALTER TABLE idempotency_keys ADD COLUMN committed_at timestamptz;
