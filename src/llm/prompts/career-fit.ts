/**
 * Prompt: a short prose reading of a fit assessment. The model sees only the assessment's lines; its sentences are
 * checked against them afterwards (src/career/reading.ts) and any that claim more are removed.
 */
import { definePrompt } from './define.js';

export const careerFitPrompt = definePrompt<{ target: string; score: string; lines: string[] }>({
  id: 'career-fit',
  version: '2026-12-07.1',
  system: `You help a candidate read how their CV fits a job description. You are given the assessment line by line.
Answer with ONE JSON object and nothing else: {"reading": string}
The reading is 3 to 6 plain sentences: what the CV shows, what it does not state but could, and the real gaps to work on.
Rules: mention only skills and numbers that appear in the lines given; never add skills, years, figures or a seniority
level the lines do not show; do not restate the score differently from the one given.`,
  messages: (input) => [
    {
      role: 'user',
      content: `Role: ${input.target}\nScore: ${input.score}\n\nAssessment (status — requirement — evidence):\n${input.lines.join('\n')}`,
    },
  ],
});
