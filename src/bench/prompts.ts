/**
 * The prompts a benchmark sends, one per item kind, each versioned: the version is stored on every item row and in
 * the run's provenance, so a change in scores can be traced to a change in wording. Bump the version with the text.
 */
import { definePrompt } from '../llm/prompts/define.js';
import type { PromptPayload } from '../llm/types.js';
import type { BenchItem } from './dataset.js';

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

export const BENCH_PROMPTS = { numeric: numericPrompt, code: codePrompt, choice: choicePrompt } as const;

export function promptFor(item: BenchItem): PromptPayload {
  return BENCH_PROMPTS[item.kind].build(item);
}

export function promptVersions(): Record<string, string> {
  return Object.fromEntries(Object.values(BENCH_PROMPTS).map((p) => [p.id, p.version]));
}

/**
 * The offline provider's answer: a fixed baseline, not a model. Numeric items get the guess 0, multiple-choice items
 * the letter A, and code items the
 * starter code unchanged, so an offline run exercises the whole pipeline and scores what doing nothing scores.
 */
export function offlineBaseline(item: BenchItem): string {
  if (item.kind === 'numeric') return 'Offline baseline: no model was called.\nAnswer: 0';
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
