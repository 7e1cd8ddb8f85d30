// Progressive enhancement shared by every page. No inline scripts: the CSP allows only files we serve.
// htmx sends the CSRF token from the page's meta tag on every non-GET request.
document.addEventListener('htmx:configRequest', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && event.detail.verb !== 'get') event.detail.headers['x-csrf-token'] = meta.content;
});
// htmx leaves 4xx bodies unswapped by default. A 422 is a form refused for a bad field: its body is the form again,
// with the user's input and the message beside the field, so let it replace the form like a success would.
document.addEventListener('htmx:beforeSwap', (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
