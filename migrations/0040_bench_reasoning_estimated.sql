-- Benchmark items (docs/bench.md): the reasoning a provider returned apart from the answer is kept on the row (it is
-- never graded), and written items scored offline by keyword coverage get the verdict 'estimated': an estimate is no
-- judgement, so it is counted and scored on its own line, never in the judged accuracy.
ALTER TABLE bench_items ADD COLUMN reasoning text;
ALTER TABLE bench_item_history ADD COLUMN reasoning text;
ALTER TABLE bench_items DROP CONSTRAINT bench_items_verdict_check;
ALTER TABLE bench_items ADD CONSTRAINT bench_items_verdict_check
  CHECK (verdict IN ('correct', 'incorrect', 'no_answer', 'truncated', 'error', 'estimated'));
