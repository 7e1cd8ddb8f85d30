/**
 * The judge model's call for one written answer, through the same LLM layer (and the run owner's daily cap) as the
 * answer itself. Returns the reply unread: judge.ts validates it, and a reply that fails is recorded as `error`
 * with what the judge cost still added to the run's spend.
 */
import type { Llm } from '../llm/index.js';
import type { InvokeResult } from '../llm/types.js';
import type { BenchItem } from './dataset.js';
import { JudgeMalformedError, judgedGrade, parseJudgeReply, type JudgeSpec } from './judge.js';
import type { Graded } from './grade.js';
import { JUDGE_MAX_TOKENS, judgePrompt } from './prompts.js';

export function callJudge(llm: Pick<Llm, 'invoke'>, ownerId: string | null, judge: JudgeSpec, item: BenchItem, answer: string, signal: AbortSignal): Promise<InvokeResult> {
  return llm.invoke(
    judge.provider,
    {
      userId: ownerId,
      feature: 'benchmark_run',
      prompt: judgePrompt.build({ item, answer }),
      model: judge.model,
      maxOutputTokens: JUDGE_MAX_TOKENS,
      temperature: 0,
      // Named only when the judge is offline/offline, which creation refuses: say so rather than invent verdicts.
      offline: () => ({ text: 'offline: no judge' }),
    },
    signal,
  );
}

/** The verdict from a judge's reply: judged, or `error` (judge_malformed) when the reply is not the JSON asked for. */
export function gradeFromJudge(item: BenchItem, answer: string, judge: JudgeSpec, reply: InvokeResult): Graded {
  const spec = { ...judge, answeredBy: reply.model, promptId: judgePrompt.id, promptVersion: judgePrompt.version };
  const extra = { usd: reply.costUsd, tokens: reply.usage.inputTokens + reply.usage.outputTokens };
  try {
    return { ...judgedGrade(item, answer, parseJudgeReply(reply.answer, item.rubric?.length ?? 0), spec), extraSpend: extra };
  } catch (err) {
    if (!(err instanceof JudgeMalformedError)) throw err;
    return {
      verdict: 'error',
      extracted: answer,
      extraction: 'whole_text',
      graderOutput: { judged: false, judge: spec, judgeReply: err.reply.slice(0, 4000) },
      error: { kind: 'judge_malformed', message: err.message },
      extraSpend: extra,
    };
  }
}
