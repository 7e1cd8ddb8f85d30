/**
 * Progressive enhancement shared by every page (loaded by the layout as /assets/page.js, a classic deferred script
 * after htmx). No inline scripts: the CSP allows only files we serve.
 */

/** The parts of htmx's event details these handlers read (htmx ships no types we bundle). */
interface HtmxDetail {
  verb?: string;
  headers?: Record<string, string>;
  xhr?: XMLHttpRequest;
  shouldSwap?: boolean;
  isError?: boolean;
  elt?: Element;
  target?: Element | null;
  requestConfig?: { triggeringEvent?: Event & { submitter?: HTMLElement | null } };
}
const detailOf = (event: Event) => (event as CustomEvent<HtmxDetail>).detail;

// htmx sends the CSRF token from the page's meta tag on every non-GET request.
document.addEventListener('htmx:configRequest', (event) => {
  const detail = detailOf(event);
  const meta = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]');
  if (meta && detail.verb !== 'get' && detail.headers) detail.headers['x-csrf-token'] = meta.content;
});
// htmx leaves 4xx bodies unswapped by default. A 422 is a form refused for a bad field: its body is the form again,
// with the user's input and the message beside the field, so let it replace the form like a success would.
document.addEventListener('htmx:beforeSwap', (event) => {
  const detail = detailOf(event);
  if (detail.xhr?.status === 422) {
    detail.shouldSwap = true;
    detail.isError = false;
  }
});

// Keyboard focus after an in-page action. A swap can remove or disable the control the user just used, and focus
// then falls to the document, so the next Tab starts from the top. After a swap the user caused (not a poll), focus
// goes to: what the response marks [data-focus-here] (e.g. the hint just revealed); else the control itself if it
// is still there; else the same control in the new content (same id, or same tag and text); else the new content.
interface Acted {
  control: HTMLElement;
  id: string;
  tag: string;
  text: string;
  targetId: string | undefined;
}
let acted: Acted | null = null;
document.addEventListener('htmx:beforeRequest', (event) => {
  const detail = detailOf(event);
  const cause = detail.requestConfig?.triggeringEvent;
  if (!cause) return; // polling and loads: the user did nothing, so focus stays where it is
  const control = (cause.submitter ?? detail.elt) as HTMLElement | undefined;
  if (!control) return;
  const target = detail.target;
  acted = { control, id: control.id, tag: control.tagName, text: (control.textContent ?? '').trim(), targetId: target?.id };
});
document.addEventListener('htmx:afterSettle', () => {
  const a = acted;
  if (!a) return;
  acted = null;
  setTimeout(() => placeFocus(a), 0); // after every element of the response (out-of-band ones too) has settled
});

function usable(el: Element | null | undefined): el is HTMLElement {
  return !!el && el.isConnected && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
}

function placeFocus(a: Acted): void {
  const active = document.activeElement;
  const scope = (a.targetId && document.getElementById(a.targetId)) || null;
  const marked = scope && (scope.matches('[data-focus-here]') ? scope : scope.querySelector<HTMLElement>('[data-focus-here]'));
  if (marked) {
    marked.removeAttribute('data-focus-here');
    if (!marked.hasAttribute('tabindex') && !marked.matches('a[href], button, input, select, textarea')) marked.setAttribute('tabindex', '-1');
    marked.focus();
    return;
  }
  if (active && active !== document.body && active.isConnected) return; // focus is still somewhere sensible
  if (usable(a.control)) return a.control.focus();
  const byId = a.id ? document.getElementById(a.id) : null;
  if (usable(byId)) return byId.focus();
  const same = scope && [...scope.querySelectorAll(a.tag)].find((el) => (el.textContent ?? '').trim() === a.text && usable(el));
  if (usable(same)) return same.focus();
  if (scope) {
    if (!scope.hasAttribute('tabindex')) scope.setAttribute('tabindex', '-1');
    scope.focus();
  }
}
