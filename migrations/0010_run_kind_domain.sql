-- The run kind's format check moves from a table CHECK constraint to a domain (docs/performance.md, "Run queue").
-- Postgres evaluates every CHECK constraint of a table on every UPDATE, whichever columns the UPDATE sets, and this
-- one is a regular expression: on a burn-down it was ~11 % of the Postgres CPU spent claiming and completing runs
-- (perf: pg_regexec under ExecConstraints), though no statement after the INSERT ever changes a run's kind. A
-- domain's check runs only where a value is assigned to the domain: on INSERT, and on an UPDATE that sets `kind`.
-- Same rule, same error class (check_violation).
CREATE DOMAIN run_kind AS text CHECK (VALUE ~ '^[a-z][a-z0-9_-]{0,62}$');
ALTER TABLE runs DROP CONSTRAINT runs_kind_check, ALTER COLUMN kind TYPE run_kind;
