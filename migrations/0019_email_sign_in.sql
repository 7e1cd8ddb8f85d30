-- E-mail sign-in attempts: every "e-mail me a link" and every typed code, for the per-address and per-IP limits
-- (src/auth/email-service.ts). In the database, not in process memory, so every web machine counts the same attempts.
-- The address is stored as a SHA-256 of its lower-cased form: the limit needs only equality, and strangers' addresses
-- typed into the form need not sit here in clear. Rows older than a day are deleted as new ones arrive.
CREATE TABLE email_sign_in_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('link', 'code')),
  email_key text NOT NULL,
  ip text NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_sign_in_attempts_email_idx ON email_sign_in_attempts (kind, email_key, attempted_at);
CREATE INDEX email_sign_in_attempts_ip_idx ON email_sign_in_attempts (kind, ip, attempted_at);
CREATE INDEX email_sign_in_attempts_age_idx ON email_sign_in_attempts (attempted_at);

-- The Supabase invitation sent on approval (SUPABASE_SERVICE_ROLE_KEY set): 'sent'; 'registered' when Supabase
-- already has a user with that address (no invitation needed: they sign in with a link); 'failed' with Supabase's
-- reason. NULL when no invitation was tried. The approval itself never depends on it.
ALTER TABLE access_requests
  ADD COLUMN invite_status text CHECK (invite_status IN ('sent', 'registered', 'failed')),
  ADD COLUMN invite_error text,
  ADD COLUMN invite_attempted_at timestamptz;
