-- Users are keyed by the auth subject (Supabase's user id, or the local operator's id), never by e-mail.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text,
  display_name text,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz
);

-- Case-insensitive e-mail lookups (allowlist by e-mail, approved access requests).
CREATE INDEX users_email_lower_idx ON users (lower(email));
