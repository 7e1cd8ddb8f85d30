/**
 * Prompt: a hint for a practice problem. Version bumps whenever the wording changes, so logged calls can be
 * compared per version. The system prompt forbids the solution: a hint that gives the answer away ruins the problem.
 */
import type { PromptSpec } from '../../practice/llm-port.js';

export const PRACTICE_HINT_ID = 'practice-hint';
export const PRACTICE_HINT_VERSION = 1;

const SYSTEM = `You are a patient interviewer helping a candidate who is stuck on a practice problem.
Give ONE short hint (at most 4 sentences) that moves them one step forward from where their code is now.
Rules:
- Never give the solution, never write the corrected function, never write more than one line of code.
- Do not repeat a hint they have already seen; build on it.
- If their code has a specific bug, point at where to look and what to check, not at the fix.
- Plain Markdown, no headings.`;

export function practiceHintPrompt(input: { title: string; statement: string; code: string; hintsSoFar: string[] }): PromptSpec {
  const seen = input.hintsSoFar.length ? input.hintsSoFar.map((h, i) => `${i + 1}. ${h}`).join('\n') : '(none yet)';
  return {
    id: PRACTICE_HINT_ID,
    version: PRACTICE_HINT_VERSION,
    system: SYSTEM,
    messages: [
      {
        role: 'user',
        content: `Problem: ${input.title}\n\n${input.statement}\n\nHints already shown:\n${seen}\n\nThe candidate's current work:\n\`\`\`\n${input.code.slice(0, 12_000)}\n\`\`\`\n\nGive the next hint.`,
      },
    ],
  };
}
