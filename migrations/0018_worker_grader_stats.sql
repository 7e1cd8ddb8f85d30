-- The grader pool lives inside each worker process; the ops page (/admin/ops) reads its warm/busy/queued counts
-- from here. Written with every sweep's heartbeat. Expand-only: an older build that never writes it still works.
ALTER TABLE worker_heartbeats ADD COLUMN grader jsonb;
