-- "Retry errored items" moves a benchmark run's `error` rows here before re-running only those items, so the run's
-- current rows stay one per (item, sample) and the failed attempts stay visible in its history.
CREATE TABLE bench_item_history (
  LIKE bench_items INCLUDING DEFAULTS,
  retired_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_item_history_run_idx ON bench_item_history (bench_run_id);
