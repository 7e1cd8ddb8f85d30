/**
 * Nunjucks with autoescape on, plus the one filter allowed to turn text into HTML: Markdown rendered by markdown-it
 * with raw HTML disabled, so user- or LLM-written text can never inject markup or scripts.
 */
import nunjucks from 'nunjucks';
import { createMarkdown } from './markdown.js';

const md = createMarkdown();

export function renderMarkdown(text: string | null | undefined): string {
  return md.render(text ?? '');
}

/** Nunjucks options for @fastify/view: autoescape on, and our filters added when it configures the environment. */
export const viewOptions = {
  autoescape: true,
  throwOnUndefined: false,
  trimBlocks: true,
  lstripBlocks: true,
  onConfigure: (env: nunjucks.Environment) => addFilters(env),
};

function addFilters(env: nunjucks.Environment): void {
  env.addFilter('markdown', (text: string) => new nunjucks.runtime.SafeString(renderMarkdown(text)));
  // Markdown placed under a page's own heading of level `under`: its headings start one level below, so a "# Title"
  // in a write-up never outranks the section it sits in. Raw HTML is off, so every <hN> here is a rendered heading.
  env.addFilter('markdownUnder', (text: string, under: number) =>
    new nunjucks.runtime.SafeString(renderMarkdown(text).replace(/<(\/?)h([1-6])>/g, (_m, slash: string, n: string) => `<${slash}h${Math.min(6, Number(n) + under)}>`)),
  );
  env.addFilter('jsonScript', (value: unknown) => new nunjucks.runtime.SafeString(jsonForScript(value)));
  env.addFilter('isoDate', (d: Date | string | null) => (d ? new Date(d).toISOString() : ''));
  env.addFilter('relTime', (d: Date | string | null) => (d ? relativeTime(new Date(d)) : ''));
}

/**
 * JSON safe to place inside `<script type="application/json">`: `<` is escaped so a value containing `</script>` or
 * `<!--` cannot end the block, and U+2028/9 so the text stays valid if someone ever evaluates it.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function relativeTime(date: Date, now = new Date()): string {
  const s = Math.round((now.getTime() - date.getTime()) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
