-- Secrets Bench generates for itself and shares between processes and restarts: the cookie-signing secret and the
-- local sign-in key pair. Kept in the database so the web and worker (and several machines) agree without new
-- environment variables the Python Bench did not have.
CREATE TABLE app_secrets (
  name text PRIMARY KEY,
  value jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
