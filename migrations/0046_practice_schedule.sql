-- Problems scheduled into a user's "next up" on /progress from outside practice (a career plan's real gaps). A row
-- counts until the user attempts the problem after it was scheduled; from then on the spaced-review rules apply.
CREATE TABLE practice_schedule (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  slug text NOT NULL,
  due_at timestamptz NOT NULL,
  reason text NOT NULL CHECK (length(reason) <= 300),
  -- Who scheduled it, e.g. 'job:12', so a plan can list its own rows.
  origin text NOT NULL CHECK (length(origin) <= 100),
  scheduled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, slug)
);
CREATE INDEX practice_schedule_origin_idx ON practice_schedule (user_id, origin);
