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

// Keyboard focus after an in-page action. A swap can remove or disable the control the user just used, and focus
// then falls to the document, so the next Tab starts from the top. After a swap the user caused (not a poll), focus
// goes to: what the response marks [data-focus-here] (e.g. the hint just revealed); else the control itself if it
// is still there; else the same control in the new content (same id, or same tag and text); else the new content.
let acted = null;
document.addEventListener('htmx:beforeRequest', (event) => {
  const cause = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  if (!cause) return; // polling and loads: the user did nothing, so focus stays where it is
  const control = cause.submitter || event.detail.elt;
  const target = event.detail.target;
  acted = { control, id: control.id, tag: control.tagName, text: control.textContent.trim(), targetId: target && target.id };
});
document.addEventListener('htmx:afterSettle', () => {
  const a = acted;
  if (!a) return;
  acted = null;
  setTimeout(() => placeFocus(a), 0); // after every element of the response (out-of-band ones too) has settled
});
function usable(el) {
  return el && el.isConnected && !el.disabled && el.getClientRects().length > 0;
}
function placeFocus(a) {
  const active = document.activeElement;
  const scope = (a.targetId && document.getElementById(a.targetId)) || null;
  const marked = scope && (scope.matches('[data-focus-here]') ? scope : scope.querySelector('[data-focus-here]'));
  if (marked) {
    marked.removeAttribute('data-focus-here');
    if (!marked.hasAttribute('tabindex') && !marked.matches('a[href], button, input, select, textarea')) marked.setAttribute('tabindex', '-1');
    marked.focus();
    return;
  }
  if (active && active !== document.body && active.isConnected) return; // focus is still somewhere sensible
  if (usable(a.control)) return a.control.focus();
  const byId = a.id && document.getElementById(a.id);
  if (usable(byId)) return byId.focus();
  const same = scope && [...scope.querySelectorAll(a.tag)].find((el) => el.textContent.trim() === a.text && usable(el));
  if (same) return same.focus();
  if (scope) {
    if (!scope.hasAttribute('tabindex')) scope.setAttribute('tabindex', '-1');
    scope.focus();
  }
}
