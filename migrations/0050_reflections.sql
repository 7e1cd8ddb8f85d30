-- Hamming reflections: a private journal. Each entry gets one follow-up question and one observation, written by
-- the worker (run kind reflection-answer). `revision` goes up on every edit and the answer is written only for the
-- revision it was asked about, so a slow answer to the old text never lands on the new one.
CREATE TABLE reflections (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  prompt_key text NOT NULL CHECK (prompt_key ~ '^[a-z][a-z-]{0,40}$'),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 8000),
  revision integer NOT NULL DEFAULT 1,
  follow_up text,
  observation text,
  answer_source text CHECK (answer_source IN ('llm', 'offline')),
  answer_notice text,
  answered_revision integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- /reflections lists one author's entries, newest first.
CREATE INDEX reflections_user_idx ON reflections (user_id, created_at DESC);
