-- run_events is read one run at a time (the run page, in id order) and written twice per run on the queue's hot path
-- (claim and completion; docs/performance.md, "Run queue"). A btree on (run_id, id) costs an index entry per event;
-- a BRIN index costs almost nothing to insert into: events are only ever appended, roughly in run-id order, and an
-- insert into the table's last, not yet summarized block range writes nothing to the index at all.
--
-- minmax_multi rather than plain minmax: a run that finishes long after it started (a long run, a retry after a
-- backoff) appends an event with an old run id among much newer ones. Plain minmax would widen that block range to
-- span every run in between, and each such range is read by every later lookup; minmax_multi keeps a few intervals
-- per range, so one outlier does not. 16 pages per range (~1,400 events) keeps the rows rechecked per lookup small.
-- autosummarize: each block range is summarized (by an autovacuum work item) once the inserts have moved past it,
-- instead of waiting for a vacuum; until then a range is read whole by every lookup.
--
-- Measured with test/bench/queue/explain-events.ts (102,000 events of 34,000 runs, 2 % of runs finishing up to
-- 5,000 runs late): reading one run's events takes ~0.3 ms (36 pages, ~3,000 rows rechecked) with this index once
-- summarized, ~7 ms with the whole table unsummarized, and 0.03 ms with the btree it replaces. Plain minmax with 16
-- pages per range: 0.3-1.3 ms (the late finishers widen the ranges).
DROP INDEX run_events_run_idx;
CREATE INDEX run_events_run_idx ON run_events USING brin (run_id int8_minmax_multi_ops)
  WITH (pages_per_range = 16, autosummarize = on);
