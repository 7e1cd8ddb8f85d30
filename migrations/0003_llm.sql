-- The LLM layer: each user's token use per UTC day (with in-flight reservations), per-user caps set by the
-- operator, and one telemetry row per call.

-- One row per user per UTC day. A call first adds its worst-case token count to reserved_tokens (one atomic
-- statement that succeeds only if used + reserved + the new reservation fits under cap_tokens), then moves the real
-- count to used_tokens when it finishes, or gives the reservation back when it fails. See src/llm/budget.ts.
CREATE TABLE llm_daily_usage (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  day date NOT NULL,
  used_tokens bigint NOT NULL DEFAULT 0 CHECK (used_tokens >= 0),
  reserved_tokens bigint NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0),
  -- The cap in force at the last reservation, kept so a past day shows what it was measured against.
  cap_tokens bigint NOT NULL CHECK (cap_tokens >= 0),
  calls integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, day)
);

-- The operator's per-user override of ANTHROPIC_DAILY_TOKEN_CAP. No row: the configured default applies.
CREATE TABLE llm_user_caps (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  daily_token_cap bigint NOT NULL CHECK (daily_token_cap >= 0),
  set_by uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per complete()/invoke() call, whichever path answered. The same invocation id is on the
-- llm.invoked / llm.completed / llm.error log events, so a row and its log lines can be joined.
CREATE TABLE llm_calls (
  invocation_id uuid PRIMARY KEY,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  feature text NOT NULL,
  -- The provider asked for (anthropic, openai-compatible, offline); source says what actually answered.
  provider text NOT NULL,
  model text,
  prompt_id text NOT NULL,
  prompt_version text NOT NULL,
  source text NOT NULL CHECK (source IN ('llm', 'offline')),
  -- ok: the provider answered. fallback: the offline path answered instead, for error_kind. error: nothing answered.
  outcome text NOT NULL CHECK (outcome IN ('ok', 'fallback', 'error')),
  error_kind text CHECK (error_kind IN ('not_configured', 'auth_failed', 'rate_limited', 'overloaded', 'timeout',
                                        'bad_response', 'network', 'invalid_request', 'budget_exceeded')),
  stop_reason text,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cache_read_tokens integer NOT NULL DEFAULT 0,
  cache_write_tokens integer NOT NULL DEFAULT 0,
  reserved_tokens integer NOT NULL DEFAULT 0,
  -- NULL when the model has no entry in the price table: a cost is never guessed.
  cost_usd numeric(12, 6),
  price_version text,
  latency_ms integer NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((outcome = 'ok') = (error_kind IS NULL))
);

CREATE INDEX llm_calls_created_idx ON llm_calls (created_at DESC);
CREATE INDEX llm_calls_user_created_idx ON llm_calls (user_id, created_at DESC);
