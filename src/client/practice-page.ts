/**
 * Practice pages (loaded as /assets/practice-page.js; the 422 swap that shows a refused field's message is in
 * page.ts, for every page). A successful submit clears the field message left by an earlier refusal.
 */
document.addEventListener('htmx:afterRequest', (event) => {
  const { elt, xhr } = (event as CustomEvent<{ elt?: Element; xhr?: XMLHttpRequest }>).detail;
  if (elt && elt.id === 'submit-button' && xhr && xhr.status < 400) {
    for (const msg of document.querySelectorAll('#code-error, #answer-error')) msg.textContent = '';
  }
});
