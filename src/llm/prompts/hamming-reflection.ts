/**
 * Prompt: answering a journal entry in /reflections with one probing follow-up question and one observation. It
 * asks for JSON so each part can be checked (src/reflections/answer.ts); an unreadable answer falls back offline.
 */
import { definePrompt } from './define.js';

export const hammingReflectionPrompt = definePrompt<{ prompt: string; entry: string }>({
  id: 'hamming-reflection',
  version: '2026-12-07.1',
  system: `You read a private journal entry by an ML engineer reflecting on their work and career, written in answer to a prompt in the spirit of Richard Hamming's talk "You and Your Research".
Reply with ONE probing follow-up question and ONE observation, both about what THIS entry says:
- The question pushes them one step further (toward the important problem, the door they could open, the thing they are avoiding). It ends with a question mark.
- The observation names a pattern, tension or omission in the entry, in one or two sentences. Do not praise, do not give a list of advice, do not invent facts about them.
Reply with JSON only, no prose around it:
{"followUp":"...?","observation":"..."}`,
  messages: (input) => [
    { role: 'user', content: `Prompt: ${input.prompt}\n\nEntry:\n${input.entry.slice(0, 8_000)}` },
  ],
});
