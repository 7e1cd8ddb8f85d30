/**
 * Prompt: analyse a CV or summary. Every skill must come with a sentence copied from the CV; skills whose evidence
 * is not found in the CV are dropped after validation (src/career/llm.ts).
 */
import { definePrompt } from './define.js';

export const careerProfilePrompt = definePrompt<{ text: string }>({
  id: 'career-profile',
  version: '2026-12-07.1',
  system: `You read a candidate's CV and list what it shows, as JSON.
Answer with ONE JSON object and nothing else:
{"skills": [{"name": string, "evidence": string}], "seniority": [{"signal": string, "evidence": string}], "years": number|null}
Rules:
- "evidence" is a sentence or bullet copied word for word from the CV that shows the skill or the signal.
- List only skills the CV shows. Do not infer skills, numbers or seniority the text does not state.
- "years" is the years of professional experience the CV states or its dates span; null if it gives neither.`,
  messages: (input) => [{ role: 'user', content: `CV:\n"""\n${input.text.slice(0, 30_000)}\n"""` }],
});
