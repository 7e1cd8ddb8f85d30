-- Tuning of the run-queue schema after measuring the burn-down (docs/performance.md, "Run queue"). A separate file,
-- not an edit, because 0002_runs.sql is already applied in existing databases (migrations are forward-only and
-- checksummed). It keeps the runs area's number and sorts right after 0002_runs.sql.

-- Serves the sweeper and the admin page. A lease exists exactly while a run is running (the claim sets it; every
-- statement that ends or requeues a run clears it). The predicate is on the lease rather than on status on purpose:
-- an index with "status = 'running'" lures the planner into using it for the fenced writes (id, attempts, owner,
-- status), which then read every dead entry a burn-down leaves behind instead of one primary-key lookup per run.
DROP INDEX runs_running_idx;
CREATE INDEX runs_lease_idx ON runs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;

-- Serves "my runs"; system runs (no owner) are listed by admins through the primary key instead.
DROP INDEX runs_owner_idx;
CREATE INDEX runs_owner_idx ON runs (owner_id, id DESC) WHERE owner_id IS NOT NULL;

-- Every transition writes an event, so run_events is kept cheap to insert into: no foreign key (events are written
-- only by the statements that change their run, so the run exists; whatever deletes runs must delete their events
-- in the same statement) and no primary-key index (events are only ever read by run, in id order, which
-- run_events_run_idx serves).
ALTER TABLE run_events DROP CONSTRAINT run_events_run_id_fkey, DROP CONSTRAINT run_events_pkey;
