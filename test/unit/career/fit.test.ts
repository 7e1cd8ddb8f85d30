/**
 * The fit breakdown, its reading and the plan, as pure functions over the fixtures: every JD against every CV adds
 * up (the lines' points are the score shown), must-haves weigh more than nice-to-haves, "not stated" is told apart
 * from a real gap, the model's reading loses sentences that claim more than the breakdown shows, and the plan
 * practises only real gaps with problems from the bank.
 */
import { describe, expect, it } from 'vitest';
import { assessFit, WEIGHTS, type FitInputs } from '../../../src/career/fit.js';
import { parseJdOffline } from '../../../src/career/jd-offline.js';
import { buildPlan } from '../../../src/career/plan.js';
import { problemsForSkill } from '../../../src/career/problems.js';
import { analyseProfileOffline } from '../../../src/career/profile-offline.js';
import { checkReading, offlineReading } from '../../../src/career/reading.js';
import { loadBank } from '../../../src/practice/bank.js';
import { CVS, JDS } from '../../integration/career/fixtures/index.js';

const bank = loadBank();
const now = new Date('2026-12-07T10:00:00Z');
const inputs = (jd: string, cv: string, practised = new Map<string, string>()): FitInputs => ({
  jd: parseJdOffline(jd),
  profile: analyseProfileOffline(cv, now),
  profileText: cv,
  practised,
});

describe('the score and its breakdown', () => {
  it.each(Object.entries(JDS).flatMap(([j, jd]) => Object.entries(CVS).map(([c, cv]) => [`${j} × ${c}`, jd, cv] as const)))(
    '%s: the lines add up to the score, and the percent is of the maximum',
    (_name, jd, cv) => {
      const fit = assessFit(inputs(jd, cv));
      expect(fit.lines.length).toBeGreaterThan(0);
      expect(fit.lines.reduce((s, l) => s + l.points, 0)).toBe(fit.points);
      expect(fit.lines.reduce((s, l) => s + l.weight, 0)).toBe(fit.maxPoints);
      expect(fit.percent).toBe(Math.round((100 * fit.points) / fit.maxPoints));
      for (const l of fit.lines) expect(l.weight).toBe(WEIGHTS[l.kind]);
    },
  );

  it('weighs a missing must-have twice a missing nice-to-have', () => {
    const fit = assessFit(inputs(JDS.mlPlatform, CVS.platformEngineer));
    const must = fit.lines.find((l) => l.kind === 'must')!;
    const nice = fit.lines.find((l) => l.kind === 'nice')!;
    expect(must.weight).toBe(2 * nice.weight);
  });

  it('gives each line its evidence: the CV sentence when met, a related skill when partly, nothing when a gap', () => {
    const fit = assessFit(inputs(JDS.mlPlatform, CVS.platformEngineer));
    const line = (id: string) => fit.lines.find((l) => l.skillId === id)!;
    expect(line('kubernetes')).toMatchObject({ status: 'met', points: 2, evidence: 'Led the migration of our training jobs to Kubernetes, cutting queue times by 40%.' });
    expect(line('terraform')).toMatchObject({ status: 'gap', points: 0, evidence: 'Nothing in the CV shows it.' });
    expect(fit.lines.find((l) => l.kind === 'years')).toMatchObject({ status: 'met', evidence: 'The CV shows 10 years.' });
  });

  it('tells a skill the CV only fails to state from a real gap', () => {
    const bare = assessFit(inputs(JDS.researchScientist, CVS.careerChanger));
    expect(bare.lines.find((l) => l.skillId === 'transformers')!.status).toBe('gap');
    // Solving a bank problem that practises it is evidence the CV does not state.
    const practised = new Map([['transformers', 'Scaled dot-product attention']]);
    const line = assessFit(inputs(JDS.researchScientist, CVS.careerChanger, practised)).lines.find((l) => l.skillId === 'transformers')!;
    expect(line).toMatchObject({ status: 'unstated', points: 1 });
    expect(line.evidence).toContain('you solved “Scaled dot-product attention” on Bench');
    // PyTorch in a CV shows deep learning even when the CV never says "deep learning".
    const implied = assessFit({ ...inputs('Requirements:\n- Deep learning\n', CVS.platformEngineer) }).lines[0]!;
    expect(implied).toMatchObject({ status: 'unstated', skillId: 'deep-learning' });
  });

  it('counts a related skill as partly met (TensorFlow asked, PyTorch shown)', () => {
    const line = assessFit(inputs('Requirements:\n- TensorFlow\n', CVS.platformEngineer)).lines[0]!;
    expect(line.status).toBe('partly');
    expect(line.evidence).toMatch(/^Related: PyTorch/);
  });
});

describe('the reading', () => {
  const fit = assessFit(inputs(JDS.mlPlatform, CVS.careerChanger));
  const ctx = { assessment: fit, role: 'ML Engineer', company: 'Northwind Analytics', seniorityText: 'Senior' };

  it('offline: a template over the same structure, naming the score', () => {
    const text = offlineReading(ctx);
    expect(text).toContain(`${fit.points} of ${fit.maxPoints} points (${fit.percent}%)`);
    expect(text).toMatch(/Nothing shows .*Kubernetes/);
  });

  it('removes sentences that invent skills, numbers or seniority, and keeps the rest', () => {
    const model = [
      'The CV shows Python and SQL.',
      'It also shows deep experience with Rust.', // in the JD (nice to have), so allowed as a skill
      'You have 12 years of experience.', // no 12 anywhere
      'You are clearly a principal engineer.', // seniority nobody used
      'Your CUDA work stands out.', // CUDA is in neither the JD nor the CV
      `Overall ${fit.percent}% fits.`,
    ].join(' ');
    const checked = checkReading(model, ctx);
    expect(checked.removed).toBe(3);
    expect(checked.text).toBe(`The CV shows Python and SQL. It also shows deep experience with Rust. Overall ${fit.percent}% fits.`);
  });
});

describe('the plan', () => {
  it('practises only real gaps, with bank problems, one a day from today', () => {
    const fit = assessFit(inputs(JDS.researchScientist, CVS.careerChanger));
    const plan = buildPlan(bank, fit, new Set(), 'Research Scientist', now);
    expect(plan.length).toBeGreaterThan(0);
    const gaps = new Set(fit.lines.filter((l) => l.status === 'gap').map((l) => l.requirement));
    for (const [i, item] of plan.entries()) {
      expect(bank.bySlug.get(item.problem.slug)).toBe(item.problem);
      expect(gaps.has(item.requirement)).toBe(true);
      expect(item.dueAt.toISOString()).toBe(new Date(Date.UTC(2026, 11, 7 + i)).toISOString());
    }
    expect(new Set(plan.map((p) => p.problem.slug)).size).toBe(plan.length);
  });

  it('leaves out problems already solved', () => {
    const fit = assessFit(inputs(JDS.researchScientist, CVS.careerChanger));
    const first = buildPlan(bank, fit, new Set(), 'x', now)[0]!;
    expect(buildPlan(bank, fit, new Set([first.problem.slug]), 'x', now).map((p) => p.problem.slug)).not.toContain(first.problem.slug);
  });

  it('finds problems through the taxonomy: tags first, then topics', () => {
    const problems = problemsForSkill(bank, 'transformers');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.tags.some((t) => ['transformers', 'attention'].includes(t))).toBe(true);
  });
});
