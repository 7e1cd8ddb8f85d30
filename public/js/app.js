// Progressive enhancement shared by every page. No inline scripts: the CSP allows only files we serve.
// htmx sends the CSRF token from the page's meta tag on every non-GET request.
document.addEventListener('htmx:configRequest', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && event.detail.verb !== 'get') event.detail.headers['x-csrf-token'] = meta.content;
});
