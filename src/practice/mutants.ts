/**
 * Mutants: plausible wrong solutions a code problem's hidden cases must catch (the bank check grades each one).
 * Each is stored as `mutants/<name>.json`, a few find/replace edits to `solution.py` plus a line saying what is
 * wrong, not as a near-copy of the solution: the mistake is the whole file, and an edit to the solution carries over.
 * Edits apply in order; each `find` must occur exactly once in the text so far, so an edit can never land in the
 * wrong place after the solution changes: it fails loudly instead, naming the mutant.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const mutantFile = z.object({
  why: z.string().min(1),
  edits: z.array(z.object({ find: z.string().min(1), replace: z.string() })).min(1),
});
type MutantFile = z.infer<typeof mutantFile>;

export interface Mutant {
  /** The file name without `.json`. */
  name: string;
  /** What is wrong with it, in one line. */
  why: string;
  /** The solution with the edits applied, headed by a `# Mutant:` comment. */
  code: string;
}

/** Applies a mutant's edits to the solution; throws, naming the mutant, when one does not apply cleanly. */
export function applyMutant(name: string, solution: string, m: MutantFile): string {
  let text = solution;
  m.edits.forEach((e, i) => {
    const at = text.indexOf(e.find);
    if (at < 0) throw new Error(`mutant ${name}: edit ${i + 1} finds nothing (was solution.py changed?)`);
    if (text.indexOf(e.find, at + 1) >= 0) throw new Error(`mutant ${name}: edit ${i + 1} finds its text more than once`);
    text = text.slice(0, at) + e.replace + text.slice(at + e.find.length);
  });
  if (text === solution) throw new Error(`mutant ${name}: its edits leave the solution unchanged`);
  return `# Mutant: ${m.why}\n${text}`;
}

/** The mutants of one problem folder, in name order ([] when it has none). */
export function readMutants(folder: string): Mutant[] {
  const dir = join(folder, 'mutants');
  if (!existsSync(dir)) return [];
  const solution = readFileSync(join(folder, 'solution.py'), 'utf8');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.json'.length);
      const m = mutantFile.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      return { name, why: m.why, code: applyMutant(name, solution, m) };
    });
}
