/**
 * /assets/editor.js: progressive enhancement of answer fields (markup contract in docs/client.md).
 *   <textarea name="code" data-editor="python">   -> CodeMirror 6, kept in sync with the textarea
 *   <textarea data-editor="markdown">              -> Write / Preview toggle
 * Both get draft autosave (drafts.ts). Without JavaScript the plain textarea is the whole experience, and it works.
 */
import { enhanceCodeEditor } from './code-editor.js';
import { attachDrafts, restoreLocalDraft } from './drafts.js';
import { enhanceMarkdownEditor } from './markdown-editor.js';

for (const textarea of document.querySelectorAll<HTMLTextAreaElement>('textarea[data-editor]')) {
  if (textarea.dataset.enhanced) continue;
  textarea.dataset.enhanced = 'true';
  // Before the editor exists, so the editor simply starts from the restored text.
  const restored = restoreLocalDraft(textarea);
  try {
    if (textarea.dataset.editor === 'python') enhanceCodeEditor(textarea);
    else if (textarea.dataset.editor === 'markdown') enhanceMarkdownEditor(textarea);
  } catch (err) {
    // An old or unusual browser: the plain textarea still works, which is the page without JavaScript.
    textarea.hidden = false;
    console.error('editor could not start', err);
  }
  attachDrafts(textarea, restored);
}
