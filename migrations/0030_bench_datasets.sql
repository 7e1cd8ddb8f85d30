-- Imported benchmark datasets (docs/bench.md). One row is one version of a dataset: the whole validated file as
-- items, stored by a single INSERT, so an import is all or nothing. A version is named by the hash of its items
-- (the same hash a run records), so re-importing the same content is a no-op and a run always finds the exact
-- version it sampled, whatever was imported under that name later.
CREATE TABLE bench_datasets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- 'bank' is the built-in problem bank's name.
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,47}$' AND name <> 'bank'),
  hash text NOT NULL,
  shape text NOT NULL CHECK (shape IN ('choice', 'numeric', 'code')),
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  item_count integer NOT NULL CHECK (item_count > 0),
  -- [{ id, hash, kind, topic, difficulty, tags, title, statement, ... }] as src/bench/dataset.ts BenchItem.
  items jsonb NOT NULL,
  bytes integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, hash)
);
CREATE INDEX bench_datasets_latest_idx ON bench_datasets (name, id DESC);
