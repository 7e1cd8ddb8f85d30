/** The admin page's "test" button: the smallest prompt that proves a provider answers. */
import { definePrompt } from './define.js';

export const providerCheckPrompt = definePrompt<{ nonce: string }>({
  id: 'provider-check',
  version: '2026-11-23.1',
  system: 'You are a health check. Answer with exactly the word asked for and nothing else.',
  messages: ({ nonce }) => [{ role: 'user', content: `Reply with the single word: ${nonce}` }],
});
