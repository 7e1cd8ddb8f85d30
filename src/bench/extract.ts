/**
 * Finding the answer in a model's text. Pure functions; the grading decision is made elsewhere (grade.ts) on what
 * these return. Thinking is stripped first: a number inside `<think>` is a step, not an answer.
 */
import { stripThinking } from '../llm/providers/reasoning.js';

export type Extraction = 'boxed' | 'answer_line' | 'last_number' | 'letter' | 'code_block' | 'whole_text' | 'none';

export interface Extracted {
  value: string | null;
  how: Extraction;
}

const NUMBER = /[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?/;
// Not inside a word or a longer number on the left; a unit may follow ("120ms", "4.5x"), another digit may not.
const NUMBER_GLOBAL = new RegExp(`(?<![\\w.])${NUMBER.source}(?!\\.?\\d)`, 'g');

/** The text of the last \boxed{...}, balanced braces included. */
function lastBoxed(text: string): string | null {
  const at = text.lastIndexOf('\\boxed{');
  if (at === -1) return null;
  let depth = 0;
  for (let i = at + 7; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      if (depth === 0) return text.slice(at + 7, i);
      depth--;
    }
  }
  return null;
}

/**
 * LaTeX and typography a model wraps numbers in, rewritten as plain numbers: `\frac{a}{b}` (and \dfrac, \tfrac) as
 * a/b, `2.5 \times 10^{-3}` as 2.5e-3, math delimiters, thin spaces and `\left`/`\right` dropped.
 */
function plainMath(text: string): string {
  return text
    .replace(/\\[dt]?frac\s*\{\s*([^{}]*?)\s*\}\s*\{\s*([^{}]*?)\s*\}/g, '$1/$2')
    .replace(/(\d(?:\.\d+)?)\s*(?:\\times|×|\\cdot|\*)\s*10\s*\^\s*\{?\s*([-−+]?\d+)\s*\}?/g, '$1e$2')
    .replace(/\\left|\\right|\\[,!;]|\\text\{[^{}]*\}|\$/g, '');
}

function numbersIn(text: string): string[] {
  return [...text.matchAll(NUMBER_GLOBAL)].map((m) => m[0]).filter((s) => /\d/.test(s));
}

/** The first number of a short answer, a fraction a/b whole; after the last `=` or `≈` when there is one ("p = 1 − 0.9^10 ≈ 0.65"). */
function numberOfAnswer(text: string): string | null {
  const plain = plainMath(text);
  const tail = plain.split(/=|≈|\\approx/).at(-1)!;
  const frac = /(?<![\w.])([-−]?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)/.exec(tail);
  const n = frac ? `${frac[1]}/${frac[2]}` : numbersIn(tail)[0] ?? null;
  return n !== null && parseNumber(n) !== null ? n : null;
}

/** Parses "1,234.5", "−3", "4.47e-1" and a simple fraction "43/9"; null when it is not a number. */
export function parseNumber(raw: string): number | null {
  const s = raw.trim().replace(/−/g, '-').replace(/,/g, '').replace(/^\$/, '').replace(/%$/, '');
  const frac = /^(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (frac) {
    const d = Number(frac[2]);
    return d === 0 ? null : Number(frac[1]) / d;
  }
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

// "Answer: 4.47", "**Final answer:** 4.47", "the answer is 4.47", "Answer = 4.47"; the rest of that line.
const ANSWER_LINE = /(?:final\s+)?answer\s*(?:is\b\s*:?|[:=])\s*(.+)$/gim;

/**
 * The final numeric answer, in order of how deliberately the model marked it: the last \boxed{}, else the last
 * "Answer:" line (or "the answer is ..."), else the last number in the text. Thinking is stripped first, and only
 * the answer is read: a separate reasoning field never reaches this function.
 */
export function extractNumber(text: string): Extracted {
  const body = stripThinking(text);
  const boxed = lastBoxed(body);
  if (boxed !== null) {
    const n = numberOfAnswer(boxed);
    if (n !== null) return { value: n.trim(), how: 'boxed' };
  }
  for (const line of [...body.matchAll(ANSWER_LINE)].reverse()) {
    const n = numberOfAnswer(line[1]!.replace(/[*_]+/g, ' '));
    if (n !== null) return { value: n, how: 'answer_line' };
  }
  const last = numbersIn(plainMath(body)).at(-1);
  if (last !== undefined && parseNumber(last) !== null) return { value: last, how: 'last_number' };
  return { value: null, how: 'none' };
}

/**
 * A multiple-choice letter among `letters` (e.g. "ABCD"). Bare letters count only in capitals, so "the answer is a
 * function" is not A; in parentheses or bold either case counts. In order: an answer statement ("Answer: C", "the
 * correct answer is (b)", "I choose **D**", "option B is correct"), a boxed letter, a last line that is the letter
 * ("C", "(C) 42", "C. because ...").
 */
export function extractChoice(text: string, letters: string): Extracted {
  const body = stripThinking(text).replace(/\\text\{([^{}]*)\}/g, '$1');
  const up = letters.toUpperCase();
  const any = `${up}${letters.toLowerCase()}`;
  const letter = `(?:\\(([${any}])\\)|\\*\\*\\(?([${any}])\\)?\\*\\*|\\[([${any}])\\]|([${up}]))(?![A-Za-z0-9'’])`;
  const statements = [
    `(?:[Ff]inal\\s+|[Cc]orrect\\s+|[Bb]est\\s+)?(?:[Aa]nswer|[Oo]ption|[Cc]hoice)\\s*(?:is\\b|:|=)\\s*:?\\s*(?:[Oo]ption\\s+|[Cc]hoice\\s+)?${letter}`,
    `\\b(?:I\\s+(?:choose|pick|select|go\\s+with)|[Ss]elect|[Cc]hoose)\\s*:?\\s*(?:[Oo]ption\\s+)?${letter}`,
    `\\b[Oo]ption\\s+${letter}\\s+is\\s+(?:the\\s+)?(?:correct|right|best)`,
  ];
  const found = statements.flatMap((src) => [...body.matchAll(new RegExp(src, 'g'))]).sort((a, b) => a.index! - b.index!).at(-1);
  const pick = (m: RegExpMatchArray) => m.slice(1).find((g) => g !== undefined)!.toUpperCase();
  if (found) return { value: pick(found), how: 'answer_line' };
  const boxed = lastBoxed(body);
  const inBox = boxed === null ? null : new RegExp(`^\\s*(?:\\(([${any}])\\)|([${any}]))\\s*$`).exec(boxed);
  if (inBox) return { value: pick(inBox), how: 'boxed' };
  const lastLine = body.split('\n').filter((l) => l.trim()).at(-1) ?? '';
  const lone = new RegExp(`^\\s*(?:\\*\\*)?(?:\\(([${any}])\\)|([${up}])(?:[.):]|(?:\\*\\*)?\\s*$))`).exec(lastLine);
  if (lone) return { value: pick(lone), how: 'letter' };
  return { value: null, how: 'none' };
}

/** The program in a reply: the last fenced python block (or any fenced block), else the whole text if it looks like code. */
export function extractCode(text: string): Extracted {
  const body = stripThinking(text);
  const blocks = [...body.matchAll(/```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)```/g)];
  const python = blocks.filter((b) => /^(python|py|python3)?$/i.test(b[1] ?? ''));
  const chosen = (python.length ? python : blocks).at(-1);
  if (chosen) return { value: chosen[2]!, how: 'code_block' };
  if (/^\s*(def |class |import |from )/m.test(body)) return { value: body, how: 'whole_text' };
  return { value: null, how: 'none' };
}

/** Within tolerance, absolute, or relative for large answers (a tolerance of 0.001 on 12,000 is a typo). */
export function numbersMatch(got: number, expected: number, tolerance: number): boolean {
  return Math.abs(got - expected) <= Math.max(tolerance, Math.abs(expected) * 1e-9);
}
