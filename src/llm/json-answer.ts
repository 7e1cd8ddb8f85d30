/**
 * Reading a structured answer from a model: the outermost JSON object in its text (models add prose around it
 * despite being told not to), checked against the feature's zod schema. undefined means "unreadable": the caller
 * falls back to its offline answer and says so.
 */
import type { z } from 'zod';

export function parseJsonAnswer<S extends z.ZodType>(text: string, schema: S): z.infer<S> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text.slice(start, end + 1)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
