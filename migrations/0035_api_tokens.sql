-- Personal API tokens (src/auth/api-tokens.ts): a bearer credential for the benchmark API and the CLI. Only the
-- SHA-256 of the token is kept: the token is 256 random bits, so a fast hash is enough (nothing to brute-force) and
-- lookup is one index probe. The token itself is shown once, at creation. The signer's kind ('local' or 'supabase')
-- is kept so each request can make the same access decision a signed-in browser gets (the local operator is an
-- admin only as a local identity). Revoked tokens stay, with revoked_at, so a refused request can say why.
CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issuer_kind text NOT NULL CHECK (issuer_kind IN ('local', 'supabase')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
