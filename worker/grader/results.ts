// Turns a child's messages (plus how it ended) into a GradeResult. This is where the verdict is made: the judge
// (src/practice/judge.ts) compares each reported output with the case's expected value, which never left this
// process. The child's messages are accepted only in the order asked for: `loaded`, then `start i` / `out i` for
// i = 0, 1, … up to the number of cases sent, then `done`. Anything else ends the reading, and every case without
// an accepted result is an error, so no sequence of messages can add, skip or reorder a case.
import { judgeCase, type TestCase, type TestResult } from '../../src/practice/judge.js';
import type { RunOutcome } from './handle.js';
import { messages as human } from './limits.js';
import type { ChildMessage, SuiteName } from './protocol.js';

export type SuiteTestResult = TestResult & { suite: SuiteName };

export interface GradeResult {
  status: 'passed' | 'failed' | 'error' | 'timeout' | 'memory';
  tests: SuiteTestResult[];
  durationMs: number;
  note?: string;
}

interface Accepted {
  loaded?: { stdout: string; error?: string };
  outs: Extract<ChildMessage, { t: 'out' }>[];
  running: number | undefined;
  done: boolean;
  violation?: string;
}

/** Walks the messages with a cursor; the first one out of place is a protocol violation and stops the walk. */
function accept(messages: ChildMessage[], count: number): Accepted {
  const acc: Accepted = { outs: [], running: undefined, done: false };
  for (const m of messages) {
    if (m.t === 'ready' || m.t === 'fatal') continue;
    const next = acc.outs.length;
    const ok =
      m.t === 'loaded' ? acc.loaded === undefined && typeof m.stdout === 'string'
        : m.t === 'start' ? acc.loaded !== undefined && acc.loaded.error === undefined && acc.running === undefined && m.i === next && next < count
          : m.t === 'out' ? acc.running === next && m.i === next && typeof m.stdout === 'string' &&
            (typeof m.error === 'string' || Array.isArray(m.outputs))
            : m.t === 'done' ? acc.loaded !== undefined && acc.running === undefined &&
              (acc.loaded.error !== undefined || next === count)
              : false;
    if (!ok) {
      acc.violation = `unexpected ${JSON.stringify(m).slice(0, 120)}`;
      break;
    }
    if (m.t === 'loaded') acc.loaded = m;
    else if (m.t === 'start') acc.running = m.i;
    else if (m.t === 'out') { acc.outs.push(m); acc.running = undefined; }
    else { acc.done = true; break; }
  }
  return acc;
}

export function assemble(
  outcome: RunOutcome,
  cases: TestCase[],
  limits: { timeLimitMs: number; memoryLimitMb: number },
  durationMs: number,
): GradeResult {
  const acc = accept(outcome.messages, cases.length);
  const fatal = outcome.messages.some((m) => m.t === 'fatal');
  const killed = outcome.killed ?? (acc.violation ? 'violation' : fatal || !acc.done ? 'crash' : undefined);
  const tests: SuiteTestResult[] = [];
  const loadStdout = acc.loaded?.stdout ?? '';
  // Top-level code that hangs or blows a limit is blamed on the first case.
  const culprit = acc.loaded === undefined ? 0 : acc.running;
  cases.forEach((c, i) => {
    const suite: SuiteName = c.visible ? 'visible' : 'hidden';
    const out = acc.outs[i];
    if (acc.loaded?.error !== undefined) {
      tests.push({ suite, name: c.name, status: 'error', message: acc.loaded.error, stdout: loadStdout });
    } else if (out) {
      const judged = judgeCase(c, { stdout: out.stdout, ...(out.error !== undefined ? { error: out.error } : { outputs: out.outputs! }) });
      tests.push({ ...judged, suite });
    } else {
      tests.push({ suite, name: c.name, stdout: '', ...culpritOrNotRun(killed, i === culprit, limits) });
    }
  });

  const status: GradeResult['status'] =
    killed === 'timeout' ? 'timeout'
      : killed === 'memory' ? 'memory'
        : killed !== undefined || tests.length === 0 || tests.some((t) => t.status === 'error') ? 'error'
          : tests.some((t) => t.status === 'fail' || t.status === 'timeout') ? 'failed' : 'passed';
  const note =
    killed === 'timeout' ? human.timeout(limits.timeLimitMs)
      : killed === 'memory' ? human.memory(limits.memoryLimitMb)
        : killed === 'violation' ? human.violation
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
  if (killed === 'violation') return { status: 'error', message: human.violation };
  return culprit ? { status: 'error', message: human.crash } : { status: 'error', message: human.notRunAfterCrash };
}
