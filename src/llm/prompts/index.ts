/** Every prompt Bench sends, so tests and the admin page can list ids and versions. Add new prompt files here. */
import { careerFitPrompt } from './career-fit.js';
import { careerJdPrompt } from './career-jd.js';
import { careerProfilePrompt } from './career-profile.js';
import { providerCheckPrompt } from './provider-check.js';

export const ALL_PROMPTS = [providerCheckPrompt, careerJdPrompt, careerProfilePrompt, careerFitPrompt] as const;
