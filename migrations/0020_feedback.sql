-- Feedback from signed-in users. The row is the source of truth: promoting it to a GitHub issue only records the
-- issue's address on it, and a GitHub failure only records the error, so nothing a user wrote is ever lost.
CREATE TABLE feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('bug', 'idea', 'question', 'other')),
  message text NOT NULL CHECK (length(message) BETWEEN 1 AND 4000),
  -- The path of the page the form was opened from (never a full URL: validated to start with a single '/').
  page text NOT NULL CHECK (page LIKE '/%' AND length(page) <= 300),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set while one operator's promotion is talking to GitHub, so a double click cannot file two issues.
  promotion_started_at timestamptz,
  github_issue_url text,
  promoted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  promoted_at timestamptz,
  last_error text,
  last_error_at timestamptz
);

-- /admin/feedback lists newest first.
CREATE INDEX feedback_created_at_idx ON feedback (created_at DESC);
