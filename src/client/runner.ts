/**
 * /assets/runner.js: the Run button of a code problem. Runs the editor's code against the page's visible tests in
 * Pyodide (a Web Worker) and renders the results. The page markup contract is in docs/client.md:
 *   a form with textarea[name=code], button[data-action=run] (rendered `hidden`: Run needs JavaScript),
 *   [data-run-status], [data-run-results], and <script type="application/json" id="visible-tests">.
 * It reads the code from the textarea, which the editor keeps in sync, so it does not depend on editor.js.
 */
import { PythonRunner, formatSeconds, type RunnerStatus } from './python-runner.js';
import { ResultsView, summarize } from './results-view.js';

const DEFAULT_TIME_LIMIT_MS = 5000;

function readVisibleTests(): string | undefined {
  const node = document.getElementById('visible-tests');
  if (!node) return undefined;
  try {
    // The visible test cases (src/practice/judge.ts), handed to the Python worker as JSON text.
    const value: unknown = JSON.parse(node.textContent ?? '');
    return Array.isArray(value) ? JSON.stringify(value) : undefined;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * The status line: Python's state while it loads, else what the last Run did. Its text changes only between phases
 * (download progress goes to a <progress> element), so a screen reader hears each phase once.
 */
class StatusLine {
  private engineText = '';
  private loading = false;
  private runText = '';
  private readonly text = document.createElement('span');
  private readonly bar = document.createElement('progress');

  constructor(private readonly node: HTMLElement) {
    if (!node.hasAttribute('role')) node.setAttribute('role', 'status');
    this.text.className = 'run-status-text';
    this.bar.className = 'run-status-progress';
    this.bar.setAttribute('aria-label', 'Loading Python');
    this.bar.hidden = true;
    node.replaceChildren(this.text, this.bar);
  }

  engine(status: RunnerStatus, runner: PythonRunner): void {
    this.node.dataset.mode = runner.mode;
    this.node.dataset.loads = String(runner.loads);
    if (status.kind === 'loading') {
      this.loading = true;
      this.node.dataset.python = status.phase === 'download' ? 'downloading' : 'starting';
      if (status.phase === 'download') {
        // Not "downloading": after the first visit the browser's cache answers, and the page cannot tell which.
        this.engineText = status.restart ? 'Restarting Python…' : 'Loading Python…';
        if (status.total) {
          this.bar.max = status.total;
          this.bar.value = Math.min(status.loaded ?? 0, status.total);
          this.bar.setAttribute('aria-valuetext', `${mb(status.loaded ?? 0)} of ${mb(status.total)}`);
        } else this.bar.removeAttribute('value');
      } else {
        this.engineText = status.restart ? 'Restarting Python…' : 'Starting Python…';
        this.bar.removeAttribute('value');
      }
    } else if (status.kind === 'ready') {
      this.loading = false;
      this.node.dataset.python = 'ready';
      this.node.dataset.loadMs = String(status.loadMs);
      this.engineText = status.restart ? 'Python restarted.' : `Python is ready (loaded in ${formatSeconds(status.loadMs)}).`;
    } else {
      this.loading = false;
      this.node.dataset.python = 'failed';
      this.engineText = `Could not start Python: ${status.message}. Run will try again.`;
    }
    this.render();
  }

  run(state: 'running' | 'done', text: string): void {
    this.node.dataset.run = state;
    this.runText = text;
    this.render();
  }

  private render(): void {
    const text = this.loading ? [this.runText, this.engineText].filter(Boolean).join(' ') : this.runText || this.engineText;
    if (this.text.textContent !== text) this.text.textContent = text;
    this.bar.hidden = !this.loading;
  }
}

function setUp(button: HTMLButtonElement, tests: string): void {
  const scope: ParentNode = button.form ?? document;
  const textarea = scope.querySelector<HTMLTextAreaElement>('textarea[name="code"]');
  const statusNode = scope.querySelector<HTMLElement>('[data-run-status]') ?? document.querySelector<HTMLElement>('[data-run-status]');
  const resultsNode = scope.querySelector<HTMLElement>('[data-run-results]') ?? document.querySelector<HTMLElement>('[data-run-results]');
  if (!textarea || !statusNode || !resultsNode) return;

  const limitMs = Number(button.dataset.timeLimitMs) || DEFAULT_TIME_LIMIT_MS;
  const status = new StatusLine(statusNode);
  const view = new ResultsView(resultsNode);
  const runner: PythonRunner = new PythonRunner(new URL('./py-worker.js', import.meta.url), limitMs, (s) => status.engine(s, runner));
  let busy = false;

  // Start loading Python as soon as the user shows intent, so it is usually ready by the time they press Run.
  const warmUp = (): void => runner.warmUp();
  (button.form ?? button).addEventListener('focusin', warmUp, { once: true });
  button.addEventListener('pointerenter', warmUp, { once: true });

  button.addEventListener('click', async (event) => {
    event.preventDefault();
    // aria-disabled rather than disabled: the button keeps keyboard focus while a run is in progress.
    if (busy) return;
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    view.begin();
    status.run('running', '');
    try {
      const outcome = await runner.run(textarea.value, tests, {
        onPlan: (names) => {
          view.plan(names);
          status.run('running', `Running ${names.length} visible test${names.length === 1 ? '' : 's'}…`);
        },
        onStart: (name) => view.start(name),
        onResult: (result) => view.result(result),
      });
      view.finish(outcome.results, outcome.error);
      status.run('done', outcome.error ? `The test run failed: ${outcome.error}` : summarize(outcome.results, outcome.timedOut, formatSeconds(limitMs)));
    } catch (err) {
      view.finish([]);
      status.run('done', `Could not run the tests: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  });
  button.hidden = false;
}

const tests = readVisibleTests();
if (tests !== undefined) {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-action="run"]')) setUp(button, tests);
}
