/**
 * Prompts: the review of a graded code attempt, and the rubric scoring of a written answer. The rubric prompt asks
 * for JSON so each point gets its own verdict; anything unreadable falls back to the offline keyword estimate.
 */
import type { PromptSpec } from '../../practice/llm-port.js';

export const PRACTICE_REVIEW_ID = 'practice-review';
export const PRACTICE_REVIEW_VERSION = 1;
export const PRACTICE_RUBRIC_ID = 'practice-rubric';
export const PRACTICE_RUBRIC_VERSION = 1;

const REVIEW_SYSTEM = `You review a candidate's solution to an ML/research-engineering interview problem, after it was graded by tests.
Write Markdown with exactly these sections, each short and specific to THIS code:
### Correctness  (what the test results mean; name the bug if a test fails, without rewriting their code)
### Complexity   (time and memory, and whether that is what an interviewer expects)
### Edge cases   (which inputs could still break it)
### Style        (naming, structure, leftover debugging, error handling)
### What an interviewer might ask next  (two or three follow-up questions)
If tests fail, do not paste a full corrected solution.`;

export function practiceReviewPrompt(input: { title: string; statement: string; code: string; results: string }): PromptSpec {
  return {
    id: PRACTICE_REVIEW_ID,
    version: PRACTICE_REVIEW_VERSION,
    system: REVIEW_SYSTEM,
    messages: [
      {
        role: 'user',
        content: `Problem: ${input.title}\n\n${input.statement}\n\nSubmitted code:\n\`\`\`python\n${input.code.slice(0, 16_000)}\n\`\`\`\n\nTest results:\n${input.results}`,
      },
    ],
  };
}

const RUBRIC_SYSTEM = `You grade a written answer to an interview question against a rubric, one point at a time.
A point is covered only if the answer actually makes that argument, not merely mentions a word.
Reply with JSON only, no prose around it:
{"points":[{"covered":true|false,"comment":"one sentence"}, ...one per rubric point, in order],"feedback":"2-4 sentences of Markdown on how to improve"}`;

export function practiceRubricPrompt(input: { title: string; statement: string; rubric: string[]; answer: string }): PromptSpec {
  return {
    id: PRACTICE_RUBRIC_ID,
    version: PRACTICE_RUBRIC_VERSION,
    system: RUBRIC_SYSTEM,
    messages: [
      {
        role: 'user',
        content: `Question: ${input.title}\n\n${input.statement}\n\nRubric:\n${input.rubric.map((p, i) => `${i + 1}. ${p}`).join('\n')}\n\nAnswer:\n${input.answer.slice(0, 16_000)}`,
      },
    ],
  };
}
