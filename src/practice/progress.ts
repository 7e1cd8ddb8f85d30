/**
 * The progress page's arithmetic, as pure functions over the bank and a user's attempts (no SQL, no clock unless
 * passed in), so every rule here is tested directly: solved counts, the UTC-day streak, and "next up".
 *
 * Spaced review: a problem whose latest outcome was not a clean solve (failed, crashed, gave up, or passed with a
 * hint) comes back 1 day after the first day it was worked on, then 3 days, then every 7 days, counted in UTC
 * days. A clean solve (no hints, no AI hints) takes it out of the queue, unless it came right after giving up (the
 * same day): then it comes back once more, as it does not count as solved without hints either. With nothing due,
 * the suggestion is the next unsolved problem, easiest first, in the topic with the lowest share solved.
 *
 * Problems scheduled from outside practice (a career plan's gaps, schedule-queries.ts) join the same queue on their
 * due date, until the first attempt made after they were scheduled; from then on the rules above apply.
 */
import { DIFFICULTIES, TOPICS, type Bank, type Difficulty, type Problem, type Topic } from './bank.js';
import type { AttemptSummary } from './queries.js';
import type { ScheduledProblem } from './schedule-queries.js';
import { WRITTEN_PASS_SHARE } from './scoring.js';

export const REVIEW_INTERVAL_DAYS = [1, 3, 7] as const;
const DAY_MS = 86_400_000;

export interface Tally {
  solved: number;
  total: number;
}

export interface Review {
  problem: Problem;
  dueAt: Date;
  reason: string;
  due: boolean;
}

export interface Progress {
  solved: number;
  total: number;
  attempts: number;
  solvedWithoutHints: number;
  /** Written problems not judged solved whose latest self-assessment ticks enough rubric points: the user's word. */
  selfAssessed: number;
  streak: { days: number; activeToday: boolean };
  byTopic: (Tally & { topic: Topic })[];
  byDifficulty: (Tally & { difficulty: Difficulty })[];
  reviewsDue: Review[];
  reviewsLater: Review[];
  /** The weakest topic's next problem; the page words the reason (it knows the topics' display names). */
  suggestion: { problem: Problem; topic: Topic; solved: number; total: number } | null;
}

export const utcDay = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

function isClean(a: AttemptSummary): boolean {
  return a.status === 'passed' && a.hintsUsed === 0 && a.aiHintsUsed === 0;
}

/** Consecutive UTC days with practice, ending today, or yesterday if today has none yet (the streak is not lost until the day ends). */
export function currentStreak(attempts: AttemptSummary[], now: Date): { days: number; activeToday: boolean } {
  const days = new Set(attempts.filter((a) => a.status !== 'gave_up').map((a) => utcDay(a.createdAt)));
  const today = utcDay(now);
  const activeToday = days.has(today);
  let day = activeToday ? today : today - 1;
  let count = 0;
  while (days.has(day)) {
    count++;
    day--;
  }
  return { days: count, activeToday };
}

/**
 * Whether the latest attempt ends the reviews: a clean pass, unless it came the same UTC day as (or before) a
 * give-up, that is right after seeing the solution. A clean pass on a later day shows it was learnt.
 */
function settled(graded: AttemptSummary[]): boolean {
  const last = graded.at(-1)!;
  if (!isClean(last)) return false;
  const lastGiveUp = graded.findLastIndex((a) => a.status === 'gave_up');
  if (lastGiveUp < 0) return true;
  const gaveUpOn = utcDay(graded[lastGiveUp]!.createdAt);
  return graded.slice(lastGiveUp + 1).some((a) => isClean(a) && utcDay(a.createdAt) > gaveUpOn);
}

function describeOutcome(a: AttemptSummary): string {
  if (isClean(a)) return 'solved after seeing the solution';
  if (a.status === 'passed') return 'solved with a hint';
  if (a.status === 'gave_up') return 'gave up';
  if (a.status === 'estimated') return a.selfAssessed == null ? 'estimated offline, not judged' : 'self-assessed, not judged';
  return 'not solved';
}

/** When a problem whose latest outcome was not clean comes back, or null when it should not. */
export function reviewDue(history: AttemptSummary[]): { dueAt: Date; reason: string } | null {
  const graded = history.filter((a) => a.status !== 'pending');
  const last = graded.at(-1);
  if (!last || settled(graded)) return null;
  const daysWorked = new Set(graded.map((a) => utcDay(a.createdAt))).size;
  const interval = REVIEW_INTERVAL_DAYS[Math.min(daysWorked, REVIEW_INTERVAL_DAYS.length) - 1]!;
  const dueAt = new Date((utcDay(last.createdAt) + interval) * DAY_MS);
  return { dueAt, reason: `${describeOutcome(last)}; review ${daysWorked} (after ${interval} day${interval === 1 ? '' : 's'})` };
}

function tally<K extends string>(keys: readonly K[], problems: Problem[], solved: Set<string>, key: (p: Problem) => K) {
  return keys.map((k) => {
    const inGroup = problems.filter((p) => key(p) === k);
    return { key: k, solved: inGroup.filter((p) => solved.has(p.slug)).length, total: inGroup.length };
  });
}

/** Scheduled problems not yet attempted since they were scheduled, and not already coming back for review. */
function scheduledReviews(bank: Bank, scheduled: ScheduledProblem[], bySlug: Map<string, AttemptSummary[]>, reviewed: Set<string>, now: Date): Review[] {
  return scheduled
    .filter((s) => bank.bySlug.has(s.slug) && !reviewed.has(s.slug))
    .filter((s) => !(bySlug.get(s.slug) ?? []).some((a) => a.createdAt.getTime() >= s.scheduledAt.getTime()))
    .map((s) => ({ problem: bank.bySlug.get(s.slug)!, dueAt: s.dueAt, reason: s.reason, due: s.dueAt.getTime() <= now.getTime() }));
}

export function computeProgress(bank: Bank, attempts: AttemptSummary[], now = new Date(), scheduled: ScheduledProblem[] = []): Progress {
  const bySlug = new Map<string, AttemptSummary[]>();
  for (const a of attempts) {
    if (!bank.bySlug.has(a.slug)) continue;
    const list = bySlug.get(a.slug) ?? [];
    list.push(a);
    bySlug.set(a.slug, list);
  }
  const solved = new Set<string>();
  let solvedWithoutHints = 0;
  let selfAssessed = 0;
  const reviews: Review[] = [];
  for (const [slug, history] of bySlug) {
    if (history.some((a) => a.status === 'passed')) solved.add(slug);
    else if ((history.findLast((a) => a.selfAssessed != null)?.selfAssessed ?? 0) >= WRITTEN_PASS_SHARE) selfAssessed++;
    // A clean pass after seeing the solution is not "without hints": count it only before any give-up.
    const firstGiveUp = history.findIndex((a) => a.status === 'gave_up');
    const firstClean = history.findIndex(isClean);
    if (firstClean >= 0 && (firstGiveUp < 0 || firstClean < firstGiveUp)) solvedWithoutHints++;
    const due = reviewDue(history);
    if (due) reviews.push({ problem: bank.bySlug.get(slug)!, ...due, due: due.dueAt.getTime() <= now.getTime() });
  }
  reviews.push(...scheduledReviews(bank, scheduled, bySlug, new Set(reviews.map((r) => r.problem.slug)), now));
  reviews.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());

  const byTopic = tally(TOPICS, bank.problems, solved, (p) => p.topic)
    .filter((t) => t.total > 0)
    .map(({ key, ...t }) => ({ topic: key, ...t }));
  const byDifficulty = tally(DIFFICULTIES, bank.problems, solved, (p) => p.difficulty).map(({ key, ...t }) => ({ difficulty: key, ...t }));

  return {
    solved: solved.size,
    total: bank.problems.length,
    attempts: attempts.filter((a) => a.status !== 'gave_up').length,
    solvedWithoutHints,
    selfAssessed,
    streak: currentStreak(attempts, now),
    byTopic,
    byDifficulty,
    reviewsDue: reviews.filter((r) => r.due),
    reviewsLater: reviews.filter((r) => !r.due),
    suggestion: suggest(bank, byTopic, solved),
  };
}

/** The weakest topic (lowest share solved, bank order on ties) and its first unsolved problem (bank order is easiest first). */
function suggest(bank: Bank, byTopic: (Tally & { topic: Topic })[], solved: Set<string>): Progress['suggestion'] {
  const open = byTopic.filter((t) => t.solved < t.total);
  if (open.length === 0) return null;
  const weakest = open.reduce((w, t) => (t.solved / t.total < w.solved / w.total ? t : w));
  const problem = bank.problems.find((p) => p.topic === weakest.topic && !solved.has(p.slug))!;
  return { problem, topic: weakest.topic, solved: weakest.solved, total: weakest.total };
}
