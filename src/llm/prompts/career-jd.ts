/**
 * Prompt: parse a job description into the structure /jobs shows. The answer must be one JSON object; it is
 * validated (src/career/schemas.ts) and anything that does not fit falls back to the offline parser.
 */
import { definePrompt } from './define.js';

export const careerJdPrompt = definePrompt<{ text: string }>({
  id: 'career-jd',
  version: '2026-12-07.1',
  system: `You read job descriptions for machine-learning and software roles and return their facts as JSON.
Answer with ONE JSON object and nothing else, with exactly these keys:
{"company": string|null, "role": string|null, "level": string|null, "location": string|null,
 "mustHave": [{"name": string, "text": string}], "niceToHave": [{"name": string, "text": string}],
 "yearsAskedFor": number|null, "interviewTopics": [string], "redFlags": [string]}
Rules:
- "name" is a short skill name (e.g. "PyTorch", "Kubernetes"); "text" is the line of the description it comes from.
- Put a skill under niceToHave only when the description marks it as a plus, bonus, preferred or nice to have.
- Use null or [] when the description does not say. Never invent a company, salary, level or skill.
- redFlags: wording a candidate should ask about (unpaid work, unrealistic years, always-on hours), each with its reason.`,
  messages: (input) => [{ role: 'user', content: `Job description:\n"""\n${input.text.slice(0, 30_000)}\n"""` }],
});
