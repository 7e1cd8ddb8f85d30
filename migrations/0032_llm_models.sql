-- Models an OpenAI-compatible endpoint said it serves (GET /v1/models), synced at start and from /admin/providers
-- (docs/llm.md). The web process and the worker both add these to the provider's configured OPENAI_COMPAT_MODELS,
-- so a run created on a synced model can be executed by any worker. Rows are upserted, never deleted: a model that
-- disappeared from the endpoint keeps its row (last_seen_at says when it was last listed), so old runs still name it.
CREATE TABLE llm_models (
  provider text NOT NULL,
  model text NOT NULL,
  owned_by text,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, model)
);
