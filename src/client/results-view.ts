/**
 * Renders test results into `[data-run-results]` as an ordered list: a text badge (never colour alone), the test
 * name, the message, expected vs actual, and captured output. Everything goes in through textContent: test output
 * and messages are user-controlled text and must never become markup.
 */
import type { ShownResult } from './python-runner.js';

const LABELS: Record<ShownResult['status'] | 'pending' | 'running', string> = {
  pass: 'Passed',
  fail: 'Failed',
  error: 'Error',
  timeout: 'Timed out',
  'not-run': 'Not run',
  pending: 'Waiting',
  running: 'Running',
};

type Row = ShownResult | { name: string; status: 'pending' | 'running'; message?: undefined };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

function renderRow(row: Row): HTMLLIElement {
  const li = el('li', { className: 'test-result' });
  li.dataset.status = row.status;
  const badge = el('span', { className: `badge badge-${row.status}`, text: LABELS[row.status] });
  badge.dataset.status = row.status;
  li.append(el('div', { className: 'test-head' }, badge, document.createTextNode(' '), el('code', { className: 'test-name', text: row.name })));
  if (row.message) li.append(el('pre', { className: 'test-message', text: row.message }));
  if ('expected' in row && (row.expected !== undefined || row.actual !== undefined)) {
    const dl = el('dl', { className: 'test-values' });
    if (row.expected !== undefined) dl.append(el('dt', { text: 'Expected' }), el('dd', {}, el('pre', { text: row.expected })));
    if (row.actual !== undefined) dl.append(el('dt', { text: 'Actual' }), el('dd', {}, el('pre', { text: row.actual })));
    li.append(dl);
  }
  if ('stdout' in row && row.stdout) {
    const details = el('details', { className: 'test-stdout' }, el('summary', { text: 'Output' }), el('pre', { text: row.stdout }));
    // Output is most useful when something went wrong: show it open then.
    details.open = row.status !== 'pass';
    li.append(details);
  }
  return li;
}

export class ResultsView {
  private rows: Row[] = [];

  constructor(private readonly container: HTMLElement) {}

  begin(): void {
    this.rows = [];
    this.container.setAttribute('aria-busy', 'true');
    this.render();
  }

  plan(names: string[]): void {
    const known = new Map(this.rows.map((r) => [r.name, r]));
    this.rows = names.map((name) => known.get(name) ?? { name, status: 'pending' });
    this.render();
  }

  start(name: string): void {
    this.replace({ name, status: 'running' });
  }

  result(result: ShownResult): void {
    this.replace(result);
  }

  finish(results: ShownResult[], error?: string): void {
    if (results.length) this.rows = results;
    this.container.removeAttribute('aria-busy');
    this.render(error);
  }

  private replace(row: Row): void {
    const i = this.rows.findIndex((r) => r.name === row.name);
    if (i >= 0) this.rows[i] = row;
    else this.rows.push(row);
    this.render();
  }

  private render(error?: string): void {
    const list = el('ol', { className: 'test-results' });
    list.setAttribute('aria-label', 'Visible test results');
    list.append(...this.rows.map(renderRow));
    const parts: Node[] = [];
    if (error) parts.push(el('p', { className: 'run-error', text: `The test run failed: ${error}` }));
    if (this.rows.length) parts.push(list);
    this.container.replaceChildren(...parts);
  }
}

/** "3 of 4 visible tests passed", or the timeout / failure sentence the status line shows after a run. */
export function summarize(results: ShownResult[], timedOut: boolean, limit: string): string {
  const passed = results.filter((r) => r.status === 'pass').length;
  const n = results.length;
  if (timedOut) {
    const culprit = results.find((r) => r.status === 'timeout');
    return `Stopped: ${culprit && results.filter((r) => r.status === 'timeout').length === 1 ? culprit.name : 'your code'} timed out after ${limit}. ${passed} of ${n} visible tests passed.`;
  }
  if (n === 0) return 'No visible tests were found.';
  if (passed === n) return `All ${n} visible tests passed.`;
  return `${passed} of ${n} visible tests passed.`;
}
