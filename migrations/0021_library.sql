-- The reading library: a URL a user added, and what fetching it gave. A fetch that fails or is refused still keeps
-- the URL, with its status and a plain message.
CREATE TABLE library_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (length(url) <= 2000),
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'saved', 'refused', 'timeout', 'too_large', 'not_html', 'blocked_by_challenge', 'failed')),
  title text,
  description text,
  final_url text,
  message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  fetched_at timestamptz
);

-- /library lists one user's items, newest first.
CREATE INDEX library_items_user_idx ON library_items (user_id, created_at DESC);
