-- Written answers scored offline get an estimate, not a verdict (docs/practice.md, "Written answers offline").
-- Keyword coverage cannot tell a list of keywords from an argued answer, so such an attempt is 'estimated': it never
-- counts as solved and never reveals the write-up. The user may then tick the rubric points they believe they
-- covered; those ticks are kept on the attempt as a self-assessment, shown apart from judged results.
ALTER TABLE attempts DROP CONSTRAINT attempts_status_check;
ALTER TABLE attempts ADD CONSTRAINT attempts_status_check
  CHECK (status IN ('pending', 'passed', 'failed', 'error', 'timeout', 'memory', 'gave_up', 'estimated'));
-- { "ticks": [bool per rubric point], "covered": n, "total": n, "at": iso time }; null until the user self-assesses.
ALTER TABLE attempts ADD COLUMN self_assessment jsonb;
