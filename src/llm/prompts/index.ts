/** Every prompt Bench sends, so tests and the admin page can list ids and versions. Add new prompt files here. */
import { providerCheckPrompt } from './provider-check.js';

export const ALL_PROMPTS = [providerCheckPrompt] as const;
