-- Benchmark access for users who are not admins (docs/bench.md): the operator grants and revokes it per user on
-- /admin/bench-access. Admins always have it; a row here is what lets anyone else in.
CREATE TABLE bench_access (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  granted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  granted_at timestamptz NOT NULL DEFAULT now()
);
