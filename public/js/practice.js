// Practice pages. htmx leaves 4xx bodies unswapped by default; a 422 from a practice form carries the message to
// show beside the field (the server re-targets it with HX-Retarget), so let that one through.
document.addEventListener('htmx:beforeSwap', (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// A successful submit clears the field message left by an earlier refusal.
document.addEventListener('htmx:afterRequest', (event) => {
  const el = event.detail.elt;
  if (el && el.id === 'submit-button' && event.detail.xhr.status < 400) {
    for (const msg of document.querySelectorAll('#code-error, #answer-error')) msg.textContent = '';
  }
});
