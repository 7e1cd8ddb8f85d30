/**
 * Finding the taxonomy's skills in free text (a job description, a CV), with the sentence each was found in, so
 * every claim the career tools make can point at its evidence. Pure functions over taxonomy.ts.
 *
 * Boundaries are explicit rather than `\b`, which treats "+" and "#" as boundaries: "C" must not match inside "C++"
 * or "C#", and "SQL" must not match inside "NoSQL" or "PostgreSQL".
 */
import { SKILLS, type Skill } from './taxonomy.js';

export interface Mention {
  /** The text as written, e.g. "k8s". */
  text: string;
  start: number;
  end: number;
  /** The sentence (or list item) it appears in, trimmed. */
  sentence: string;
}

export interface SkillMatch {
  skill: Skill;
  mentions: Mention[];
}

const BEFORE = '(?<![\\p{L}\\p{N}_])';
const AFTER = '(?![\\p{L}\\p{N}_+#])';

function escape(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** A variant as a pattern: a space or hyphen inside it matches a space, a hyphen or nothing. */
function variantPattern(variant: string): string {
  return [...variant].map((ch) => (ch === ' ' || ch === '-' ? '[-\\s]?' : escape(ch))).join('');
}

/** A plural "s" is allowed on variants that end in a letter ("LLMs", "transformers"), but not on exact short ones. */
function withPlural(variant: string): string {
  return /[a-z]$/i.test(variant) && variant.length >= 3 ? `${variantPattern(variant)}(?:s|es)?` : variantPattern(variant);
}

interface Compiled {
  skill: Skill;
  loose: RegExp | null;
  exact: RegExp | null;
}

const alternation = (variants: string[]) =>
  // Longest first, so "apache spark" wins over a shorter variant starting at the same place.
  [...variants].sort((a, b) => b.length - a.length).map(withPlural).join('|');

function compile(skill: Skill): Compiled {
  return {
    skill,
    loose: skill.variants.length ? new RegExp(`${BEFORE}(?:${alternation(skill.variants)})${AFTER}`, 'giu') : null,
    exact: skill.exact?.length ? new RegExp(`${BEFORE}(?:${alternation(skill.exact)})${AFTER}`, 'gu') : null,
  };
}

const COMPILED = SKILLS.map(compile);

/**
 * Whether an ambiguous exact mention ("Go", "R", "C") reads as the skill. Refused: at the start of a sentence unless
 * a list separator or a possessive follows ("Go beyond..." is the verb; "Go, Rust" is a list; "Go's" is the
 * language), and before "-x" or "&x" ("R&D", "C-suite", "R-CNN").
 */
function ambiguousMentionOk(text: string, start: number, end: number): boolean {
  const after = text.slice(end);
  if (/^[-&][\p{L}\p{N}]/u.test(after)) return false;
  const before = text.slice(0, start).replace(/[\s*•(-]+$/u, '');
  const sentenceStart = before === '' || /[.!?:]$/.test(before) || /\n\s*$/.test(text.slice(0, start));
  if (!sentenceStart) return true;
  // A list follows, or a possessive: the verb never takes "'s".
  return /^(?:\s*(?:[,/)]|$|\n|and\b|or\b)|['’]s\b)/.test(after);
}

/** The sentence or list item around [start, end): split at ". ", "! ", "? ", line breaks and bullets. */
export function sentenceAround(text: string, start: number, end: number): string {
  let begin = 0;
  for (const m of text.slice(0, start).matchAll(/[.!?]\s+|\n/g)) begin = m.index + m[0].length;
  const tail = /[.!?](?=\s|$)|\n/.exec(text.slice(end));
  const stop = tail ? end + tail.index + (tail[0] === '\n' ? 0 : 1) : text.length;
  return text.slice(begin, stop).replace(/^[\s*•-]+/u, '').replace(/\s+/g, ' ').trim();
}

function mentionsOf(c: Compiled, text: string): Mention[] {
  const found: Mention[] = [];
  for (const re of [c.loose, c.exact]) {
    if (!re) continue;
    for (const m of text.matchAll(re)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (re === c.exact && c.skill.ambiguous && !ambiguousMentionOk(text, start, end)) continue;
      found.push({ text: m[0], start, end, sentence: sentenceAround(text, start, end) });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Every taxonomy skill mentioned in the text, in order of first mention, each with all its mentions. */
export function findSkills(text: string): SkillMatch[] {
  return COMPILED.map((c) => ({ skill: c.skill, mentions: mentionsOf(c, text) }))
    .filter((m) => m.mentions.length > 0)
    .sort((a, b) => a.mentions[0]!.start - b.mentions[0]!.start);
}

/** Joins lines a paste wrapped mid-sentence (a break followed by a lower-case word), so evidence sentences stay whole. */
export function unwrapLines(text: string): string {
  return text.replace(/([^\n.!?:;])[ \t]*\r?\n[ \t]*(?=\p{Ll})/gu, '$1 ');
}
