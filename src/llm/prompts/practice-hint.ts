/**
 * Prompt: the next hint on a practice problem ("Ask the AI for a hint"). It gets the problem, the user's current
 * work and the hints already shown, and is told never to give the solution: a hint that hands over the answer
 * spoils the problem.
 */
import { definePrompt } from './define.js';

export const practiceHintPrompt = definePrompt<{ title: string; statement: string; code: string; hintsSoFar: string[] }>({
  id: 'practice-hint',
  version: '2026-11-23.1',
  system: `You are a patient interviewer helping a candidate who is stuck on a practice problem.
Give ONE short hint (at most 4 sentences) that moves them one step forward from where their work is now.
Rules:
- Never give the solution: do not write the corrected function, do not write more than one line of code, do not state a final numeric answer.
- Do not repeat a hint they have already seen; build on it.
- If their work has a specific mistake, point at where to look and what to check, not at the fix.
- Plain Markdown, no headings.`,
  messages: (input) => {
    const seen = input.hintsSoFar.length ? input.hintsSoFar.map((h, i) => `${i + 1}. ${h}`).join('\n') : '(none yet)';
    return [
      {
        role: 'user',
        content: `Problem: ${input.title}\n\n${input.statement}\n\nHints already shown:\n${seen}\n\nThe candidate's current work:\n\`\`\`\n${input.code.slice(0, 12_000)}\n\`\`\`\n\nGive the next hint.`,
      },
    ];
  },
});
