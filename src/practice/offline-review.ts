/**
 * The deterministic review written when no model is available (or the spend cap is reached): what failed, with
 * expected and actual values, and issues any reviewer would flag that can be spotted by reading the code.
 */
import type { Problem } from './bank.js';
import type { RubricScore } from './scoring.js';

export interface TestOutcome {
  name: string;
  suite?: 'visible' | 'hidden';
  status: 'pass' | 'fail' | 'error' | 'timeout';
  message: string;
  expected?: string;
  actual?: string;
  stdout?: string;
}

export interface CodeGrade {
  status: 'passed' | 'failed' | 'error' | 'timeout' | 'memory';
  tests: TestOutcome[];
  durationMs?: number;
  note?: string;
}

interface Finding {
  line: number | null;
  text: string;
}

const CHECKS: { pattern: RegExp; text: string }[] = [
  { pattern: /raise\s+NotImplementedError/, text: 'still raises `NotImplementedError`: part of the starter was not filled in.' },
  { pattern: /^\s*except\s*:/, text: 'a bare `except:` also swallows `KeyboardInterrupt` and real bugs; catch the specific exception.' },
  { pattern: /^\s*except\s+(Base)?Exception\s*(as\s+\w+)?\s*:\s*(pass)?\s*$/, text: 'catching every `Exception` hides mistakes; catch what you expect to fail.' },
  { pattern: /^\s*print\(/, text: 'leftover `print` call: remove debugging output before submitting.' },
  { pattern: /^\s*(import|from)\s+(numpy|torch|scipy|pandas)\b/, text: 'imports a third-party library; only the standard library is available here.' },
  { pattern: /def\s+\w+\([^)]*=\s*(\[\]|\{\}|set\(\))/, text: 'mutable default argument: the same list/dict is shared between calls.' },
  { pattern: /[!=]=\s*None\b/, text: 'compare with `is None` / `is not None` rather than `==`.' },
  { pattern: /#\s*(TODO|FIXME|XXX)\b/i, text: 'a TODO/FIXME is still in the code.' },
  { pattern: /^\s*global\s+\w+/, text: '`global` state makes the function depend on call order; pass values in instead.' },
];

/** Issues found line by line, at most one per check (the first occurrence), in line order. */
export function findObviousIssues(code: string): Finding[] {
  const lines = code.split('\n');
  const findings: Finding[] = [];
  for (const check of CHECKS) {
    const idx = lines.findIndex((l) => check.pattern.test(l));
    if (idx >= 0) findings.push({ line: idx + 1, text: check.text });
  }
  if (code.trim() === '') findings.push({ line: null, text: 'the submission is empty.' });
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

const fence = (s: string) => '`' + s.replace(/`/g, "'").replace(/\s+/g, ' ').slice(0, 200) + '`';

function describeFailure(t: TestOutcome): string {
  const where = t.suite === 'hidden' ? ' (hidden)' : '';
  const head = `- **${t.name}**${where}: ${t.status === 'timeout' ? 'timed out' : t.status}`;
  const parts = [head];
  if (t.expected !== undefined || t.actual !== undefined) {
    parts.push(`  expected ${fence(t.expected ?? '?')}, got ${fence(t.actual ?? '?')}`);
  } else if (t.message) {
    const lastLine = t.message.trim().split('\n').at(-1) ?? '';
    parts.push(`  ${fence(lastLine)}`);
  }
  return parts.join('\n');
}

/** Follow-up questions from the write-up, only once the solution may be shown (they often contain answers). */
function followUps(writeup: string): string[] {
  const m = /follow-ups?[^\n]*\n([\s\S]*?)(\n#|\n\*\*[A-Z]|$)/i.exec(writeup);
  if (!m) return [];
  return m[1]!
    .split('\n')
    .filter((l) => /^\s*-\s+/.test(l))
    .map((l) => l.replace(/^\s*-\s+/, '').replace(/\s*\(.*\)\s*$/, '').trim())
    .filter(Boolean)
    .slice(0, 3);
}

export function offlineCodeReview(problem: Pick<Problem, 'writeup'>, code: string, grade: CodeGrade): string {
  const failed = grade.tests.filter((t) => t.status !== 'pass');
  const passed = grade.tests.length - failed.length;
  const out: string[] = ['### Correctness'];
  if (grade.status === 'passed') out.push(`All ${grade.tests.length} tests pass, visible and hidden.`);
  else {
    if (grade.note) out.push(grade.note);
    out.push(`${passed} of ${grade.tests.length} tests pass. Failing:`, '', ...failed.slice(0, 8).map(describeFailure));
    if (failed.length > 8) out.push(`- …and ${failed.length - 8} more`);
  }
  const hiddenOnly = failed.length > 0 && failed.every((t) => t.suite === 'hidden');
  out.push('', '### Edge cases');
  out.push(
    hiddenOnly
      ? 'The visible tests pass but hidden ones fail: check empty inputs, ties, extreme values and determinism.'
      : failed.length === 0
        ? 'The hidden tests cover empty inputs, extremes and determinism, and they pass.'
        : 'Fix the failing cases above first; the hidden tests then check empty inputs, extremes and determinism.',
  );
  const issues = findObviousIssues(code);
  out.push('', '### Style');
  out.push(issues.length ? issues.map((f) => `- ${f.line ? `line ${f.line}: ` : ''}${f.text}`).join('\n') : 'Nothing obvious to flag.');
  out.push('', '### Complexity', 'Not assessed by the offline review: state the time and memory cost of your approach yourself.');
  const questions = grade.status === 'passed' ? followUps(problem.writeup) : [];
  if (questions.length) out.push('', '### What an interviewer might ask next', ...questions.map((q) => `- ${q}`));
  return out.join('\n');
}

export function offlineWrittenReview(score: RubricScore): string {
  const lines = [
    `**Estimate:** ${score.covered} of ${score.total} rubric points mentioned (keyword coverage, not a judgement of quality).`,
    '',
    ...score.points.map((p) => `- ${p.covered ? '✓' : '✗'} ${p.point}${p.matched.length ? ` — mentions ${p.matched.map((k) => `"${k}"`).join(', ')}` : ''}`),
  ];
  const missing = score.points.filter((p) => !p.covered);
  if (missing.length) lines.push('', 'To strengthen the answer, address the points marked ✗.');
  return lines.join('\n');
}
