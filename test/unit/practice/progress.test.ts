import { describe, expect, it } from 'vitest';
import { readBank } from '../../../src/practice/bank.js';
import { computeProgress, currentStreak, reviewDue } from '../../../src/practice/progress.js';
import type { AttemptSummary } from '../../../src/practice/queries.js';

const bank = readBank();
const at = (iso: string, slug: string, status: AttemptSummary['status'], hints = 0, ai = 0): AttemptSummary => ({
  slug,
  status,
  hintsUsed: hints,
  aiHintsUsed: ai,
  createdAt: new Date(iso),
});
const [a, b] = bank.problems.filter((p) => p.topic === 'ml-coding').map((p) => p.slug);

describe('streak (UTC days)', () => {
  it('counts consecutive days ending today', () => {
    const now = new Date('2026-03-10T09:00:00Z');
    const attempts = [at('2026-03-08T23:59:00Z', a!, 'failed'), at('2026-03-09T00:01:00Z', a!, 'failed'), at('2026-03-10T08:00:00Z', a!, 'passed')];
    expect(currentStreak(attempts, now)).toEqual({ days: 3, activeToday: true });
  });

  it('is still alive during a day not yet practised, and broken by a missed day', () => {
    const attempts = [at('2026-03-08T12:00:00Z', a!, 'failed'), at('2026-03-09T12:00:00Z', a!, 'failed')];
    expect(currentStreak(attempts, new Date('2026-03-10T09:00:00Z'))).toEqual({ days: 2, activeToday: false });
    expect(currentStreak(attempts, new Date('2026-03-11T09:00:00Z'))).toEqual({ days: 0, activeToday: false });
  });

  it('uses UTC, not local midnight: 23:30 and 00:30 UTC are two days', () => {
    const attempts = [at('2026-03-09T23:30:00Z', a!, 'failed'), at('2026-03-10T00:30:00Z', a!, 'failed')];
    expect(currentStreak(attempts, new Date('2026-03-10T01:00:00Z')).days).toBe(2);
  });

  it('does not count giving up as practice', () => {
    expect(currentStreak([at('2026-03-10T08:00:00Z', a!, 'gave_up')], new Date('2026-03-10T09:00:00Z')).days).toBe(0);
  });
});

describe('spaced review', () => {
  it('brings a failed problem back after 1, then 3, then 7 days', () => {
    const day1 = [at('2026-03-01T10:00:00Z', a!, 'failed')];
    expect(reviewDue(day1)!.dueAt.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    const day2 = [...day1, at('2026-03-02T10:00:00Z', a!, 'failed')];
    expect(reviewDue(day2)!.dueAt.toISOString()).toBe('2026-03-05T00:00:00.000Z');
    const day5 = [...day2, at('2026-03-05T10:00:00Z', a!, 'passed', 1)];
    expect(reviewDue(day5)!.dueAt.toISOString()).toBe('2026-03-12T00:00:00.000Z');
    expect(reviewDue([...day5, at('2026-03-12T10:00:00Z', a!, 'failed')])!.dueAt.toISOString()).toBe('2026-03-19T00:00:00.000Z');
  });

  it('drops a problem once it is solved cleanly, and never schedules a clean first solve', () => {
    expect(reviewDue([at('2026-03-01T10:00:00Z', a!, 'failed'), at('2026-03-02T10:00:00Z', a!, 'passed')])).toBeNull();
    expect(reviewDue([at('2026-03-01T10:00:00Z', a!, 'passed')])).toBeNull();
  });

  it('schedules a pass that used an AI hint, and a give-up', () => {
    expect(reviewDue([at('2026-03-01T10:00:00Z', a!, 'passed', 0, 1)])).not.toBeNull();
    expect(reviewDue([at('2026-03-01T10:00:00Z', a!, 'gave_up')])!.reason).toMatch(/gave up/);
  });

  it('brings back a clean pass made right after giving up, and drops it after a clean pass on a later day', () => {
    const sameDay = [at('2026-03-01T10:00:00Z', a!, 'gave_up'), at('2026-03-01T10:05:00Z', a!, 'passed')];
    const due = reviewDue(sameDay)!;
    expect(due.dueAt.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(due.reason).toMatch(/after seeing the solution/);
    expect(reviewDue([...sameDay, at('2026-03-02T09:00:00Z', a!, 'passed')])).toBeNull();
    // A later give-up starts it over.
    expect(reviewDue([...sameDay, at('2026-03-02T09:00:00Z', a!, 'passed'), at('2026-03-04T09:00:00Z', a!, 'gave_up'), at('2026-03-04T09:10:00Z', a!, 'passed')])).not.toBeNull();
  });

  it('ignores an attempt still being graded', () => {
    expect(reviewDue([at('2026-03-01T10:00:00Z', a!, 'failed'), at('2026-03-03T10:00:00Z', a!, 'pending')])!.dueAt.toISOString()).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });
});

describe('computeProgress', () => {
  it('counts solved by topic and difficulty, attempts, and solves without hints', () => {
    const attempts = [
      at('2026-03-01T10:00:00Z', a!, 'failed'),
      at('2026-03-01T11:00:00Z', a!, 'passed'),
      at('2026-03-01T12:00:00Z', b!, 'passed', 2),
    ];
    const p = computeProgress(bank, attempts, new Date('2026-03-01T13:00:00Z'));
    expect(p.solved).toBe(2);
    expect(p.attempts).toBe(3);
    expect(p.solvedWithoutHints).toBe(1);
    expect(p.byTopic.find((t) => t.topic === 'ml-coding')!.solved).toBe(2);
    const diffs = [bank.bySlug.get(a!)!.difficulty, bank.bySlug.get(b!)!.difficulty];
    for (const d of new Set(diffs)) expect(p.byDifficulty.find((x) => x.difficulty === d)!.solved).toBe(diffs.filter((x) => x === d).length);
    expect(p.total).toBe(bank.problems.length);
  });

  it('puts due reviews in "next up", and otherwise suggests the weakest topic\'s easiest unsolved problem', () => {
    const attempts = [at('2026-03-01T10:00:00Z', a!, 'failed')];
    const sameDay = computeProgress(bank, attempts, new Date('2026-03-01T13:00:00Z'));
    expect(sameDay.reviewsDue).toEqual([]);
    expect(sameDay.reviewsLater.map((r) => r.problem.slug)).toEqual([a]);
    // Nothing solved anywhere: every topic ties at 0%, so the first topic in bank order, easiest problem first.
    expect(sameDay.suggestion!.problem).toBe(bank.problems[0]);
    const nextDay = computeProgress(bank, attempts, new Date('2026-03-02T00:00:00Z'));
    expect(nextDay.reviewsDue.map((r) => r.problem.slug)).toEqual([a]);
  });

  it('moves the suggestion to the topic with the lowest share solved', () => {
    const firstTopic = bank.problems[0]!.topic;
    const solvedAll = bank.problems.filter((p) => p.topic === firstTopic).map((p) => at('2026-03-01T10:00:00Z', p.slug, 'passed'));
    const p = computeProgress(bank, solvedAll, new Date('2026-03-01T13:00:00Z'));
    expect(p.suggestion!.problem.topic).not.toBe(firstTopic);
    expect(p.suggestion).toMatchObject({ topic: p.suggestion!.problem.topic, solved: 0 });
    expect(p.suggestion!.total).toBe(bank.problems.filter((x) => x.topic === p.suggestion!.topic).length);
  });

  it('counts a clean pass after giving up as hint-assisted, not "without hints"', () => {
    const p = computeProgress(bank, [at('2026-03-01T10:00:00Z', a!, 'gave_up'), at('2026-03-02T10:00:00Z', a!, 'passed')], new Date('2026-03-02T12:00:00Z'));
    expect(p.solved).toBe(1);
    expect(p.solvedWithoutHints).toBe(0);
  });
});

describe('problems scheduled from a plan', () => {
  const scheduled = (slug: string, due: string, at = '2026-03-01T09:00:00Z') => ({
    slug,
    dueAt: new Date(due),
    reason: 'plan for ML Engineer: practise Transformers',
    origin: 'job:1',
    scheduledAt: new Date(at),
  });

  it('are due on their day, later ones wait, and the reason is the plan', () => {
    const p = computeProgress(bank, [], new Date('2026-03-01T12:00:00Z'), [scheduled(a!, '2026-03-01T00:00:00Z'), scheduled(b!, '2026-03-02T00:00:00Z')]);
    expect(p.reviewsDue.map((r) => [r.problem.slug, r.reason])).toEqual([[a, 'plan for ML Engineer: practise Transformers']]);
    expect(p.reviewsLater.map((r) => r.problem.slug)).toEqual([b]);
  });

  it('leave the queue once attempted after being scheduled; an earlier attempt does not count', () => {
    const plan = [scheduled(a!, '2026-03-01T00:00:00Z')];
    const before = computeProgress(bank, [at('2026-02-20T10:00:00Z', a!, 'passed')], new Date('2026-03-01T12:00:00Z'), plan);
    expect(before.reviewsDue.map((r) => r.problem.slug)).toEqual([a]);
    const after = computeProgress(bank, [at('2026-03-01T10:00:00Z', a!, 'passed')], new Date('2026-03-01T12:00:00Z'), plan);
    expect(after.reviewsDue).toEqual([]);
    expect(after.reviewsLater).toEqual([]);
  });
});
