/**
 * A saved page's summary and tags: by the LLM (feature url_parsing, through the user's daily cap), checked with zod
 * before it is stored; offline, or when the model's JSON cannot be read, the page's own description (or its first
 * paragraphs) and the skills the taxonomy finds in it.
 */
import { z } from 'zod';
import { findSkills } from '../career/skills.js';
import type { Llm } from '../llm/index.js';
import { parseJsonAnswer } from '../llm/json-answer.js';
import { librarySummaryPrompt } from '../llm/prompts/library-summary.js';
import type { Extracted } from './extract.js';

export interface PageSummary {
  summary: string;
  tags: string[];
  source: 'llm' | 'offline';
  notice: string | null;
}

const modelSummarySchema = z.object({
  summary: z.string().trim().min(10).max(1500),
  tags: z
    .array(z.string().trim().toLowerCase().min(1).max(40))
    .max(12)
    .transform((tags) => [...new Set(tags)].slice(0, 8)),
});

/** The model's JSON, checked against the schema; undefined when it cannot be read. */
const parseModelSummary = (text: string) => parseJsonAnswer(text, modelSummarySchema);

/** The page's own words: its description, else its first paragraphs, else its title. */
export function offlineSummary(page: Extracted): { summary: string; tags: string[] } {
  const lead = page.text?.split('\n\n').reduce((acc, p) => (acc.length < 300 ? `${acc} ${p}`.trim() : acc), '') ?? '';
  const summary = page.description ?? (lead ? (lead.length > 600 ? `${lead.slice(0, 599)}…` : lead) : null) ?? page.title ?? 'Nothing could be read from this page.';
  const haystack = [page.title, page.description, page.text?.slice(0, 20_000)].filter(Boolean).join('\n');
  const tags = findSkills(haystack).slice(0, 8).map((m) => m.skill.name);
  return { summary, tags };
}

export const UNREADABLE_SUMMARY_NOTICE = 'The model’s summary could not be read, so this shows the details read from the page itself.';

export async function summarisePage(llm: Pick<Llm, 'complete'>, userId: string, url: string, page: Extracted): Promise<PageSummary> {
  const offline = offlineSummary(page);
  const res = await llm.complete({
    userId,
    feature: 'url_parsing',
    prompt: librarySummaryPrompt.build({ url, title: page.title, description: page.description, text: page.text }),
    maxOutputTokens: 500,
    offline: () => ({ text: JSON.stringify(offline) }),
  });
  const fromModel = res.source === 'llm' ? parseModelSummary(res.text) : undefined;
  if (fromModel) return { ...fromModel, source: 'llm', notice: null };
  return { ...offline, source: 'offline', notice: res.source === 'llm' ? UNREADABLE_SUMMARY_NOTICE : (res.notice ?? null) };
}
