// Practice pages (the 422 swap that shows a refused field's message is in app.js, for every page).
// A successful submit clears the field message left by an earlier refusal.
document.addEventListener('htmx:afterRequest', (event) => {
  const el = event.detail.elt;
  if (el && el.id === 'submit-button' && event.detail.xhr.status < 400) {
    for (const msg of document.querySelectorAll('#code-error, #answer-error')) msg.textContent = '';
  }
});
