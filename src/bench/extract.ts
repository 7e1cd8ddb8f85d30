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
const NUMBER_GLOBAL = new RegExp(`(?<![\\w.])${NUMBER.source}(?![\\w])`, 'g');

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

function firstNumberIn(text: string): string | null {
  const all = [...text.matchAll(NUMBER_GLOBAL)].map((m) => m[0]).filter((s) => /\d/.test(s));
  return all[0] ?? null;
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

/** The final numeric answer: a boxed answer, else an "Answer:" line, else the last number in the text. */
export function extractNumber(text: string): Extracted {
  const body = stripThinking(text);
  const boxed = lastBoxed(body);
  if (boxed !== null) {
    const frac = /\\frac\{([^}]*)\}\{([^}]*)\}/.exec(boxed);
    const n = frac ? `${frac[1]}/${frac[2]}` : firstNumberIn(boxed) ?? boxed;
    if (parseNumber(n) !== null) return { value: n.trim(), how: 'boxed' };
  }
  const lines = [...body.matchAll(/^[\s*#>_-]*(?:final\s+)?answer\s*[:=]\s*\**\s*(.+)$/gim)];
  const line = lines.at(-1)?.[1];
  if (line) {
    const frac = /(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)/.exec(line);
    const n = frac ? frac[0] : firstNumberIn(line);
    if (n !== null && parseNumber(n) !== null) return { value: n, how: 'answer_line' };
  }
  const all = [...body.matchAll(NUMBER_GLOBAL)].map((m) => m[0]).filter((s) => /\d/.test(s));
  const last = all.at(-1);
  if (last !== undefined && parseNumber(last) !== null) return { value: last, how: 'last_number' };
  return { value: null, how: 'none' };
}

/** A multiple-choice letter among `letters` (e.g. "ABCD"): "Answer: C", "(C)", "**C**", or a lone letter. */
export function extractChoice(text: string, letters: string): Extracted {
  const body = stripThinking(text);
  const set = `[${letters}]`;
  const answerLine = [...body.matchAll(new RegExp(`answer\\s*(?:is)?\\s*[:=]?\\s*\\**\\(?(${set})\\)?(?![A-Za-z])`, 'gi'))].at(-1);
  if (answerLine) return { value: answerLine[1]!.toUpperCase(), how: 'answer_line' };
  const boxed = lastBoxed(body);
  if (boxed && new RegExp(`^\\s*\\(?(${set})\\)?\\s*$`, 'i').test(boxed)) return { value: boxed.replace(/[^A-Za-z]/g, '').toUpperCase(), how: 'boxed' };
  const lone = new RegExp(`^\\s*\\**\\(?(${set})\\)?[.)]?\\**\\s*$`, 'im').exec(body.split('\n').filter((l) => l.trim()).at(-1) ?? '');
  if (lone) return { value: lone[1]!.toUpperCase(), how: 'letter' };
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
