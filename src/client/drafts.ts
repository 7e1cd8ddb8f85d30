/**
 * Draft autosave for an editor textarea (contract in docs/client.md):
 * - a `bench:draft` CustomEvent on the textarea, 800 ms after typing stops and at once on Run and Submit;
 * - with `data-draft-url`: POST `{code}` as JSON with the CSRF header, one request at a time, retried with backoff
 *   on network errors and 5xx/408/429, status shown in `[data-draft-status]`;
 * - with `data-draft-key`: a localStorage copy of anything the server has not confirmed, put back on the next visit
 *   if it is newer than the server's draft (`data-draft-updated-at`).
 */
export const DRAFT_EVENT = 'bench:draft';
export type DraftReason = 'change' | 'run' | 'submit';
export interface DraftDetail {
  code: string;
  reason: DraftReason;
  key?: string;
}

const DEBOUNCE_MS = 800;
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];

interface LocalDraft {
  code: string;
  savedAt: number;
}

const storageKey = (key: string): string => `bench:draft:${key}`;

// localStorage can be missing or throw (private windows, storage full, disabled): the local copy is best effort.
function readLocal(key: string): LocalDraft | undefined {
  try {
    const raw = localStorage.getItem(storageKey(key));
    const value = raw ? (JSON.parse(raw) as LocalDraft) : undefined;
    return typeof value?.code === 'string' && typeof value.savedAt === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

function writeLocal(key: string, code: string): void {
  try {
    localStorage.setItem(storageKey(key), JSON.stringify({ code, savedAt: Date.now() } satisfies LocalDraft));
  } catch {
    // best effort
  }
}

function clearLocal(key: string, code: string): void {
  try {
    if (readLocal(key)?.code === code) localStorage.removeItem(storageKey(key));
  } catch {
    // best effort
  }
}

/**
 * Runs before the editor is built. Puts this browser's unsaved copy back when the server's draft is older (or
 * unknown); drops a copy the server has since superseded. Returns true when it restored something.
 */
export function restoreLocalDraft(textarea: HTMLTextAreaElement): boolean {
  const key = textarea.dataset.draftKey;
  const local = key ? readLocal(key) : undefined;
  if (!key || !local || local.code === textarea.value) return false;
  const serverAt = Date.parse(textarea.dataset.draftUpdatedAt ?? '');
  if (!Number.isNaN(serverAt) && local.savedAt <= serverAt) {
    clearLocal(key, local.code);
    return false;
  }
  textarea.value = local.code;
  return true;
}

type SaveState = 'saving' | 'saved' | 'retrying' | 'failed' | 'local';

const isRetriable = (status: number): boolean => status >= 500 || status === 408 || status === 425 || status === 429;

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON
  }
  return `the server answered ${res.status}`;
}

class DraftSaver {
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private inFlight = false;
  /** The latest text the server has not confirmed yet. */
  private pending: string | undefined;
  private note: string;
  private readonly url: string | undefined;
  private readonly key: string | undefined;

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly statusNode: HTMLElement | null,
    restored: boolean,
  ) {
    this.url = textarea.dataset.draftUrl;
    this.key = textarea.dataset.draftKey;
    this.note = restored ? 'Restored unsaved changes from this browser.' : '';
    if (restored) {
      this.show('local', '');
      this.flush('change');
    }
  }

  changed(): void {
    this.note = '';
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush('change'), DEBOUNCE_MS);
  }

  /** True while typing has not been flushed yet (the debounce is pending). */
  get dirty(): boolean {
    return this.debounce !== undefined;
  }

  flush(reason: DraftReason, keepalive = false): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    const code = this.textarea.value;
    const detail: DraftDetail = { code, reason, key: this.key };
    this.textarea.dispatchEvent(new CustomEvent<DraftDetail>(DRAFT_EVENT, { bubbles: true, detail }));
    if (this.key) writeLocal(this.key, code);
    if (!this.url) {
      if (this.key) this.show('local', 'Saved in this browser');
      return;
    }
    this.pending = code;
    clearTimeout(this.retry);
    void this.send(keepalive);
  }

  private async send(keepalive: boolean): Promise<void> {
    if (this.inFlight || this.pending === undefined || !this.url) return;
    const code = this.pending;
    this.inFlight = true;
    this.show('saving', 'Saving…');
    let next: 'again' | 'retry' | 'stop' = 'again';
    try {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ code }),
        credentials: 'same-origin',
        // keepalive lets the save finish while the page unloads (submit, closing the tab); it caps the body at 64 KB.
        keepalive: keepalive && code.length < 60_000,
      });
      if (res.ok) {
        this.attempt = 0;
        if (this.pending === code) this.pending = undefined;
        if (this.key) clearLocal(this.key, code);
        this.show('saved', 'Saved');
      } else if (isRetriable(res.status)) next = 'retry';
      else {
        // Not worth retrying (signed out, CSRF expired, too large...): say why; the next edit tries again.
        next = 'stop';
        this.show('failed', `Not saved — ${await errorMessage(res)}. Your draft is kept in this browser.`);
      }
    } catch {
      next = 'retry';
    } finally {
      this.inFlight = false;
    }
    if (next === 'retry') {
      this.show('retrying', 'Not saved — retrying');
      const delay = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)]!;
      this.attempt += 1;
      this.retry = setTimeout(() => void this.send(false), delay);
    } else if (next === 'again' && this.pending !== undefined && this.pending !== code) void this.send(false);
  }

  /** Retry straight away when the browser says the network is back. */
  online(): void {
    if (this.pending !== undefined && !this.inFlight) {
      clearTimeout(this.retry);
      void this.send(false);
    }
  }

  private show(state: SaveState, text: string): void {
    if (!this.statusNode) return;
    this.statusNode.dataset.state = state;
    this.statusNode.textContent = [this.note, text].filter(Boolean).join(' ');
  }
}

export function attachDrafts(textarea: HTMLTextAreaElement, restored: boolean): void {
  const form = textarea.form;
  const statusNode = form?.querySelector<HTMLElement>('[data-draft-status]') ?? document.querySelector<HTMLElement>('[data-draft-status]');
  const saver = new DraftSaver(textarea, statusNode, restored);
  textarea.addEventListener('input', () => saver.changed());
  form?.addEventListener('submit', () => saver.flush('submit', true));
  form?.addEventListener('click', (event) => {
    if ((event.target as Element | null)?.closest('[data-action="run"]')) saver.flush('run');
  });
  window.addEventListener('online', () => saver.online());
  // Leaving the page with typing not yet flushed: save now, with keepalive so the request outlives the page.
  window.addEventListener('pagehide', () => {
    if (saver.dirty) saver.flush('change', true);
  });
}
