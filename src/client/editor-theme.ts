/**
 * Syntax colours for the code editor that stay readable in both colour schemes. basicSetup's default highlight
 * style is made for a light background (on the dark page, keywords were 1.67:1); when the page is dark, this style
 * takes over, with every colour at least 4.5:1 (WCAG AA) against the editor's dark card and code backgrounds
 * (#1e2022, #25282b; the lowest is comments at 5.6:1). It follows the system setting live, as the page's CSS does.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, type Extension } from '@codemirror/state';
import { ViewPlugin, type EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

const darkHighlight = HighlightStyle.define(
  [
    { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: '#c792ea' },
    { tag: [t.string, t.special(t.string), t.regexp], color: '#a5d6a7' },
    { tag: [t.number, t.bool, t.null, t.atom], color: '#f2b880' },
    { tag: [t.comment, t.lineComment, t.blockComment], color: '#9aa0a6', fontStyle: 'italic' },
    { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: '#82aaff' },
    { tag: [t.className, t.typeName, t.definition(t.className)], color: '#ffcb6b' },
    { tag: [t.self, t.special(t.variableName)], color: '#89ddff' },
    { tag: [t.escape, t.meta], color: '#80cbc4' },
    { tag: t.invalid, color: '#f28b82' },
  ],
  // No themeType: 'dark' here, which would tie it to a dark EditorView theme; the media query below decides.
);

const dark = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;

/** The dark highlight style while the page is dark; basicSetup's light one (its fallback) otherwise. */
export function editorColours(): Extension {
  const slot = new Compartment();
  const current = (): Extension => (dark?.matches ? syntaxHighlighting(darkHighlight) : []);
  const follow = ViewPlugin.define((view: EditorView) => {
    const onChange = () => view.dispatch({ effects: slot.reconfigure(current()) });
    dark?.addEventListener('change', onChange);
    return { destroy: () => dark?.removeEventListener('change', onChange) };
  });
  return [slot.of(current()), follow];
}
