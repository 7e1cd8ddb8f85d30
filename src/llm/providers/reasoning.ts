/**
 * Reasoning models behind OpenAI-style endpoints put their thinking in different places: inline `<think>` blocks,
 * a bare `</think>` when the chat template already opened the block (DeepSeek-R1 served by vLLM), or a separate
 * `reasoning` / `reasoning_content` field with the answer in `content` -- or, when the output budget ran out or the
 * server does not split them, only in that field. Features parse answers, so the thinking must be gone first.
 */

/** Removes every `<think>...</think>` block, a leading run up to a bare `</think>`, and an unclosed trailing block. */
export function stripThinking(text: string): string {
  let out = text.replace(/<think>[\s\S]*?<\/think>/gi, '');
  // The template opened the block and only the close made it into the output: everything before it is thinking.
  const close = out.search(/<\/think>/i);
  if (close !== -1) out = out.slice(close + '</think>'.length);
  // Cut off mid-thought (max tokens): an opened block never closed holds no answer.
  const open = out.search(/<think>/i);
  if (open !== -1) out = out.slice(0, open);
  return out.trim();
}

export interface ChatChoiceMessage {
  content?: unknown;
  reasoning?: unknown;
  reasoning_content?: unknown;
}

/**
 * The answer of a chat-completions message: `content` without thinking; when that is empty, the reasoning field
 * (some servers put the whole output there), also without thinking tags. Null when there is no text anywhere.
 */
export function answerText(message: ChatChoiceMessage): string | null {
  const content = typeof message.content === 'string' ? stripThinking(message.content) : '';
  if (content) return content;
  const reasoning = [message.reasoning_content, message.reasoning].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (reasoning === undefined) return typeof message.content === 'string' ? '' : null;
  return stripThinking(reasoning);
}

/** The content alone, thinking stripped, and the separate reasoning field if any: what a benchmark records. */
export function splitAnswer(message: ChatChoiceMessage): { answer: string; reasoning?: string } {
  const answer = typeof message.content === 'string' ? stripThinking(message.content) : '';
  const reasoning = [message.reasoning_content, message.reasoning].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return reasoning === undefined ? { answer } : { answer, reasoning };
}
