/**
 * `<textarea data-editor="markdown">` gets a Write / Preview toggle. Write is the plain textarea (it stays the form
 * field); Preview renders the text client-side with raw HTML disabled. Two toggle buttons with aria-pressed keep it
 * simple for keyboard and screen-reader users; focus stays on the button that was pressed.
 */
export function enhanceMarkdownEditor(textarea: HTMLTextAreaElement): void {
  const bar = document.createElement('div');
  bar.className = 'md-toggle';
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'Answer view');
  const write = button('Write', true);
  const preview = button('Preview', false);
  bar.append(write, preview);

  const panel = document.createElement('div');
  panel.className = 'md-preview markdown';
  panel.hidden = true;
  panel.tabIndex = 0;
  panel.setAttribute('aria-label', 'Preview of your answer');
  textarea.before(bar);
  textarea.after(panel);

  const show = async (previewing: boolean): Promise<void> => {
    write.setAttribute('aria-pressed', String(!previewing));
    preview.setAttribute('aria-pressed', String(previewing));
    if (previewing) {
      const { renderMarkdownPreview } = await import('./markdown-preview.js');
      const text = textarea.value.trim();
      // markdown-it with html:false escapes any HTML in the text, so its output is safe to insert.
      if (text) panel.innerHTML = renderMarkdownPreview(textarea.value);
      else panel.textContent = 'Nothing to preview yet.';
    }
    // Hide, never remove: the textarea must stay in the form so a submit still sends the answer.
    textarea.hidden = previewing;
    panel.hidden = !previewing;
  };
  write.addEventListener('click', () => void show(false));
  preview.addEventListener('click', () => void show(true));
  // A required, empty answer submitted from Preview: go back to Write so the browser's message is visible.
  textarea.addEventListener('invalid', () => void show(false));
}

function button(text: string, pressed: boolean): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = text;
  b.setAttribute('aria-pressed', String(pressed));
  return b;
}
