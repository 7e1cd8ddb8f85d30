-- Career tools: a user's job descriptions, their one profile (a pasted CV or summary) and the prose reading of a
-- fit between the two. Each parsed or analysed structure is stored as validated JSON (src/career/schemas.ts) with
-- where it came from (the model, the offline path, or the user's own corrections) and any note about a fallback.
CREATE TABLE job_descriptions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  source_url text CHECK (length(source_url) <= 2000),
  raw_text text CHECK (length(raw_text) <= 40000),
  status text NOT NULL DEFAULT 'analysing' CHECK (status IN ('analysing', 'ready', 'failed')),
  parsed jsonb,
  source text CHECK (source IN ('llm', 'offline', 'edited')),
  notice text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (source_url IS NOT NULL OR raw_text IS NOT NULL)
);
CREATE INDEX job_descriptions_user_idx ON job_descriptions (user_id, created_at DESC);

CREATE TABLE career_profiles (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  raw_text text NOT NULL CHECK (length(raw_text) <= 40000),
  status text NOT NULL DEFAULT 'analysing' CHECK (status IN ('analysing', 'ready', 'failed')),
  analysis jsonb,
  source text CHECK (source IN ('llm', 'offline')),
  notice text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The reading is written over a snapshot of the assessment, so it can be checked against what it was given.
CREATE TABLE fit_readings (
  job_id bigint PRIMARY KEY REFERENCES job_descriptions (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  assessment jsonb NOT NULL,
  status text NOT NULL DEFAULT 'analysing' CHECK (status IN ('analysing', 'ready', 'failed')),
  reading text,
  source text CHECK (source IN ('llm', 'offline')),
  notice text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
