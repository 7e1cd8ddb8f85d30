-- Benchmark runs (docs/bench.md). A bench run is one model on one seeded sample of a dataset. The work itself is a
-- run of kind `bench-run` in the run queue (claim, lease, requeue after a crash); this table holds what the queue
-- does not know: the model, the sampled items, the budget and the spend. `run_id` is the queue run doing the work.

CREATE TABLE bench_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id bigint NOT NULL UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  -- Runs created together (several models, one seed) share a group, so the list can offer their comparison.
  group_id uuid NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  dataset text NOT NULL,
  dataset_hash text NOT NULL,
  seed text NOT NULL,
  -- filters, subset, samples per item, temperature, max output tokens, item concurrency.
  params jsonb NOT NULL,
  -- The sampled items in sampling order: [{ "id": ..., "hash": ... }]. Same seed, same dataset: same list.
  items jsonb NOT NULL,
  item_count integer NOT NULL CHECK (item_count >= 0),
  samples integer NOT NULL CHECK (samples BETWEEN 1 AND 100),
  budget_usd numeric(12, 6) CHECK (budget_usd > 0),
  budget_tokens bigint CHECK (budget_tokens > 0),
  estimate_usd numeric(12, 6),
  estimate_tokens bigint NOT NULL,
  spent_usd numeric(12, 6) NOT NULL DEFAULT 0,
  spent_tokens bigint NOT NULL DEFAULT 0,
  -- 'paused': the owner's daily token cap has no room; the worker keeps the run and resumes when it has.
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
  state_reason text,
  concurrency integer NOT NULL,
  -- Every change of the adaptive item concurrency: [{ "at": ..., "from": n, "to": m, "why": ... }].
  concurrency_log jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- App version, prompt versions, provider, parameters: what is needed to say how a score was obtained.
  provenance jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_runs_owner_idx ON bench_runs (owner_id, id DESC);
CREATE INDEX bench_runs_group_idx ON bench_runs (group_id);

-- One row per (run, item, sample): the primary key makes a resumed run skip what is done and never duplicate it.
CREATE TABLE bench_items (
  bench_run_id bigint NOT NULL REFERENCES bench_runs (id) ON DELETE CASCADE,
  item_id text NOT NULL,
  sample integer NOT NULL CHECK (sample >= 0),
  item_hash text NOT NULL,
  kind text NOT NULL,
  topic text NOT NULL,
  prompt_id text NOT NULL,
  prompt_version text NOT NULL,
  prompt text NOT NULL,
  response text,
  extracted text,
  -- How the answer was found: boxed, answer_line, last_number, code_block, whole_text, none.
  extraction text,
  verdict text NOT NULL CHECK (verdict IN ('correct', 'incorrect', 'no_answer', 'truncated', 'error')),
  grader_output jsonb,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cached_tokens integer NOT NULL DEFAULT 0,
  latency_ms integer,
  cost_usd numeric(12, 6),
  attempts integer NOT NULL DEFAULT 1,
  error_kind text,
  error_message text,
  stop_reason text,
  answered_by text,
  -- The queue attempt that wrote the row.
  run_attempt integer NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bench_run_id, item_id, sample)
);
