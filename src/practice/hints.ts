/**
 * Hints: the three canned hints, revealed one level at a time ("hint 2 of 3"), and "Ask the AI for a hint", which
 * sends the problem, the user's current work and the hints seen so far. Offline, the AI hint is built from what
 * can be read in the code plus the next canned hint, so the button always helps.
 */
import type { Queryable } from '../db/pool.js';
import { practiceHintPrompt } from '../llm/prompts/practice-hint.js';
import type { Problem } from './bank.js';
import type { LlmPort } from './llm-port.js';
import { findObviousIssues } from './offline-review.js';
import { getUserProblemState, KEPT_AI_HINTS, recordAiHint, revealNextHint, type AiHint } from './state-queries.js';

/** How many earlier AI answers go back into the next hint prompt: enough to build on, small enough to always fit. */
export const AI_HINTS_IN_PROMPT = 3;

export interface HintView {
  level: number;
  total: number;
  shown: string[];
  aiHints: AiHint[];
  /** AI hints asked for but no longer listed (only the latest few are kept). */
  earlierAiHints: number;
}

export function hintView(problem: Problem, level: number, aiHints: AiHint[], aiHintsUsed = aiHints.length): HintView {
  const total = problem.hints.length;
  const clamped = Math.max(0, Math.min(level, total));
  return { level: clamped, total, shown: problem.hints.slice(0, clamped), aiHints, earlierAiHints: Math.max(0, aiHintsUsed - aiHints.length) };
}

export async function revealHint(db: Queryable, userId: string, problem: Problem): Promise<HintView> {
  const level = await revealNextHint(db, userId, problem.slug, problem.hints.length);
  const state = await getUserProblemState(db, userId, problem.slug);
  return hintView(problem, level, state.aiHints, state.aiHintsUsed);
}

/** The offline "AI" hint: concrete findings in the code first, then the next canned hint not yet shown. */
export function offlineHint(problem: Problem, code: string, level: number): string {
  const parts: string[] = [];
  const issues = problem.kind === 'code' ? findObviousIssues(code).slice(0, 2) : [];
  if (issues.length) parts.push(issues.map((f) => `Your code ${f.line ? `(line ${f.line}) ` : ''}${f.text}`).join(' '));
  const next = problem.hints[level];
  if (next) parts.push(`Next step: ${next}`);
  else parts.push('You have seen every canned hint. Re-read the last one and check your work against it one line at a time.');
  return parts.join('\n\n');
}

/**
 * Asks the model for the next hint. The prompt carries the canned hints shown and only the last few answers the model
 * gave (offline stand-ins never), so it stays the same size however often the button is pressed. An answer the
 * offline helper gave because the model could not (the daily cap, an outage) is shown with the reason and counted,
 * but not kept: `kept` is false, and a page without htmx must be rendered rather than redirected to.
 */
export async function askAiHint(
  deps: { db: Queryable; llm: LlmPort },
  input: { userId: string; problem: Problem; code: string },
): Promise<{ hints: HintView; kept: boolean }> {
  const { db, llm } = deps;
  const { userId, problem } = input;
  const code = input.code.slice(0, 20_000);
  const state = await getUserProblemState(db, userId, problem.slug);
  const modelHints = state.aiHints.filter((h) => h.source === 'llm').slice(-AI_HINTS_IN_PROMPT);
  const hintsSoFar = [...problem.hints.slice(0, state.hintLevel), ...modelHints.map((h) => h.text)];
  const res = await llm.complete({
    userId,
    feature: 'hint',
    prompt: practiceHintPrompt.build({ title: problem.title, statement: problem.statement, code, hintsSoFar }),
    maxOutputTokens: 300,
    offline: () => ({ text: offlineHint(problem, code, state.hintLevel) }),
  });
  const hint: AiHint = { text: res.text.trim(), source: res.source, at: new Date().toISOString(), ...(res.source === 'offline' && res.notice ? { notice: res.notice } : {}) };
  // With no model configured the offline helper is the hint service, and its answers are kept like a model's.
  const kept = res.fallback === undefined || res.fallback === 'not_configured';
  await recordAiHint(db, userId, problem.slug, kept ? hint : null);
  const listed = kept ? [...state.aiHints, hint].slice(-KEPT_AI_HINTS) : [...state.aiHints, hint];
  return { hints: hintView(problem, state.hintLevel, listed, state.aiHintsUsed + 1), kept };
}
