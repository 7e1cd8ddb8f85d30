-- Attempts cut short by a graceful worker shutdown (a deploy, a scale-down) are not the run's failures. `attempts`
-- cannot be given back (it is the fencing token: every claim must raise it), so the ones a shutdown interrupted are
-- counted here, and "attempts left" is max_attempts - (attempts - interruptions). A crash or a lost lease still
-- counts against the run: a run that kills its worker every time must stop somewhere.
ALTER TABLE runs ADD COLUMN interruptions integer NOT NULL DEFAULT 0;
