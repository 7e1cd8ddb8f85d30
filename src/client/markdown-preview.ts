/**
 * Loaded on demand (its own chunk) the first time someone opens a preview: markdown-it is most of its weight.
 * Uses the server's configuration (src/web/markdown.ts), so raw HTML stays disabled and the preview matches what
 * the saved answer will look like.
 */
import { createMarkdown } from '../web/markdown.js';

const md = createMarkdown();

export function renderMarkdownPreview(text: string): string {
  return md.render(text);
}
