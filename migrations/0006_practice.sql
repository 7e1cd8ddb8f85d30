-- Practice: the problem bank mirrored from src/practice/bank/ at boot, and what each user does with it.

-- One row per problem slug; the files are the source of truth, this row is the latest synced copy's summary.
CREATE TABLE problems (
  slug text PRIMARY KEY,
  current_version text NOT NULL,
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('code', 'numeric', 'written')),
  topic text NOT NULL,
  difficulty text NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
  minutes integer NOT NULL,
  -- False once the folder is gone from the bank: attempts keep pointing at it, listings hide it.
  active boolean NOT NULL DEFAULT true,
  synced_at timestamptz NOT NULL DEFAULT now()
);

-- Every content version ever synced, keyed by the hash of its files, so an attempt is always graded (and later
-- re-read) against exactly the statement and tests the user saw, even after the bank changes.
CREATE TABLE problem_versions (
  hash text PRIMARY KEY,
  slug text NOT NULL REFERENCES problems (slug),
  content jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problem_versions_slug_idx ON problem_versions (slug);

-- run_id points at the grading run; it has no foreign key so this file does not depend on the run queue's
-- migration order, and a pruned run leaves the attempt (the user's record) intact.
CREATE TABLE attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  slug text NOT NULL REFERENCES problems (slug),
  version_hash text NOT NULL REFERENCES problem_versions (hash),
  kind text NOT NULL CHECK (kind IN ('code', 'numeric', 'written')),
  -- code: the program; written: the Markdown answer; numeric: the number as typed.
  submission text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'passed', 'failed', 'error', 'timeout', 'memory', 'gave_up')),
  -- Per-test results (code), rubric points (written) or the expected answer (numeric).
  result jsonb,
  -- Fraction of tests passed or rubric points covered, 0..1.
  score real,
  review jsonb,
  hints_used integer NOT NULL DEFAULT 0,
  ai_hints_used integer NOT NULL DEFAULT 0,
  run_id bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  graded_at timestamptz
);
CREATE INDEX attempts_user_slug_idx ON attempts (user_id, slug, created_at DESC);
CREATE INDEX attempts_run_idx ON attempts (run_id) WHERE run_id IS NOT NULL;

-- What a user has open on a problem between attempts: the autosaved draft, private notes, and hints revealed.
CREATE TABLE problem_user_state (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  slug text NOT NULL REFERENCES problems (slug),
  draft text,
  draft_saved_at timestamptz,
  notes text NOT NULL DEFAULT '',
  hint_level integer NOT NULL DEFAULT 0,
  -- [{ text, source, at }] from "Ask the AI for a hint", in order.
  ai_hints jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, slug)
);

-- "Report a problem with this problem": lands with the operator (the admin list reads this table).
CREATE TABLE problem_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  slug text NOT NULL REFERENCES problems (slug),
  version_hash text REFERENCES problem_versions (hash),
  category text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX problem_reports_open_idx ON problem_reports (created_at DESC) WHERE resolved_at IS NULL;
