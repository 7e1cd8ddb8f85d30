/**
 * Nunjucks with autoescape on, plus the one filter allowed to turn text into HTML: Markdown rendered by markdown-it
 * with raw HTML disabled, so user- or LLM-written text can never inject markup or scripts.
 */
import MarkdownIt from 'markdown-it';
import nunjucks from 'nunjucks';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
// Links written by users or models open safely in a new tab and never pass our origin along.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((t, i, o, _e, self) => self.renderToken(t, i, o));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

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
  env.addFilter('isoDate', (d: Date | string | null) => (d ? new Date(d).toISOString() : ''));
  env.addFilter('relTime', (d: Date | string | null) => (d ? relativeTime(new Date(d)) : ''));
}

export function relativeTime(date: Date, now = new Date()): string {
  const s = Math.round((now.getTime() - date.getTime()) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
