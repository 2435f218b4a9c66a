-- Delivery state of the outbox: a lease so that several servers on one database never send
-- the same mail at once, and the time a mail was given up on after its last try.
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
ALTER TABLE outbox ADD COLUMN failed_at INTEGER;
