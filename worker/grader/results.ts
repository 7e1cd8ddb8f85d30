// Turns a child's streamed messages (plus how it ended) into a GradeResult.
import type { RunOutcome } from './handle.js';
import { messages as human } from './limits.js';
import type { SuiteName, TestResult } from './protocol.js';

export type SuiteTestResult = TestResult & { suite: SuiteName };

export interface GradeResult {
  status: 'passed' | 'failed' | 'error' | 'timeout' | 'memory';
  tests: SuiteTestResult[];
  durationMs: number;
  note?: string;
}

export function assemble(
  outcome: RunOutcome,
  suites: SuiteName[],
  limits: { timeLimitMs: number; memoryLimitMb: number },
  durationMs: number,
): GradeResult {
  // Planned names per suite: from the up-front ast scan, replaced by the
  // harness's own plan once a suite actually loads.
  const planned = new Map<SuiteName, string[]>(suites.map((s) => [s, []]));
  const results = new Map<SuiteName, Map<string, TestResult>>(suites.map((s) => [s, new Map()]));
  let running: { suite: SuiteName; name: string | undefined } | undefined;
  let fatal: string | undefined;

  for (const m of outcome.messages) {
    if (m.t === 'plan') for (const s of m.suites) planned.set(s.suite, s.names);
    else if (m.t === 'suite') running = { suite: m.suite, name: undefined };
    else if (m.t === 'fatal') fatal = m.message;
    else if (m.t === 'ev') {
      const ev = m.ev;
      if (ev.event === 'plan') planned.set(m.suite, ev.names);
      else if (ev.event === 'start') running = { suite: m.suite, name: ev.name };
      else if (ev.event === 'result') {
        const { event: _e, ...r } = ev;
        results.get(m.suite)?.set(r.name, r);
        if (running?.name === r.name) running = { suite: m.suite, name: undefined };
      }
    }
  }

  const killed = outcome.killed ?? (fatal ? 'crash' : undefined);
  const tests: SuiteTestResult[] = [];
  let blamed = false;
  for (const suite of suites) {
    const done = results.get(suite) ?? new Map<string, TestResult>();
    const names = [...new Set([...(planned.get(suite) ?? []), ...done.keys()])];
    for (const name of names) {
      const r = done.get(name);
      if (r) { tests.push({ ...r, suite }); continue; }
      // Not finished. The first such test in the running suite (the one that
      // was executing, or the first if the user's top-level code hung) takes
      // the blame; the rest were never reached.
      const isCulprit = !blamed && killed !== undefined && running?.suite === suite &&
        (running.name === undefined || running.name === name);
      if (isCulprit) blamed = true;
      tests.push({ name, suite, stdout: '', ...culpritOrNotRun(killed, isCulprit, limits) });
    }
  }

  const status: GradeResult['status'] =
    killed === 'timeout' ? 'timeout'
      : killed === 'memory' ? 'memory'
        : killed === 'crash' || tests.length === 0 || tests.some((t) => t.status === 'error') ? 'error'
          : tests.some((t) => t.status === 'fail' || t.status === 'timeout') ? 'failed' : 'passed';
  const note =
    killed === 'timeout' ? human.timeout(limits.timeLimitMs)
      : killed === 'memory' ? human.memory(limits.memoryLimitMb)
        : killed === 'crash' ? human.crash
          : tests.length === 0 ? 'no tests were found' : undefined;
  return { status, tests, durationMs, ...(note ? { note } : {}) };
}

function culpritOrNotRun(
  killed: string | undefined,
  culprit: boolean,
  limits: { timeLimitMs: number; memoryLimitMb: number },
): Pick<TestResult, 'status' | 'message'> {
  if (killed === 'timeout') {
    return culprit ? { status: 'timeout', message: human.timeout(limits.timeLimitMs) }
      : { status: 'error', message: human.notRunAfterTimeout };
  }
  if (killed === 'memory') {
    return culprit ? { status: 'error', message: human.memory(limits.memoryLimitMb) }
      : { status: 'error', message: human.notRunAfterMemory };
  }
  return culprit ? { status: 'error', message: human.crash } : { status: 'error', message: human.notRunAfterCrash };
}
