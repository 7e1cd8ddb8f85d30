/**
 * Prompts: the review of a graded code attempt, and the rubric scoring of a written answer. The rubric prompt asks
 * for JSON so each point gets its own verdict; an unreadable answer falls back to the offline keyword estimate.
 */
import { definePrompt } from './define.js';

export const practiceReviewPrompt = definePrompt<{ title: string; statement: string; code: string; results: string }>({
  id: 'practice-review',
  version: '2026-11-23.1',
  system: `You review a candidate's solution to an ML/research-engineering interview problem, after it was graded by tests.
Write Markdown with exactly these sections, each short and specific to THIS code:
### Correctness  (what the test results mean; name the bug if a test fails, without rewriting their code)
### Complexity   (time and memory, and whether that is what an interviewer expects)
### Edge cases   (which inputs could still break it)
### Style        (naming, structure, leftover debugging, error handling)
### What an interviewer might ask next  (two or three follow-up questions)
If tests fail, do not paste a full corrected solution.`,
  messages: (input) => [
    {
      role: 'user',
      content: `Problem: ${input.title}\n\n${input.statement}\n\nSubmitted code:\n\`\`\`python\n${input.code.slice(0, 16_000)}\n\`\`\`\n\nTest results:\n${input.results}`,
    },
  ],
});

export const practiceRubricPrompt = definePrompt<{ title: string; statement: string; rubric: string[]; answer: string }>({
  id: 'practice-rubric',
  version: '2026-11-23.1',
  system: `You grade a written answer to an interview question against a rubric, one point at a time.
A point is covered only if the answer actually makes that argument, not merely mentions a word.
Reply with JSON only, no prose around it:
{"points":[{"covered":true|false,"comment":"one sentence"}, ...one per rubric point, in order],"feedback":"2-4 sentences of Markdown on how to improve"}`,
  messages: (input) => [
    {
      role: 'user',
      content: `Question: ${input.title}\n\n${input.statement}\n\nRubric:\n${input.rubric.map((p, i) => `${i + 1}. ${p}`).join('\n')}\n\nAnswer:\n${input.answer.slice(0, 16_000)}`,
    },
  ],
});
