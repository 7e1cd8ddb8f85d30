-- Requests to be let in, and the operator's decisions on them. This table is the source of truth: e-mail is only a
-- notification about a row, so a request is never lost when e-mail is down.
CREATE TABLE access_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  github_username text,
  reason text NOT NULL,
  -- Set only when the requester was signed in (a verified token) while asking: approval then matches the exact user.
  user_id uuid,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'revoked')),
  -- How many times the same e-mail asked while the request was pending (duplicates are merged into one row).
  times_requested integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  operator_notified_at timestamptz,
  decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  decision_note text,
  requester_notified_at timestamptz,
  -- Revoking an approval keeps who approved it; the revocation is recorded beside it.
  revoked_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz
);

-- At most one pending request per e-mail: a second submission merges into it (INSERT ... ON CONFLICT), race-free.
CREATE UNIQUE INDEX access_requests_one_pending_per_email ON access_requests (lower(email)) WHERE status = 'pending';

-- The per-request access check looks up approvals by user id or e-mail.
CREATE INDEX access_requests_approved_email_idx ON access_requests (lower(email)) WHERE status = 'approved';
CREATE INDEX access_requests_approved_user_idx ON access_requests (user_id) WHERE status = 'approved';
