/**
 * The one Markdown configuration, shared by the server's `markdown` filter and the browser's Write/Preview toggle so
 * a preview looks exactly like the saved answer will. Raw HTML is disabled, so user- or LLM-written text can never
 * inject markup or scripts; markdown-it also refuses javascript:/vbscript:/data: link targets. No Node imports here:
 * the client bundle includes this file.
 */
import MarkdownIt from 'markdown-it';

export function createMarkdown() {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  // Links written by users or models open safely in a new tab and never pass our origin along.
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((t, i, o, _e, self) => self.renderToken(t, i, o));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  // A code block scrolls sideways rather than wrapping (wrapping breaks indentation and tracebacks' ^ markers), so
  // it takes keyboard focus to be scrollable without a mouse (WCAG 2.1.1; axe scrollable-region-focusable).
  for (const rule of ['fence', 'code_block'] as const) {
    const render = md.renderer.rules[rule]!;
    md.renderer.rules[rule] = (tokens, idx, options, env, self) => render(tokens, idx, options, env, self).replace(/^<pre>/, '<pre tabindex="0">');
  }
  return md;
}
