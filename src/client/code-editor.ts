/**
 * Turns `<textarea data-editor="python">` into a CodeMirror 6 editor. The textarea stays in the form, hidden, and is
 * updated on every change (firing `input` like typing would), so a plain form POST, htmx, the runner and the draft
 * saver all read the code from it without knowing about CodeMirror.
 *
 * Keyboard: Tab and Shift-Tab indent, as programmers expect; to leave the editor press Esc then Tab (CodeMirror's
 * built-in escape hatch, within 2 s), or Ctrl-M (Shift-Alt-M on macOS) to make Tab move focus until toggled back.
 * Ctrl/Cmd-Enter runs the visible tests.
 */
import { basicSetup } from 'codemirror';
import { closeCompletion, completionStatus } from '@codemirror/autocomplete';
import { indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { indentUnit } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { editorColours } from './editor-theme.js';

function clickRun(form: HTMLFormElement | null): boolean {
  const run = form?.querySelector<HTMLButtonElement>('[data-action="run"]');
  if (!run || run.hidden) return false;
  run.click();
  return true;
}

// The editor lives in a shadow root. CodeMirror injects its styles at run time, and style-mod uses a <style> element
// in a document (which a strict `style-src 'self'` CSP blocks) but a constructable stylesheet in a shadow root
// (which CSP allows). So the editor works under any CSP without nonces. Our colours still apply: CSS custom
// properties (--line, --card...) inherit through the shadow boundary.
const theme = EditorView.theme({
  '&': { border: '1px solid var(--line, #dadce0)', borderRadius: 'var(--radius, 6px)', backgroundColor: 'var(--card, #fff)', color: 'var(--fg, #1d1f21)' },
  '&.cm-focused': { outline: '3px solid var(--accent, #1a56db)', outlineOffset: '2px' },
  '.cm-scroller': { fontFamily: 'var(--mono, monospace)', fontSize: '.92em', lineHeight: '1.45', minHeight: 'calc(var(--editor-rows, 16) * 1.45em)', maxHeight: '70vh' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg, #f3f4f6)', color: 'var(--muted, #5f6368)', borderRight: '1px solid var(--line, #dadce0)' },
  // The page's own code background, light or dark: basicSetup's light-blue tint lowered contrast on a dark page.
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--code-bg, #f3f4f6)' },
});

/**
 * Esc while the completion list is open: close the list AND arm the escape hatch, so "Esc then Tab" always leaves
 * the editor. Without this the completion keymap consumes the Esc, the hatch stays off and Tab indents instead.
 */
function escapeFromCompletion(view: EditorView): boolean {
  if (completionStatus(view.state) === null) return false; // no list: CodeMirror's own Esc handling arms the hatch
  closeCompletion(view);
  view.setTabFocusMode(2000);
  return true;
}

let helpSheet: CSSStyleSheet | undefined;
function helpStyles(): CSSStyleSheet {
  helpSheet ??= new CSSStyleSheet();
  helpSheet.replaceSync('.editor-help { color: var(--muted, #5f6368); font-size: .85rem; margin: .25rem 0; }');
  return helpSheet;
}

export function enhanceCodeEditor(textarea: HTMLTextAreaElement): void {
  const host = document.createElement('div');
  host.className = 'code-editor-host';
  // Rows give the no-JavaScript textarea its height; keep the editor about as tall.
  host.style.setProperty('--editor-rows', String(Number(textarea.getAttribute('rows')) || 16));
  textarea.after(host);
  const shadow = host.attachShadow({ mode: 'open' });
  try {
    shadow.adoptedStyleSheets = [helpStyles()];
  } catch {
    // No constructable stylesheets (Safari before 16.4): the hint is just unstyled.
  }

  const help = document.createElement('p');
  help.className = 'editor-help';
  help.id = 'editor-help';
  help.textContent = 'Tab indents. To leave the editor with the keyboard, press Esc then Tab. Ctrl+Enter (⌘+Enter on a Mac) runs the visible tests.';

  // ID references cannot cross the shadow boundary: the label's text becomes the editor's accessible name.
  const label = textarea.labels?.[0];
  const name = label?.textContent?.trim() || textarea.getAttribute('aria-label') || 'Code editor';

  const sync = EditorView.updateListener.of((update) => {
    if (!update.docChanged) return;
    textarea.value = update.state.doc.toString();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  });

  const view = new EditorView({
    parent: shadow,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        Prec.high(keymap.of([{ key: 'Mod-Enter', run: () => clickRun(textarea.form) }])),
        Prec.highest(keymap.of([{ key: 'Escape', run: escapeFromCompletion }])),
        basicSetup,
        keymap.of([indentWithTab]),
        python(),
        indentUnit.of('    '),
        EditorState.tabSize.of(4),
        // tabindex: the content is focusable anyway (contenteditable); saying so lets checkers see the scrolling
        // region has a keyboard way in (axe scrollable-region-focusable).
        EditorView.contentAttributes.of({ 'aria-label': name, 'aria-describedby': help.id, tabindex: '0' }),
        theme,
        editorColours(),
        sync,
      ],
    }),
  });
  shadow.append(help);
  textarea.hidden = true;
  // A hidden `required` field would block submission with an error the user cannot see.
  textarea.required = false;
  label?.addEventListener('click', (event) => {
    event.preventDefault();
    view.focus();
  });
}
