-- AI hints: the number asked for is kept as a counter, and only the latest few answers are kept as text.
-- Before, every click (including stand-ins shown while the AI budget was used up) was appended to ai_hints and sent
-- back with every later hint prompt; after ~100 clicks the prompt no longer fit its token reservation. The attempt
-- still records how many AI hints were used, so the count can no longer be the array's length.
ALTER TABLE problem_user_state ADD COLUMN ai_hints_used integer NOT NULL DEFAULT 0 CHECK (ai_hints_used >= 0);

-- Carry over the count, and keep the last 5 answers (src/practice/state-queries.ts, KEPT_AI_HINTS).
UPDATE problem_user_state
   SET ai_hints_used = jsonb_array_length(ai_hints),
       ai_hints = COALESCE(
         (SELECT jsonb_agg(e ORDER BY i) FROM jsonb_array_elements(ai_hints) WITH ORDINALITY AS t(e, i)
           WHERE i > jsonb_array_length(ai_hints) - 5),
         '[]'::jsonb)
 WHERE jsonb_array_length(ai_hints) > 0;
