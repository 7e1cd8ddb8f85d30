/**
 * Imported code tests as data. A code dataset's test code (HumanEval's `check(candidate)`, MBPP's assert list) is
 * read here, at import, into the same TestCase steps and expected values the problem bank uses: a call of the entry
 * point with literal arguments, and the literal it must return. The judge (src/practice/judge.ts) then compares what
 * the sandbox reports, so the test code never runs beside the model's code, where the model could patch `assert`,
 * `__eq__` or `sys.exit` and forge a pass (docs/grading-sandbox.md). The price: only assertions of this form are
 * accepted, and a line of any other form is refused at import with its line number.
 *
 * Accepted statements (blank lines and comments anywhere):
 *   def check(candidate):                      names an alias of the entry point
 *   assert f(<literals>) == <literal>[, "msg"]   either side of == may be the call
 *   assert abs(f(<literals>) - <number>) < <number>   a float within an absolute tolerance
 *   assert f(...)  /  assert not f(...)        must return exactly True / False
 *   pass, and `METADATA = {...}` (HumanEval's, ignored)
 */
import type { Step, TestCase } from '../practice/judge.js';

type Py =
  | { t: 'none' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'list' | 'tuple'; items: Py[] }
  | { t: 'dict'; entries: [Py, Py][] };

interface Tok {
  k: 'name' | 'num' | 'str' | 'op' | 'nl';
  v: string;
  line: number;
}

export class TestCodeError extends Error {
  constructor(readonly line: number, message: string) {
    super(`test line ${line}: ${message}`);
    this.name = 'TestCodeError';
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function unescape(body: string, raw: boolean, line: number): string {
  if (raw) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g, (_m, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e in ESCAPES) return ESCAPES[e]!;
    throw new TestCodeError(line, `unsupported escape \\${e} in a string`);
  });
}

/** Python tokens, with newlines only where a statement ends (inside brackets a newline is just space). */
function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let depth = 0;
  const re = {
    space: /[ \t\f\r]+|\\\n/y,
    comment: /#[^\n]*/y,
    str: /([rRuU]?)('''|"""|'|")/y,
    num: /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?j?)/y,
    name: /[A-Za-z_][A-Za-z0-9_]*/y,
    op: /==|!=|<=|>=|\*\*|[()[\]{},:=<>+\-*/.;]/y,
  };
  const at = (r: RegExp) => ((r.lastIndex = i), r.exec(src));
  while (i < src.length) {
    let m: RegExpExecArray | null;
    if (src[i] === '\n') {
      if (depth === 0 && out.length && out.at(-1)!.k !== 'nl') out.push({ k: 'nl', v: '', line });
      line++;
      i++;
    } else if ((m = at(re.space))) {
      line += m[0].includes('\n') ? 1 : 0;
      i += m[0].length;
    } else if ((m = at(re.comment))) i += m[0].length;
    else if ((m = at(re.str))) {
      const quote = m[2]!;
      let j = i + m[0].length;
      while (j < src.length && !src.startsWith(quote, j)) {
        if (src[j] === '\\') j++;
        else if (src[j] === '\n' && quote.length === 1) throw new TestCodeError(line, 'a string is not closed on its line');
        j++;
      }
      if (j >= src.length) throw new TestCodeError(line, 'a string is never closed');
      const body = src.slice(i + m[0].length, j);
      out.push({ k: 'str', v: unescape(body, /r/i.test(m[1]!), line), line });
      line += body.split('\n').length - 1;
      i = j + quote.length;
    } else if ((m = at(re.num))) (out.push({ k: 'num', v: m[0], line }), (i += m[0].length));
    else if ((m = at(re.name))) (out.push({ k: 'name', v: m[0], line }), (i += m[0].length));
    else if ((m = at(re.op))) {
      if ('([{'.includes(m[0])) depth++;
      if (')]}'.includes(m[0])) depth = Math.max(0, depth - 1);
      out.push({ k: 'op', v: m[0], line });
      i += m[0].length;
    } else throw new TestCodeError(line, `unexpected character ${JSON.stringify(src[i])}`);
  }
  if (out.length && out.at(-1)!.k !== 'nl') out.push({ k: 'nl', v: '', line });
  return out;
}

const FORMS = 'accepted: `assert <entry_point>(<literals>) == <literal>`, `assert abs(<entry_point>(…) - <number>) < <number>`, `assert [not] <entry_point>(…)`, inside `def check(candidate):` or not';

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }
  line(): number {
    return this.peek()?.line ?? this.toks.at(-1)?.line ?? 1;
  }
  is(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && (t.k === 'op' || t.k === 'name') && t.v === v;
  }
  eat(v: string): void {
    if (!this.is(v)) throw new TestCodeError(this.line(), `expected "${v}" (${FORMS})`);
    this.i++;
  }
  literal(): Py {
    const t = this.peek();
    if (!t) throw new TestCodeError(this.line(), 'a value is missing');
    if (t.k === 'op' && (t.v === '-' || t.v === '+')) {
      this.i++;
      const v = this.literal();
      if (v.t === 'int') return t.v === '-' ? { t: 'int', v: -v.v } : v;
      if (v.t === 'float') return t.v === '-' ? { t: 'float', v: -v.v } : v;
      throw new TestCodeError(t.line, `"${t.v}" before a value that is not a number`);
    }
    this.i++;
    if (t.k === 'num') return numberOf(t);
    if (t.k === 'str') {
      let v = t.v;
      while (this.peek()?.k === 'str') v += this.toks[this.i++]!.v; // "a" "b" is one string
      return { t: 'str', v };
    }
    if (t.k === 'name' && t.v === 'None') return { t: 'none' };
    if (t.k === 'name' && (t.v === 'True' || t.v === 'False')) return { t: 'bool', v: t.v === 'True' };
    if (t.k === 'op' && t.v === '[') return { t: 'list', items: this.seq(']').items };
    if (t.k === 'op' && t.v === '(') {
      const s = this.seq(')');
      if (s.items.length === 1 && !s.comma) return s.items[0]!;
      return { t: 'tuple', items: s.items };
    }
    if (t.k === 'op' && t.v === '{') return this.dict();
    throw new TestCodeError(t.line, `"${t.v}" is not a literal value (numbers, strings, True/False/None, lists, tuples and dicts are)`);
  }
  seq(close: string): { items: Py[]; comma: boolean } {
    const items: Py[] = [];
    let comma = false;
    while (!this.is(close)) {
      items.push(this.literal());
      if (this.is(',')) (this.i++, (comma = true));
      else break;
    }
    this.eat(close);
    return { items, comma };
  }
  dict(): Py {
    const entries: [Py, Py][] = [];
    while (!this.is('}')) {
      const k = this.literal();
      if (!this.is(':')) throw new TestCodeError(this.line(), 'sets are not accepted (their order is not defined); use a sorted list');
      this.i++;
      entries.push([k, this.literal()]);
      if (this.is(',')) this.i++;
      else break;
    }
    this.eat('}');
    return { t: 'dict', entries };
  }
  endOfStatement(): void {
    if (this.is(',') && this.peek(1)?.k === 'str') this.i += 2; // assert ..., "message"
    while (this.peek()?.k === 'str' || this.is('+')) this.i++;
    if (this.peek()?.k !== 'nl') throw new TestCodeError(this.line(), `unexpected "${this.peek()?.v}" (${FORMS})`);
    this.i++;
  }
}

function numberOf(t: Tok): Py {
  const s = t.v.replace(/_/g, '');
  if (s.endsWith('j')) throw new TestCodeError(t.line, 'complex numbers are not accepted');
  if (/^0[xXoObB]/.test(s) || /^\d+$/.test(s)) return { t: 'int', v: BigInt(s) };
  return { t: 'float', v: Number(s) };
}

/** A value as the runner decodes arguments (runner.py `_decode`): tuples, floats and dicts keep their Python type. */
function toArg(v: Py): unknown {
  switch (v.t) {
    case 'none': return null;
    case 'bool': case 'str': return v.v;
    case 'int': return v.v >= BigInt(Number.MIN_SAFE_INTEGER) && v.v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.v) : { $int: String(v.v) };
    case 'float': return { $float: Number.isInteger(v.v) ? v.v.toFixed(1) : String(v.v) };
    case 'list': return v.items.map(toArg);
    case 'tuple': return { $tuple: v.items.map(toArg) };
    case 'dict': return { $dict: v.entries.map(([k, x]) => [toArg(k), toArg(x)]) };
  }
}

/** A value as the runner reports results (runner.py `_encode`): tuples are lists, only string keys exist. */
function toExpected(v: Py, line: number): unknown {
  switch (v.t) {
    case 'none': return null;
    case 'bool': case 'str': return v.v;
    case 'int': return v.v >= -(2n ** 53n) && v.v <= 2n ** 53n ? Number(v.v) : { $int: String(v.v) };
    case 'float': return v.v;
    case 'list': case 'tuple': return v.items.map((x) => toExpected(x, line));
    case 'dict':
      return Object.fromEntries(v.entries.map(([k, x]) => {
        if (k.t !== 'str' || k.v.startsWith('$')) throw new TestCodeError(line, 'an expected dict may only have string keys (not starting with $)');
        return [k.v, toExpected(x, line)];
      }));
  }
}

type Call = { step: Step; line: number };

function parseCall(p: Parser, names: Set<string>): Call | null {
  const t = p.peek();
  if (t?.k !== 'name' || !names.has(t.v) || !p.is('(', 1)) return null;
  p.i += 2;
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  while (!p.is(')')) {
    if (p.peek()?.k === 'name' && p.is('=', 1)) {
      const key = p.peek()!.v;
      p.i += 2;
      kwargs[key] = toArg(p.literal());
    } else args.push(toArg(p.literal()));
    if (p.is(',')) p.i++;
    else break;
  }
  p.eat(')');
  const step: Step = { call: [...names][0]!, args, ...(Object.keys(kwargs).length ? { kwargs } : {}) };
  return { step, line: t.line };
}

function parseAssert(p: Parser, names: Set<string>, n: number): TestCase {
  const line = p.line();
  const name = `test ${n} (line ${line})`;
  const callOrThrow = () => {
    const c = parseCall(p, names);
    if (!c) throw new TestCodeError(p.line(), `expected a call of ${[...names].join(' or ')} (${FORMS})`);
    return c;
  };
  if (p.is('abs') && p.is('(', 1)) {
    p.i += 2;
    const call = callOrThrow();
    p.eat('-');
    const target = p.literal();
    p.eat(')');
    p.eat('<');
    const tol = p.literal();
    if ((target.t !== 'int' && target.t !== 'float') || (tol.t !== 'int' && tol.t !== 'float')) throw new TestCodeError(line, 'abs(f(…) - x) < tol needs numbers for x and tol');
    p.endOfStatement();
    return { name, visible: true, steps: [call.step], expected: [Number(target.v)], tol: { rel: 0, abs: Number(tol.v) } };
  }
  const negated = p.is('not') ? (p.i++, true) : false;
  const call = parseCall(p, names);
  if (call && !negated && p.is('==')) {
    p.i++;
    const expected = toExpected(p.literal(), line);
    p.endOfStatement();
    return { name, visible: true, steps: [call.step], expected: [expected] };
  }
  if (call) {
    p.endOfStatement();
    return { name, visible: true, steps: [call.step], expected: [!negated] };
  }
  if (negated) throw new TestCodeError(line, `expected a call after "not" (${FORMS})`);
  if (p.peek()?.k === 'name' && p.is('(', 1)) throw new TestCodeError(line, `expected a call of ${[...names].join(' or ')}, not ${p.peek()!.v} (${FORMS})`);
  const expected = toExpected(p.literal(), line);
  p.eat('==');
  const right = callOrThrow();
  p.endOfStatement();
  return { name, visible: true, steps: [right.step], expected: [expected] };
}

/** Test code as TestCase data, or a TestCodeError naming the first line it cannot accept. */
export function parseTestCode(src: string, entryPoint: string): TestCase[] {
  const p = new Parser(tokenize(src));
  const names = new Set([entryPoint]);
  const cases: TestCase[] = [];
  while (p.peek()) {
    if (p.peek()!.k === 'nl') (p.i++);
    else if (p.is('def')) {
      p.i++;
      p.i++; // the function's name
      p.eat('(');
      const alias = p.peek();
      if (alias?.k === 'name') (names.add(alias.v), p.i++);
      p.eat(')');
      p.eat(':');
      p.endOfStatement();
    } else if (p.is('assert')) {
      p.i++;
      cases.push(parseAssert(p, names, cases.length + 1));
    } else if (p.is('pass')) (p.i++, p.endOfStatement());
    else if (p.is('METADATA') && p.is('=', 1)) (p.i += 2, p.literal(), p.endOfStatement());
    else throw new TestCodeError(p.line(), `"${p.peek()!.v}" starts a statement that is not accepted (${FORMS})`);
  }
  if (cases.length === 0) throw new TestCodeError(1, `no assertion about ${entryPoint} was found (${FORMS})`);
  return cases;
}
