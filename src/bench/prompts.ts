/**
 * The prompts a benchmark sends, one per item kind, each versioned: the version is stored on every item row and in
 * the run's provenance, so a change in scores can be traced to a change in wording. Bump the version with the text.
 */
import { definePrompt } from '../llm/prompts/define.js';
import type { PromptPayload } from '../llm/types.js';
import { costOf } from '../llm/prices.js';
import type { BenchItem } from './dataset.js';

/**
 * The judge of written items: the question, the rubric points and the answer; it must reply with JSON only, one
 * verdict per point in order. Its output is validated (judge.ts); anything else is an `error`, never a score.
 */
export const judgePrompt = definePrompt<{ item: BenchItem; answer: string }>({
  id: 'bench-judge',
  version: '2026-12-07.1',
  system: `You grade a written answer to an interview question against a rubric, one point at a time. A point is covered only when the answer states it and argues it correctly; naming a keyword is not enough. Reply with JSON only, no prose and no code fence:
{"points":[{"covered":true|false,"comment":"one sentence"}, ...one per rubric point, in order]}`,
  messages: ({ item, answer }) => [
    {
      role: 'user',
      content: `Question: ${item.title}\n\n${item.statement.trim()}\n\nRubric:\n${(item.rubric ?? []).map((r, i) => `${i + 1}. ${r.point}`).join('\n')}\n\nAnswer:\n${answer.slice(0, 16_000)}`,
    },
  ],
});

/** The most a judge may write: a verdict and a sentence per point. */
export const JUDGE_MAX_TOKENS = 800;

const SYSTEM = 'You are being evaluated on a technical problem. Work it out, then give your final answer in the format asked for.';

export const numericPrompt = definePrompt<BenchItem>({
  id: 'bench-numeric',
  version: '2026-12-07.1',
  system: SYSTEM,
  messages: (item) => [
    {
      role: 'user',
      content: `${item.statement.trim()}\n\nEnd your reply with one line of the form "Answer: <number>" holding only the final numeric answer.`,
    },
  ],
});

export const codePrompt = definePrompt<BenchItem>({
  id: 'bench-code',
  version: '2026-12-07.1',
  system: SYSTEM,
  messages: (item) => [
    {
      role: 'user',
      content: `${item.statement.trim()}\n\nStart from this code:\n\n\`\`\`python\n${(item.starter ?? '').trim()}\n\`\`\`\n\nReply with the complete Python module in one \`\`\`python block.`,
    },
  ],
});

export const writtenPrompt = definePrompt<BenchItem>({
  id: 'bench-written',
  version: '2026-12-07.1',
  system: SYSTEM,
  messages: (item) => [
    {
      role: 'user',
      content: `${item.statement.trim()}\n\nAnswer as you would in an interview, in prose: cover what matters and argue your choices.`,
    },
  ],
});

/** The letters of a multiple-choice item's options, in order: "ABCD" for four. */
export function choiceLetters(item: Pick<BenchItem, 'options'>): string {
  return (item.options ?? []).map((_o, i) => String.fromCharCode(65 + i)).join('');
}

export const choicePrompt = definePrompt<BenchItem>({
  id: 'bench-choice',
  version: '2026-12-07.1',
  system: SYSTEM,
  messages: (item) => [
    {
      role: 'user',
      content: `${item.statement.trim()}\n\n${(item.options ?? []).map((o, i) => `${choiceLetters(item)[i]}. ${o}`).join('\n')}\n\nEnd your reply with one line of the form "Answer: <letter>" holding only the letter of the right option.`,
    },
  ],
});

export const BENCH_PROMPTS = { numeric: numericPrompt, code: codePrompt, written: writtenPrompt, choice: choicePrompt } as const;

export function promptFor(item: BenchItem): PromptPayload {
  return BENCH_PROMPTS[item.kind].build(item);
}

export function promptVersions(): Record<string, string> {
  return Object.fromEntries([...Object.values(BENCH_PROMPTS), judgePrompt].map((p) => [p.id, p.version]));
}

/**
 * The offline provider's answer: a fixed baseline, not a model. Numeric items get the guess 0, multiple-choice items
 * the letter A, and code items the
 * starter code unchanged, so an offline run exercises the whole pipeline and scores what doing nothing scores.
 */
export function offlineBaseline(item: BenchItem): string {
  if (item.kind === 'numeric') return 'Offline baseline: no model was called.\nAnswer: 0';
  if (item.kind === 'written') return 'Offline baseline: no model was called, so there is no written answer.';
  if (item.kind === 'choice') return 'Offline baseline: no model was called.\nAnswer: A';
  return `Offline baseline: the starter code, unchanged.\n\n\`\`\`python\n${item.starter ?? ''}\n\`\`\``;
}

/**
 * The tokens one call is expected to take: input at four bytes a token plus framing (English text runs at about
 * that), output at the full max tokens. The creation estimate and the run's budget guard both use it, so a run
 * whose estimate fits its budget is not stopped early by a stricter guard.
 */
export function callEstimate(item: BenchItem, maxOutputTokens: number): { inputTokens: number; outputTokens: number } {
  const p = promptFor(item);
  const bytes = Buffer.byteLength(p.system) + p.messages.reduce((s, m) => s + Buffer.byteLength(m.content), 0);
  return { inputTokens: Math.ceil(bytes / 4) + 40, outputTokens: maxOutputTokens };
}

/** The judge call expected for an item whose answer is at most `maxOutputTokens` long (same rule as callEstimate). */
export function judgeEstimate(item: BenchItem, maxOutputTokens: number): { inputTokens: number; outputTokens: number } {
  const p = judgePrompt.build({ item, answer: '' });
  const bytes = Buffer.byteLength(p.system) + p.messages.reduce((s, m) => s + Buffer.byteLength(m.content), 0);
  return { inputTokens: Math.ceil(bytes / 4) + 40 + maxOutputTokens, outputTokens: JUDGE_MAX_TOKENS };
}

/**
 * What one item is expected to add to a run's spend: the answer's call, plus the judge's for a written item when the
 * run has a judge. The creation estimate sums these and the run's budget guard charges them to calls in flight.
 */
export function itemEstimate(
  item: BenchItem,
  model: string,
  params: { maxOutputTokens: number; judge?: { model: string } },
  paid = true,
): { usd: number | null; tokens: number } {
  const e = callEstimate(item, params.maxOutputTokens);
  let usd = paid ? costOf(model, { ...e, cacheReadTokens: 0, cacheWriteTokens: 0 }) : 0;
  let tokens = e.inputTokens + e.outputTokens;
  if (item.kind === 'written' && params.judge) {
    const j = judgeEstimate(item, params.maxOutputTokens);
    const judgeUsd = costOf(params.judge.model, { ...j, cacheReadTokens: 0, cacheWriteTokens: 0 });
    usd = usd === null || judgeUsd === null ? null : usd + judgeUsd;
    tokens += j.inputTokens + j.outputTokens;
  }
  return { usd, tokens };
}
