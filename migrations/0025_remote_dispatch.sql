-- Remote dispatch (docs/dispatch.md). A benchmark run created while BENCH_REMOTE=fly is marked remote: a worker
-- with remote dispatch on runs it on a short-lived Fly Machine instead of in its own process.
ALTER TABLE bench_runs ADD COLUMN remote boolean NOT NULL DEFAULT false;

-- One row per machine made for a run attempt: what the run page and /admin/ops show, and what the machine cost.
-- Nothing secret is kept here (no env, no token): only what the Machines API says about the machine.
CREATE TABLE run_machines (
  machine_id text PRIMARY KEY,
  run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  -- The worker whose dispatcher watches the machine (the run's lease owner): while it lives and the row is not
  -- ended, the sweeper leaves the machine to it.
  dispatcher_worker text NOT NULL,
  region text NOT NULL,
  -- {cpu_kind, cpus, memory_mb}: the size the cost was computed for.
  guest jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- How the machine ended, as the dispatcher saw it (exited, no_exit_event, deadline, vanished, aborted, swept).
  end_kind text,
  exit_code integer,
  ended_at timestamptz,
  seconds numeric(12, 3),
  cost_usd numeric(12, 6),
  destroyed_at timestamptz,
  -- Every state change the dispatcher observed: [{ "at": ..., "state": ..., "note": ... }], oldest first.
  states jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX run_machines_run_idx ON run_machines (run_id, created_at);
-- /admin/ops lists the machines not known destroyed.
CREATE INDEX run_machines_live_idx ON run_machines (created_at) WHERE destroyed_at IS NULL;
