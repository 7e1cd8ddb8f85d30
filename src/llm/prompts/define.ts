/**
 * How a prompt is written: one file per prompt in this folder, each with an id and a version. The version is
 * recorded on every llm_calls row, so a change in answers can be traced to a change in wording. Bump it whenever
 * the text changes (date + counter: '2026-11-23.1').
 */
import type { ChatMessage, PromptPayload } from '../types.js';

export interface PromptDefinition<Input> {
  id: string;
  version: string;
  system: string;
  /** Builds the conversation from the feature's input. */
  messages(input: Input): ChatMessage[];
}

export function definePrompt<Input>(def: PromptDefinition<Input>): PromptDefinition<Input> & { build(input: Input): PromptPayload } {
  if (!/^[a-z0-9-]+$/.test(def.id)) throw new Error(`prompt id "${def.id}" must be kebab-case`);
  if (!/^\d{4}-\d{2}-\d{2}\.\d+$/.test(def.version)) throw new Error(`prompt ${def.id}: version "${def.version}" must look like 2026-11-23.1`);
  return {
    ...def,
    build: (input) => ({ id: def.id, version: def.version, system: def.system, messages: def.messages(input) }),
  };
}
